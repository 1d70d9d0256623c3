"""Subscriptions: several args in one subscribe frame are each served, several in one unsubscribe
frame each ended (and only they); data frames are {e, E, s, P}. Acks and refusals are undocumented
and recorded.

developers.ethgas.com § subscribe, § unsubscribe, data frames (docs/facts/ethgas.md §Subscribe
and unsubscribe, §Data frames); python-ethgas (docs/facts/ethgas.md §python-ethgas)."""

from __future__ import annotations

import pytest

from wsconform.vendors.ethgas_op import protocol
from wsconform.vendors.ethgas_op.checks import (
    acks_recorded,
    all_json,
    codes_documented,
    data_documented,
    nothing_after_unsubscribe,
)

# The docs' own subscribe example: three topics in one frame (docs/facts/ethgas.md §Subscribe and
# unsubscribe).
DOCS_EXAMPLE = (
    {"channel": "preconfMarketUpdate", "marketType": "inclusionPreconf"},
    {"channel": "inclusionPreconfSaleUpdate"},
    {"channel": "blockBuilderUpdate"},
)
DAY_MS = 86_400_000


@pytest.mark.req("EOP-SUB-01", "EOP-SUB-03", "EOP-SUB-04", "EOP-ENV-03", "EOP-ENV-04")
def test_a_subscribe_with_several_args_serves_each(client, target, check):
    c = client()
    answers = c.subscribe(*DOCS_EXAMPLE)
    acks_recorded(check, "EOP-SUB-04", protocol.SUBSCRIBE, answers, DOCS_EXAMPLE)
    codes_documented(check, "EOP-ENV-03", answers, "a subscribe answer")
    for arg in DOCS_EXAMPLE:
        channel = arg["channel"]
        with check.scope("EOP-SUB-01", f"data on {channel!r}, the frame's arg {arg}"):
            frame = c.data(channel)
        data_documented(check, frame, f"a {channel} data frame")
        now_ms = target.clock() * 1000
        check.true(
            "EOP-SUB-03",
            isinstance(frame.get("E"), int) and abs(frame["E"] - now_ms) < DAY_MS,
            "E is a millisecond timestamp (within a day of now)",
            expected=f"about {now_ms:.0f}",
            actual=frame.get("E"),
        )
    all_json(
        check,
        "EOP-ENV-04",
        c.session.pending(),
        "every frame the server sent is JSON (python-ethgas json.loads each)",
    )


@pytest.mark.req("EOP-SUB-01", "EOP-AUTH-01", "EOP-AUTH-02")
def test_after_login_a_subscribe_mixing_private_and_public_serves_each(
    client, authenticate, target, check
):
    c = client()
    authenticate(c)
    args = ({"channel": target.private_channel}, {"channel": target.public_channel})
    c.subscribe(*args)
    for arg in args:
        with check.scope("EOP-SUB-01", f"after login, data on {arg['channel']!r}"):
            c.data(arg["channel"])


@pytest.mark.req("EOP-SUB-02", "EOP-SUB-01", "EOP-SUB-04", "EOP-ENV-03")
def test_an_unsubscribe_with_several_args_ends_each_and_only_them(client, target, check):
    c = client()
    c.subscribe(*DOCS_EXAMPLE)
    for arg in DOCS_EXAMPLE:
        with check.scope("EOP-SUB-01", f"data on {arg['channel']!r} before the unsubscribe"):
            c.data(arg["channel"])
    ended, kept = DOCS_EXAMPLE[:2], DOCS_EXAMPLE[2]
    answers = c.unsubscribe(*ended)
    acks_recorded(check, "EOP-SUB-04", protocol.UNSUBSCRIBE, answers, ended)
    codes_documented(check, "EOP-ENV-03", answers, "an unsubscribe answer")
    c.session.drain()  # data sent before the unsubscribe was handled
    target.settle(c.session)
    ended_channels = [arg["channel"] for arg in ended]
    nothing_after_unsubscribe(check, "EOP-SUB-02", c.session.pending(), ended_channels)
    with check.scope("EOP-SUB-02", f"data on {kept['channel']!r}, not unsubscribed, goes on"):
        c.data(kept["channel"])


@pytest.mark.req("EOP-SUB-06", "EOP-ENV-03")
def test_an_unknown_channel(client, check):
    c = client()
    arg = {"channel": "noSuchChannelUpdate"}
    answers = c.subscribe(arg)
    codes_documented(check, "EOP-ENV-03", answers, "the answer to an unknown channel")
    check.info("EOP-SUB-06", f"subscribe {arg}: {answers or 'no answer'}")
