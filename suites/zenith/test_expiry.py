"""Expiry: data stops silently, subscriptions are remembered, AuthToken on the same connection
resumes them, and an AuthToken before expiry extends the session. On the embedded mock the clock
jumps; live, the waits are real (short-lived tokens of a few seconds).

Catalogue document AUTH § Authentication Expiry, § Expiry and Subscriptions."""

from __future__ import annotations

import time

import pytest

from wsconform.checks import none_of
from wsconform.vendors.zenith.checks import auth_succeeded, sub_confirmed
from wsconform.vendors.zenith.client import is_data

LIFETIME = 5  # seconds: a short-lived token, so a live run waits only this long


@pytest.mark.req("ZEN-EXP-01", "ZEN-EXP-02", "ZEN-AUTH-01", "ZEN-SUB-06")
def test_data_stops_at_expiry(client, tokens, target, wait_past, check, op_timeout):
    token = tokens.get("short-lived", LIFETIME)
    c = client()
    auth_succeeded(check, "ZEN-AUTH-01", c.auth(token.value), what="AuthToken Result")
    channel = target.public_channel
    sub_confirmed(check, "ZEN-SUB-06", c.subscribe(channel), channel)
    with check.scope("ZEN-EXP-01", "data flows before expiry"):
        c.data(target.public_channel)
    wait_past(token.expires_at)
    c.session.barrier()
    c.session.drain()  # everything sent up to the expiry instant
    target.settle(c.session)
    # "you will *eventually* stop receiving data": a live server is given up to the op timeout
    # past exp, window by window, for its data to stop (the embedded mock's settle is exact).
    grace_ends = time.monotonic() + op_timeout
    while not target.embedded and time.monotonic() < grace_ends:
        if not c.session.take(is_data(target.public_channel)):
            break
        target.settle(c.session)
    after = c.session.pending(is_data(target.public_channel))
    others = [f.data for f in c.session.pending() if not is_data(target.public_channel)(f)]
    check.info(
        "ZEN-EXP-02",
        f"after expiry: other frames {others or 'none'}, "
        f"connection {'closed' if c.session.closed else 'open'}",
    )
    none_of(
        check, "ZEN-EXP-01", after, "no data after the access token expired", expected="no data"
    )


@pytest.mark.req("ZEN-EXP-03", "ZEN-SUB-01", "ZEN-AUTH-01", "ZEN-SUB-06")
def test_reauth_after_expiry_resumes_the_remembered_subscriptions(
    client, tokens, target, wait_past, check
):
    token = tokens.get("short-lived", LIFETIME)
    c = client()
    auth_succeeded(check, "ZEN-AUTH-01", c.auth(token.value), what="AuthToken Result")
    channel = target.public_channel
    sub_confirmed(check, "ZEN-SUB-06", c.subscribe(channel), channel)
    c.data(target.public_channel)
    wait_past(token.expires_at)
    target.settle(c.session)
    c.session.drain()
    reply = c.auth(tokens.get("valid").value)
    auth_succeeded(check, "ZEN-EXP-03", reply, what="re-auth")
    with check.scope("ZEN-SUB-01", "data resumes after re-auth without a new Sub"):
        target.settle(c.session)
        c.data(target.public_channel)


@pytest.mark.req("ZEN-EXP-04", "ZEN-AUTH-01", "ZEN-SUB-06")
def test_reauth_before_expiry_extends_the_session(client, tokens, target, wait_past, check):
    first = tokens.get("short-lived", LIFETIME)
    c = client()
    auth_succeeded(check, "ZEN-AUTH-01", c.auth(first.value), what="AuthToken Result")
    channel = target.public_channel
    sub_confirmed(check, "ZEN-SUB-06", c.subscribe(channel), channel)
    second = tokens.get("short-lived", 4 * LIFETIME)  # AuthToken before the first expires
    auth_succeeded(check, "ZEN-AUTH-01", c.auth(second.value), what="AuthToken Result")
    wait_past(first.expires_at)
    c.session.barrier()
    c.session.drain()
    with check.scope("ZEN-EXP-04", "data still flows after the first token's expiry"):
        target.settle(c.session)
        c.data(target.public_channel)
