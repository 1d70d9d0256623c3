"""The `op` dialect's checks, each a named function of what the server answered (no I/O), as
the suite's tests and its lifecycle machine both call them: the Checker and the requirement a
miss breaks are given at the call site.

    no_login_success(check, "EOP-REJ-01", replies, "login, forged token")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from wsconform.checks import HIDE_CHECK_FRAMES, Checker, none_of
from wsconform.session import Frame
from wsconform.vendors.ethgas_op.protocol import (
    PRIVATE_QUERIES,
    SUCCESS,
    TEXT_PONG,
    Message,
    is_data,
    is_event,
    is_login_success,
    is_private_reply,
    is_query_reply,
)


def documented_codes(check: Checker) -> list[int]:
    """Both documented tables, WebSocket and general ("WebSocket sessions use the same error codes
    as REST"): they disagree on what 1001 and 1002 mean, not on whether they exist
    (docs/facts/ethgas.md §Error codes)."""
    tables = check.schemas.document(check.vendor, "error-event")["x-documented-codes"]
    return sorted({int(code) for table in tables.values() for code in table})


def codes_documented(check: Checker, req: str, replies: Iterable[Message], what: str) -> None:
    """Every non-zero `code` among `replies` is in a documented table."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    for reply in replies:
        code = reply.get("code")
        if "code" in reply and code != SUCCESS:
            check.one_of(req, code, documented_codes(check), what=f"{what}: error code")


def login_acked(check: Checker, req: str, reply: Message) -> bool:
    """The documented login ack: event login, code 0."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema(req, reply, "login-ack", what="the documented login ack, code 0")


def no_login_success(check: Checker, req: str, replies: list[Message], what: str) -> bool:
    """No reply is the documented login success."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    wins = [r for r in replies if is_login_success(r)]
    expected = 'no {"event":"login","code":0}: a failure, an error, a close'
    return none_of(check, req, wins, what, expected=expected)


def no_private_answer(check: Checker, req: str, answers: list[Message], what: str) -> bool:
    """No private query is answered."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    served = [a for a in answers if is_private_reply(a)]
    expected = f"no reply {{q, P}} to {', '.join(PRIVATE_QUERIES)}"
    return none_of(check, req, served, what, expected=expected)


def private_answers(check: Checker, req: str, answers: list[Message], what: str) -> None:
    """Each private query is answered (`req`), `{q, P}` (EOP-ENV-01)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    for query_type in PRIVATE_QUERIES:
        reply = next(filter(is_query_reply(query_type), answers), None)
        check.true(
            req,
            reply is not None,
            f"{what}: query {query_type!r} is answered",
            expected=f'{{"q":"{query_type}","P":...}}',
            actual=answers,
        )
        check.schema("EOP-ENV-01", reply, "query-reply", what=f"the {query_type} reply")


def all_json(check: Checker, req: str, frames: list[Frame], what: str) -> bool:
    """Every frame but the text heartbeat is JSON (python-ethgas json.loads each)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    text = [f.data for f in frames if not f.is_json and f.data != TEXT_PONG]
    return none_of(check, req, text, what, expected="JSON text frames")


def acks_recorded(
    check: Checker, req: str, op: str, answers: list[Message], args: Sequence[Any]
) -> None:
    """Whether acks came, one per arg and carrying it, in python-ethgas's {event, arg} shape
    (recorded: no ack is documented)."""
    acks = list(filter(is_event(op), answers))
    if not acks:
        check.info(req, f"{op}: no ack")
        return
    errors = [e for a in acks for e in check.schemas.errors(check.vendor, f"{op}-ack", a)]
    shape = "{event, arg} as python-ethgas reads them" if not errors else errors[0]
    per_arg = "one per arg" if len(acks) == len(args) else "not one per arg"
    as_sent = "as sent" if [a.get("arg") for a in acks] == list(args) else "not as sent"
    check.info(req, f"{op}: acks {shape}, {per_arg}, args {as_sent}")


def data_documented(check: Checker, frame: Message, what: str) -> bool:
    """A data frame is {e, E, s, P} (EOP-SUB-03)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema("EOP-SUB-03", frame, "data-frame", what=what)


def no_private_data(
    check: Checker, req: str, frames: Sequence[Frame], channel: str, what: str
) -> bool:
    """No data on the private `channel` and no private query reply among `frames`."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    leaked = [f.data for f in frames if is_data(channel)(f.obj) or is_private_reply(f.obj)]
    return none_of(check, req, leaked, what, expected="no private data, no private query reply")


def nothing_after_unsubscribe(
    check: Checker, req: str, frames: Sequence[Frame], channels: Iterable[str]
) -> None:
    """No data on any of `channels` among `frames`, what arrived once their unsubscribe was
    handled."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    for channel in channels:
        leaked = [f.data for f in frames if is_data(channel)(f.obj)]
        what = f"no data on {channel!r} after unsubscribing it"
        none_of(check, req, leaked, what, expected="no data")


def header_refused(check: Checker, req: str, kind: str, status: int) -> None:
    """The session header with a bad `kind` token, refused at the upgrade: a pass of `req`; the
    HTTP status recorded (EOP-REJ-05)."""
    check.info("EOP-REJ-05", f"session header, {kind} token: the upgrade got HTTP {status}")
    check.passed(req, f"session header, {kind} token: the upgrade is refused")


def resumption_recorded(check: Checker, resumed: bool) -> None:
    """After a re-login on the connection whose token expired, whether the private subscription
    from before delivers again (recorded: EOP-EXP-04)."""
    check.info(
        "EOP-EXP-04",
        "after the re-login, the earlier private subscription "
        + ("delivers again" if resumed else "delivers nothing until subscribed anew"),
    )
