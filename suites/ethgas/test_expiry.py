"""Expiry: a token_expired event in the documented shape, private data stops, and a new login on
the same socket works; after it, private data flows again once subscribed (whether the server kept
the subscriptions is recorded). On the embedded mock the clock jumps; live, the waits are real
(short-lived tokens of a few seconds).

vendor-docs/ethgas-websocket-authentication.md § Token Expiration, § Re-authenticate,
§ Authentication States."""

from __future__ import annotations

import pytest

from wsconform.vendors.ethgas.checks import auth_succeeded, expiry_event_shaped, not_refused
from wsconform.vendors.ethgas.client import is_data, is_expiry_event

LIFETIME = 5  # seconds: a short-lived token, so a live run waits only this long


@pytest.mark.req("ETH-EXP-01", "ETH-EXP-02", "ETH-EXP-04", "ETH-AUTH-01", "ETH-AUTH-07")
def test_a_token_expired_event_arrives_and_private_data_stops(
    client, authenticate, tokens, target, wait_past, check, expect_no_data
):
    token = tokens.get("short-lived", LIFETIME)
    c = client()
    authenticate(c, token.value)
    private, public = target.private_channel, target.public_channel
    c.subscribe(private)
    c.subscribe(public)
    with check.scope("ETH-AUTH-07", "private data flows before expiry"):
        c.data(private)
    wait_past(token.expires_at)
    with check.scope("ETH-EXP-01", "a token_expired event at expiry"):
        event = c.expiry_event()
    expiry_event_shaped(check, event.obj)
    c.session.take(lambda f: f.index < event.index)  # sent before the event: the token was live
    expect_no_data("ETH-EXP-02", c, private, "no private data after the token_expired event")
    frames = c.session.drain()
    more = [f.data for f in frames if not (is_data(public)(f) or is_expiry_event(f))]
    public_data = "continues" if any(map(is_data(public), frames)) else "stopped"
    check.info(
        "ETH-EXP-04",
        f"after the event: public data {public_data}, "
        f"other frames {more or 'none'}, "
        f"connection {'closed' if c.session.closed else 'open'}",
    )


@pytest.mark.req("ETH-EXP-03", "ETH-SUB-01", "ETH-SUB-02", "ETH-AUTH-01")
def test_a_new_login_after_expiry_brings_private_data_back(
    client, authenticate, tokens, target, wait_past, check
):
    token = tokens.get("short-lived", LIFETIME)
    c = client()
    authenticate(c, token.value)
    private = target.private_channel
    c.subscribe(private)
    c.data(private)
    wait_past(token.expires_at)
    c.sync()
    c.session.drain()  # the event and whatever came before it (ETH-EXP-01 checks them)
    reply = c.login(tokens.get("valid").value)
    auth_succeeded(check, "ETH-EXP-03", reply, "a new login on the same socket")
    target.settle(c.session)
    kept = bool(c.session.pending(is_data(private)))
    check.info(
        "ETH-SUB-02",
        "subscriptions kept across expiry: private data resumed at the new login"
        if kept
        else "subscriptions not kept: no private data until the client subscribes again",
    )
    if not kept:
        answers = c.subscribe(private)
        not_refused(check, "ETH-SUB-01", answers, "subscribing again after the new login")
    with check.scope("ETH-SUB-01", "private data flows again after the new login"):
        c.data(private)
