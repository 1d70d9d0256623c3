"""Subscriptions: confirmations, data frames, client and server Unsub, and what a re-auth with
fewer rights does to them: an Error, then a server Unsub, for exactly the ones that lost a right.

vendor-docs/zenith-authentication.md § Expiry and Subscriptions; facts §1.2, §1.5."""

from __future__ import annotations

import pytest

from wsconform.vendors.zenith.client import is_action, is_data, is_error
from wsconform.vendors.zenith.protocol import SUB, UNSUB, action_of


@pytest.mark.req("ZEN-SUB-06", "ZEN-SUB-07", "ZEN-SUB-08", "ZEN-SUB-09", "ZEN-AUTH-01")
def test_sub_confirmation_data_frames_and_the_unsub_reply(
    client, authenticate, target, check, expect_no_data
):
    c = client()
    authenticate(c)
    channel = target.public_channel
    c.sub(channel)
    confirmation = c.session.expect(is_action(channel, SUB), f"Sub confirmation of {channel!r}")
    early = [f for f in c.session.pending(is_data(channel)) if f.index < confirmation.index]
    check.info("ZEN-SUB-09", f"{len(early)} data frame(s) arrived before the Sub confirmation")
    check.schema("ZEN-SUB-06", confirmation.obj, "sub-confirm", what="the Sub confirmation")
    data = c.data(channel)
    check.schema("ZEN-SUB-08", data, "data-frame", what="a data frame: no Action, no TID")
    c.unsub(channel)
    reply = c.session.expect(is_action(channel, UNSUB), f"Unsub reply for {channel!r}").obj
    check.schema("ZEN-SUB-07", reply, "unsub-reply", what="the client Unsub's reply")


@pytest.mark.req(
    "ZEN-SUB-02", "ZEN-SUB-03", "ZEN-SUB-04", "ZEN-SUB-05", "ZEN-AUTH-01", "ZEN-SUB-06"
)
def test_reauth_with_fewer_rights_ends_only_what_lost_its_right(
    client, authenticate, tokens, target, private_channel, check, subscribed
):
    c = client()
    authenticate(c)
    public = target.public_channel
    subscribed(c, public)
    subscribed(c, private_channel)
    c.data(private_channel)
    authenticate(c, tokens.get("limited").value)
    with check.scope("ZEN-SUB-02", "an Error and a server Unsub for the lost subscription"):
        error = c.session.expect(is_error(private_channel), f"Error for {private_channel!r}")
        unsub = c.session.expect(
            is_action(private_channel, UNSUB), f"server Unsub of {private_channel!r}"
        )
    check.true(
        "ZEN-SUB-03",
        error.index < unsub.index,
        "the Error comes before the server Unsub",
        expected="Error, then Unsub",
        actual=[action_of(f.obj) for f in sorted((error, unsub), key=lambda f: f.index)],
    )
    check.schema("ZEN-SUB-04", unsub.obj, "server-unsub", what="the server Unsub")
    c.session.barrier()
    touched = c.session.pending(lambda f: is_error(public)(f) or is_action(public, UNSUB)(f))
    check.true(
        "ZEN-SUB-05",
        not touched,
        f"the still-permitted {public!r} gets no Error and no Unsub",
        expected="nothing",
        actual=touched[0].data if touched else None,
    )
    with check.scope("ZEN-SUB-05", f"data on {public!r} continues"):
        target.settle(c.session)
        c.data(public)
