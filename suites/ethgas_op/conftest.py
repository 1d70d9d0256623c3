"""Fixtures of the ETHGas op/args suite: clients, login, and the checks every test repeats (no
private access, documented error codes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.schemas import registry
from wsconform.session import ExpectTimeout, PeerClosed, ProbeSession
from wsconform.target import Target
from wsconform.vendors.ethgas_op import protocol
from wsconform.vendors.ethgas_op.client import EthgasOpClient, slot_sync_fell_back
from wsconform.vendors.ethgas_op.protocol import (
    PRIVATE_QUERIES,
    SUCCESS,
    SYNC_QUERY,
    is_any_query_reply,
    is_login_success,
)

# Both documented tables, WebSocket and general ("WebSocket sessions use the same error codes as
# REST"): they disagree on what 1001 and 1002 mean, not on whether they exist (facts §2.1).
DOCUMENTED_CODES: list[int] = sorted(
    {
        int(code)
        for table in registry().document("ethgas-op", "error-event")["x-documented-codes"].values()
        for code in table
    }
)


@pytest.fixture
def client(connect: Callable[..., ProbeSession]) -> Callable[..., EthgasOpClient]:
    """Open a new connection (keyword arguments go to `connect`) and wrap it in a client."""
    return lambda **kwargs: EthgasOpClient(connect(**kwargs))


@pytest.fixture
def note_sync_fallback(check: Checker) -> Callable[[EthgasOpClient], None]:
    """INFO (EOP-AUTH-05), for the tests about the query only: earlier syncs found currentSlot
    unanswered and fell back to WebSocket pings (every other test stays silent about it)."""

    def note(c: EthgasOpClient) -> None:
        if slot_sync_fell_back(c.session.url):
            check.info(
                "EOP-AUTH-05",
                f"an earlier {SYNC_QUERY} query got no reply within the op timeout; the suite "
                "synchronised with WebSocket pings instead",
            )

    return note


@pytest.fixture
def authenticate(check: Checker, tokens: Any) -> Callable[..., dict[str, Any]]:
    """Login with a valid token unless given one; anything but the documented ack (event login,
    code 0) fails EOP-AUTH-01."""

    def login(c: EthgasOpClient, token: str | None = None) -> dict[str, Any]:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        with check.scope("EOP-AUTH-01", "a login reply (event 'login')"):
            reply = c.login(token or tokens.get("valid").value)
        check.schema("EOP-AUTH-01", reply, "login-ack", what="the documented login ack, code 0")
        return reply

    return login


@pytest.fixture
def codes_documented(check: Checker) -> Callable[[Iterable[dict[str, Any]], str], None]:
    """Every non-zero `code` among `replies` is in a documented table (EOP-ENV-03, SHOULD)."""

    def expect(replies: Iterable[dict[str, Any]], what: str) -> None:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        for reply in replies:
            code = reply.get("code")
            if "code" in reply and code != SUCCESS:
                check.one_of("EOP-ENV-03", code, DOCUMENTED_CODES, what=f"{what}: error code")

    return expect


@pytest.fixture
def expect_no_success(check: Checker) -> Callable[..., None]:
    """No reply among `replies` is the documented login success, attributed to `req`."""

    def expect(req: str, replies: list[dict[str, Any]], what: str) -> None:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        wins = [r for r in replies if is_login_success(r)]
        check.true(
            req,
            not wins,
            what,
            expected='no {"event":"login","code":0}: a failure, an error, a close',
            actual=wins[0] if wins else None,
        )

    return expect


@pytest.fixture
def expect_no_private(
    check: Checker, target: Target, expect_no_data: Callable[..., None]
) -> Callable[..., list[dict[str, Any]]]:
    """The session gets no private access, attributed to `req`: no reply to any private query,
    and no data on the private channel after subscribing to it. A connection the server closed
    has none. Returns the events that answered (for INFO)."""

    def expect(req: str, c: EthgasOpClient, what: str) -> list[dict[str, Any]]:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        answers: list[dict[str, Any]] = []
        try:
            answers += c.ask(*PRIVATE_QUERIES)
            served = [a for a in answers if is_any_query_reply(a)]
            check.true(
                req,
                not served,
                f"{what}: no private query is answered",
                expected="no reply {q, P} to openOrders, accountPositions, preconfBundles",
                actual=served[0] if served else None,
            )
            answers += c.subscribe({"channel": target.private_channel})
            expect_no_data(req, c, target.private_channel, f"{what}: no private data")
        except PeerClosed:  # closing the connection refuses too (refusals are undocumented)
            answers += [f.obj for f in c.session.drain()]
            private_data = protocol.is_data(target.private_channel)
            leaked = [a for a in answers if is_any_query_reply(a) or private_data(a)]
            check.true(
                req,
                not leaked,
                f"{what}: the server closed the connection, no private data before",
                expected="no private data",
                actual=leaked,
            )
        except ExpectTimeout as exc:
            check.failed(req, f"{what}: a private subscribe and queries", "the exchange", f"{exc}")
        return answers

    return expect


@pytest.fixture
def expect_private(check: Checker, target: Target) -> Callable[..., None]:
    """The session has private access, attributed to `req`: each private query is answered
    `{q, P}` (EOP-ENV-01) and a private subscription delivers data (EOP-SUB-03)."""

    def expect(req: str, c: EthgasOpClient, what: str) -> None:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        with check.scope(req, f"{what}: the private queries are answered"):
            answers = c.ask(*PRIVATE_QUERIES)
        for query_type in PRIVATE_QUERIES:
            reply = next(filter(protocol.is_query_reply(query_type), answers), None)
            check.true(
                req,
                reply is not None,
                f"{what}: query {query_type!r} is answered",
                expected=f'{{"q":"{query_type}","P":...}}',
                actual=answers,
            )
            check.schema("EOP-ENV-01", reply, "query-reply", what=f"the {query_type} reply")
        with check.scope(req, f"{what}: private data"):
            c.subscribe({"channel": target.private_channel})
            frame = c.data(target.private_channel)
        check.schema("EOP-SUB-03", frame, "data-frame", what="a private data frame")

    return expect
