"""Zenith's checks as named functions (in the manner of schemathesis' checks): each takes the
test's Checker and, at the call site, the requirement it judges, so that a suite test and the
lifecycle machine judge a reply alike. The I/O (sending, waiting) stays with the caller; the
checks every profile shares are wsconform.checks' (none_of)."""

from __future__ import annotations

from collections.abc import Callable

from wsconform.checks import HIDE_CHECK_FRAMES, Checker, none_of
from wsconform.session import Frame, HandshakeRejected, ProbeSession
from wsconform.vendors.zenith.protocol import (
    ERROR,
    REJECT,
    REJECTED,
    SUCCESS,
    Message,
    action_of,
    is_refusal,
    result_of,
)

# -- authentication ------------------------------------------------------------------------------


def auth_succeeded(check: Checker, req_id: str, reply: Message, *, what: str) -> bool:
    """An identity reply (AuthToken, QueryIdentify, Identify) whose Result is Success."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.equal(req_id, result_of(reply), SUCCESS, what=what)


def result_given(check: Checker, req_id: str, reply: Message) -> bool:
    """The AuthToken reply carries a Result: "Result ... Always", whichever way one
    authenticates."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    given = isinstance(result_of(reply), str)
    if not given:
        check.true(req_id, False, "the AuthToken reply's Result", expected="one", actual=reply)
    return given


def auth_reply_documented(check: Checker, reply: Message, *, what: str) -> bool:
    """The AuthToken reply is the documented one (ZEN-AUTH-02); its Topic, which practice
    varies on, is recorded (ZEN-AUTH-03, INFO)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    documented = check.schema("ZEN-AUTH-02", reply, "auth-token-reply", what=what)
    check.info("ZEN-AUTH-03", f"the AuthToken reply's Topic is {reply.get('Topic')!r}")
    return documented


def auth_token_succeeded(check: Checker, req_id: str, reply: Message, *, what: str) -> bool:
    """The AuthToken reply has a Result (ZEN-AUTH-01), Success under `req_id`, and is the
    documented reply (ZEN-AUTH-02, and its Topic recorded: ZEN-AUTH-03)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    result_given(check, "ZEN-AUTH-01", reply)
    succeeded = auth_succeeded(check, req_id, reply, what=what)
    auth_reply_documented(check, reply, what="the AuthToken reply")
    return succeeded


# -- rejection -----------------------------------------------------------------------------------


def token_refused(check: Checker, req_id: str, reply: Message, *, what: str) -> bool:
    """AuthToken refused: Result Reject (Motif's Rejected counts: ZEN-REJ-02 judges the
    spelling), or an Error."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.true(
        req_id, is_refusal(reply), what, expected='Result "Reject" (or an Error)', actual=reply
    )


def refusal_documented(check: Checker, reply: Message) -> None:
    """A refusing Error carries a documented code (ZEN-ENV-02); a Reject is the documented
    AuthToken reply (ZEN-AUTH-02). Motif's spelling, Rejected, is ZEN-REJ-02's (SHOULD), not a
    MUST: its reply is not judged here."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    if action_of(reply) == ERROR:
        check.schema("ZEN-ENV-02", reply, "error-frame", what="the rejecting Error")
    elif result_of(reply) != REJECTED:
        check.schema("ZEN-AUTH-02", reply, "auth-token-reply", what="the Reject reply")


def reject_spelled_as_documented(check: Checker, req_id: str, reply: Message) -> None:
    """A Reject is spelled "Reject", not Motif's "Rejected"; other replies are not judged."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    result = result_of(reply)
    if result == REJECTED:
        check.failed(req_id, "the rejection's spelling", f'"{REJECT}"', f'"{REJECTED}"')
    elif result == REJECT:
        check.passed(req_id, f'the rejection is spelled "{REJECT}"')


def bad_token_refused(check: Checker, req_id: str, reply: Message, *, what: str) -> bool:
    """AuthToken with a bad token refused (`req_id`), in a documented reply, with "Reject"
    spelled as documented (ZEN-REJ-02)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    refused = token_refused(check, req_id, reply, what=what)
    refusal_documented(check, reply)
    reject_spelled_as_documented(check, "ZEN-REJ-02", reply)
    return refused


def header_token_refused(
    check: Checker, req_id: str, attempt: Callable[[], ProbeSession], *, what: str
) -> bool:
    """A handshake with an invalid token in its Bearer header (`attempt` makes it) is refused
    with HTTP 403. `what` names the token: "an invalid header token"."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    try:
        session = attempt()
    except HandshakeRejected as exc:
        return check.equal(req_id, exc.status, 403, what=f"HTTP status for {what}")
    session.close()
    upgraded = f"upgraded (subprotocol {session.subprotocol!r})"
    check.failed(req_id, what, "HTTP 403 Forbidden", upgraded)
    return False


# -- subscriptions -------------------------------------------------------------------------------


def sub_confirmed(check: Checker, req_id: str, answer: Message, channel: str) -> bool:
    """The answer to a Sub with Confirm is its confirmation (ZEN-SUB-06)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema(req_id, answer, "sub-confirm", what=f"Sub {channel!r} is confirmed")


def data_before_confirmation(
    check: Checker, req_id: str, pending: list[Frame], confirmation: Frame
) -> None:
    """Whether data (`pending` on the channel) came before the Sub confirmation is recorded."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    early = [f for f in pending if f.index < confirmation.index]
    did = "did" if early else "did not"
    check.info(req_id, f"data {did} arrive before the Sub confirmation")


def sub_refused(check: Checker, req_id: str, answer: Message, *, what: str) -> bool:
    """The answer to a Sub without the right is an Error, with an Appendix D code (ZEN-ENV-02).
    `what` names the Sub."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    refused = check.equal(req_id, answer.get("Action"), ERROR, what=f"{what} gets an Error")
    check.schema("ZEN-ENV-02", answer, "error-frame", what="the refusal's Error")
    return refused


# ZEN-SUB-10, "only an Error action, and if requested, a Confirm message with the Confirm field
# omitted", is judged two ways, each kept as it was written: the suite's (confirm_omitted) asks of
# the first frame with Action Sub only that it has no Confirm; the lifecycle machine's
# (failed_sub_reply_documented) asks of the Sub on the refused channel that it is the documented
# failed-confirmation frame (schemas/zenith/sub-failed-confirm.json).


def confirm_omitted(check: Checker, req_id: str, reply: Frame) -> bool:
    """The Sub reply to a refused Sub with Confirm has its Confirm omitted."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.true(
        req_id,
        "Confirm" not in reply.obj,
        "a refused Sub with Confirm gets a Sub reply with Confirm omitted",
        expected='{"Action":"Sub"} without Confirm',
        actual=reply.data,
    )


def failed_sub_reply_documented(check: Checker, req_id: str, reply: Frame) -> bool:
    """The Sub reply to a refused Sub with Confirm is the documented failed confirmation."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema(req_id, reply.obj, "sub-failed-confirm", what="its Confirm is omitted")


def no_data_after_expiry(check: Checker, req_id: str, leaked: list[Frame], channel: str) -> bool:
    """No data on `channel` reached a connection whose access token expired."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    what = f"no data on {channel!r} after the access token expired"
    return none_of(check, req_id, leaked, what, expected="no data")


def data_frame_documented(check: Checker, req_id: str, frame: Message) -> bool:
    """A subscription's data frame: no Action, no TransactionID."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema(req_id, frame, "data-frame", what="a data frame: no Action, no TID")


def unsub_reply_documented(check: Checker, req_id: str, reply: Message) -> bool:
    """The reply to a client Unsub carries no Confirm."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema(req_id, reply, "unsub-reply", what="the client Unsub's reply")


def error_before_server_unsub(check: Checker, req_id: str, error: Frame, unsub: Frame) -> bool:
    """A subscription a re-auth ends gets its Error, then the server Unsub."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    in_order = sorted((error, unsub), key=lambda f: f.index)
    return check.true(
        req_id,
        error.index < unsub.index,
        "the Error comes before the server Unsub",
        expected="Error, then Unsub",
        actual=[action_of(f.obj) for f in in_order],
    )


def server_unsub_documented(check: Checker, req_id: str, unsub: Frame) -> bool:
    """The server Unsub that ends a subscription carries Confirm true."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema(req_id, unsub.obj, "server-unsub", what="the server Unsub")


def subscription_ended(check: Checker, error: Frame, unsub: Frame) -> bool:
    """A subscription a re-auth ends: its Error has an Appendix D code (ZEN-ENV-02) and comes
    before the server Unsub (ZEN-SUB-03), which carries Confirm true (ZEN-SUB-04)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    documented = check.schema(
        "ZEN-ENV-02", error.obj, "error-frame", what="the Error of a lost Sub"
    )
    in_order = error_before_server_unsub(check, "ZEN-SUB-03", error, unsub)
    return server_unsub_documented(check, "ZEN-SUB-04", unsub) and documented and in_order


def kept_untouched(check: Checker, req_id: str, touched: list[Frame]) -> bool:
    """A subscription that keeps its right on re-auth gets no Error and no server Unsub
    (`touched`: those that came)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    what = "a subscription that keeps its right gets no Error and no Unsub on re-auth"
    return none_of(check, req_id, touched, what, expected="nothing")
