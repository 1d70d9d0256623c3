"""Subscriptions: subscribe/unsubscribe replies, their errors, and what a reconnect keeps."""

from __future__ import annotations

import pytest

from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.checks import (
    channel_confirmed,
    documented_message,
    error_response,
    replay_recorded,
    subscribe_succeeded,
)


@pytest.mark.req("PDX-SUB-02", "PDX-SUB-03")
def test_unsubscribe_is_answered_and_ends_the_data(client, target, check, expect_no_data):
    c = client()
    c.subscribe(target.public_channel)
    reply = c.unsubscribe(target.public_channel)
    channel_confirmed(
        check, "PDX-SUB-02", reply, target.public_channel, schema="unsubscribe-result"
    )
    c.session.barrier()
    c.session.drain()  # data sent before the unsubscribe reply may still have been in flight
    expect_no_data("PDX-SUB-03", c, target.public_channel, "no data after the unsubscribe reply")


@pytest.mark.req("PDX-SUB-04", "PDX-SUB-08")
def test_duplicate_subscribe_is_an_error(client, target, check):
    c = client()
    c.subscribe(target.public_channel)
    reply = c.subscribe(target.public_channel)
    check.info("PDX-SUB-08", f"duplicate subscribe: error {protocol.error_code(reply)}")
    error_response(
        check,
        "PDX-SUB-04",
        reply,
        protocol.SUBSCRIPTION_ERROR_CODES,
        "a second subscribe to one channel",
    )
    documented_message(check, "PDX-ENV-07", reply)


@pytest.mark.req("PDX-SUB-05", "PDX-SUB-08")
def test_unsubscribe_without_subscription_is_an_error(client, target, check):
    reply = client().unsubscribe(target.public_channel)
    check.info("PDX-SUB-08", f"unsubscribe when not subscribed: error {protocol.error_code(reply)}")
    error_response(
        check,
        "PDX-SUB-05",
        reply,
        protocol.SUBSCRIPTION_ERROR_CODES,
        "unsubscribe from a channel not subscribed",
    )
    documented_message(check, "PDX-ENV-07", reply)


@pytest.mark.req("PDX-SUB-06", "PDX-SUB-07", "PDX-AUTH-01", "PDX-SUB-01")
def test_reconnect_needs_a_new_subscription(client, authenticate, target, check):
    first = client()
    authenticate(first)
    first.subscribe(target.private_channel)
    with check.scope("PDX-SUB-06", "private data on the first connection"):
        first.data(target.private_channel)
    first.session.close()
    second = client()
    authenticate(second)  # a fresh JWT
    target.settle(second.session)
    replayed = second.session.pending(protocol.data_frame(target.private_channel))
    replay_recorded(check, "PDX-SUB-07", bool(replayed))
    reply = second.subscribe(target.private_channel)
    subscribe_succeeded(
        check, "PDX-SUB-06", reply, "subscribing again on the new connection succeeds"
    )
    with check.scope("PDX-SUB-06", "data back after subscribing again"):
        second.data(target.private_channel)
