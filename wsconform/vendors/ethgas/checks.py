"""The `cmd` dialect's checks, each a named function of what the server answered (no I/O), as
the suite's tests and its lifecycle machine both call them: the Checker and the requirement a
miss breaks are given at the call site.

    login_refused(check, "ETH-REJ-01", reply, "a forged token")
"""

from __future__ import annotations

from typing import Any

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.vendors.ethgas.protocol import (
    INSUFFICIENT_PERMISSIONS,
    INVALID_TOKEN,
    RATE_LIMITED,
    SUCCESS,
    SUCCESS_MEMBERS,
    Message,
    error_code,
    errors_in,
    is_error_frame,
    is_login_refusal,
    status_of,
)


def auth_succeeded(check: Checker, req: str, reply: Message, what: str) -> bool:
    """The login reply says "success" (whether it does is returned: a SHOULD may miss), in a
    documented success shape."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    if not check.equal(req, status_of(reply), SUCCESS, what=what):
        return False
    check.schema(req, reply, "login-success", what=f"{what}: the success's shape")
    return True


def success_data(check: Checker, req: str, reply: Message) -> bool:
    """A success in the seed page's form carries its data members, a permissions list of
    strings among them (the companion page's form shows userId only: the schema's business)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    data = reply.get("data") or {}
    permissions = data.get("permissions")
    return check.true(
        req,
        all(m in data for m in SUCCESS_MEMBERS)
        and isinstance(permissions, list)
        and all(isinstance(p, str) for p in permissions),
        "the seed page's success data: userId, username and a permissions list of strings",
        expected=f"data with {list(SUCCESS_MEMBERS)}",
        actual=data,
    )


def login_refused(
    check: Checker,
    req: str,
    reply: Message,
    what: str,
    codes: tuple[int, ...] = (INVALID_TOKEN,),
    shape_req: str = "ETH-ENV-01",
) -> Any:
    """`reply` refuses the login (`req`), in the seed page's error shape (`shape_req`), with
    one of `codes` (`req`). A 429 where none is allowed is recorded, not a miss: the docs give
    429 no scope, so earlier failed logins may have earned it. Returns the code."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    check.true(
        req,
        is_login_refusal(reply),
        f"{what}: the login is refused",
        expected='{"cmd":"login","status":"error",...}',
        actual=reply,
    )
    check.schema(shape_req, reply, "login-error", what=f"{what}: the login error's shape")
    code = error_code(reply)
    if code == RATE_LIMITED and RATE_LIMITED not in codes:
        check.info("ETH-REJ-05", f"{what}: 429 (rate limited) where {list(codes)} was expected")
        return code
    check.one_of(req, code, list(codes), what=f"{what}: error code")
    return code


def not_refused(check: Checker, req: str, answers: list[Message], what: str) -> bool:
    """No error among a command's answers."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.true(
        req, not errors_in(answers), f"{what} is not refused", expected="no error", actual=answers
    )


def error_frames_shaped(check: Checker, answers: list[Message], req: str = "ETH-ENV-02") -> None:
    """Every error frame among the answers is in the companion page's shape."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    for error in errors_in(answers):
        if is_error_frame(error):
            check.schema(req, error, "error-frame", what="the error frame's shape")


def refused_with(check: Checker, req: str, codes: list[Any], code: int, what: str) -> bool:
    """The refusal's error codes include `code`."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.true(
        req, code in codes, what, expected=f"an error with code {code}", actual=codes or "no error"
    )


def data_frame_shaped(
    check: Checker, frame: Message, what: str = "a data frame", req: str = "ETH-ENV-03"
) -> bool:
    """A data frame is in the companion page's shape (its payload in `data`)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema(req, frame, "data-frame", what=what)


def expiry_event_shaped(check: Checker, event: Message, req: str = "ETH-EXP-01") -> bool:
    """The token_expired event is in the seed page's shape."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema(req, event, "token-expired", what="the token_expired event")


def insufficient_permissions(check: Checker, req: str, codes: list[Any], what: str) -> bool:
    """A private subscribe with a token without the private permission is refused with 403."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    what = f"{what} is refused with 403 (Insufficient permissions)"
    return refused_with(check, req, codes, INSUFFICIENT_PERMISSIONS, what)


def closed_at_expiry(check: Checker, close_code: Any, req: str = "ETH-EXP-03") -> None:
    """The connection closed at expiry: a miss, since the seed page re-authenticates on the same
    socket (§ Re-authenticate)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    what = "the socket stays open at expiry, for a login with a fresh token"
    check.failed(req, what, "an open connection", f"closed ({close_code})")
