"""Subscriptions: confirmations, data frames, client and server Unsub, and what a re-auth with
fewer rights does to them: an Error, then a server Unsub, for exactly the ones that lost a right.

Catalogue documents AUTH § Expiry and Subscriptions, EXCHANGING § Subscriptions;
docs/facts/zenith.md §Message container, §Subscriptions."""

from __future__ import annotations

import pytest

from wsconform.checks import none_of
from wsconform.vendors.zenith.checks import (
    auth_succeeded,
    data_frame_documented,
    error_before_server_unsub,
    server_unsub_documented,
    sub_confirmed,
    unsub_reply_documented,
)
from wsconform.vendors.zenith.client import is_action, is_data, is_error
from wsconform.vendors.zenith.protocol import SUB, UNSUB


@pytest.mark.req("ZEN-SUB-06", "ZEN-SUB-07", "ZEN-SUB-08", "ZEN-SUB-09", "ZEN-AUTH-01")
def test_sub_confirmation_data_frames_and_the_unsub_reply(client, tokens, target, check):
    c = client()
    auth_succeeded(check, "ZEN-AUTH-01", c.auth(tokens.get("valid").value), what="AuthToken Result")
    channel = target.public_channel
    c.sub(channel)
    confirmation = c.session.expect(is_action(channel, SUB), f"Sub confirmation of {channel!r}")
    early = [f for f in c.session.pending(is_data(channel)) if f.index < confirmation.index]
    check.info("ZEN-SUB-09", f"{len(early)} data frame(s) arrived before the Sub confirmation")
    sub_confirmed(check, "ZEN-SUB-06", confirmation.obj, channel)
    data_frame_documented(check, "ZEN-SUB-08", c.data(channel))
    c.unsub(channel)
    reply = c.session.expect(is_action(channel, UNSUB), f"Unsub reply for {channel!r}").obj
    unsub_reply_documented(check, "ZEN-SUB-07", reply)


@pytest.mark.req(
    "ZEN-SUB-02", "ZEN-SUB-03", "ZEN-SUB-04", "ZEN-SUB-05", "ZEN-AUTH-01", "ZEN-SUB-06"
)
def test_reauth_with_fewer_rights_ends_only_what_lost_its_right(
    client, tokens, target, private_channel, check
):
    c = client()
    auth_succeeded(check, "ZEN-AUTH-01", c.auth(tokens.get("valid").value), what="AuthToken Result")
    public = target.public_channel
    sub_confirmed(check, "ZEN-SUB-06", c.subscribe(public), public)
    sub_confirmed(check, "ZEN-SUB-06", c.subscribe(private_channel), private_channel)
    c.data(private_channel)
    limited = c.auth(tokens.get("limited").value)
    auth_succeeded(check, "ZEN-AUTH-01", limited, what="AuthToken Result")
    with check.scope("ZEN-SUB-02", "an Error and a server Unsub for the lost subscription"):
        error = c.session.expect(is_error(private_channel), f"Error for {private_channel!r}")
        unsub = c.session.expect(
            is_action(private_channel, UNSUB), f"server Unsub of {private_channel!r}"
        )
    error_before_server_unsub(check, "ZEN-SUB-03", error, unsub)
    server_unsub_documented(check, "ZEN-SUB-04", unsub)
    c.session.barrier()
    touched = c.session.pending(lambda f: is_error(public)(f) or is_action(public, UNSUB)(f))
    what = f"the still-permitted {public!r} gets no Error and no Unsub"
    none_of(check, "ZEN-SUB-05", touched, what, expected="nothing")
    with check.scope("ZEN-SUB-05", f"data on {public!r} continues"):
        target.settle(c.session)
        c.data(public)
