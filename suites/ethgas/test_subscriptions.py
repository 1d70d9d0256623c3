"""Subscriptions: what subscribe and unsubscribe are answered (no ack is documented: recorded),
an unsubscribe ends the channel's data, and an unknown channel gets the companion page's 1002.

docs/facts/ethgas.md §Companion page (the companion page: subscribe, unsubscribe, data frames,
common errors)."""

from __future__ import annotations

import pytest

from wsconform.vendors.ethgas.checks import data_frame_shaped, refused_with
from wsconform.vendors.ethgas.protocol import INVALID_CHANNEL

UNKNOWN_CHANNEL = "noSuchChannelUpdate"


@pytest.mark.req("ETH-SUB-04", "ETH-SUB-03", "ETH-ENV-03", "ETH-AUTH-01")
def test_an_unsubscribe_ends_the_data(client, authenticate, target, check, expect_no_data):
    c = client()
    authenticate(c)  # so that the public subscribe does not hinge on ETH-AUTH-05
    channel = target.public_channel
    subscribed = c.subscribe(channel)
    with check.scope("ETH-SUB-04", f"data on {channel!r} before the unsubscribe"):
        frame = c.data(channel)
    data_frame_shaped(check, frame)
    unsubscribed = c.unsubscribe(channel)
    check.info("ETH-SUB-03", f"subscribe answered: {subscribed or 'nothing'}")
    check.info("ETH-SUB-03", f"unsubscribe answered: {unsubscribed or 'nothing'}")
    c.session.drain()  # sent before the server handled the unsubscribe
    expect_no_data("ETH-SUB-04", c, channel, "no data after the unsubscribe")


@pytest.mark.req("ETH-SUB-05", "ETH-ENV-02")
def test_an_unknown_channel_gets_1002(client, check, expect_refused_subscribe):
    c = client()
    codes = expect_refused_subscribe("ETH-SUB-05", c, UNKNOWN_CHANNEL, "an unknown channel")
    refused_with(
        check,
        "ETH-SUB-05",
        codes,
        INVALID_CHANNEL,
        "the unknown channel is refused with 1002 (Invalid channel)",
    )
