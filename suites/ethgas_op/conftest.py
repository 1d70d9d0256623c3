"""Fixtures of the ETHGas op/args suite: clients, login, and the probes of private access. The
checks are wsconform.vendors.ethgas_op.checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.session import ExpectTimeout, PeerClosed, ProbeSession
from wsconform.target import Target
from wsconform.vendors.ethgas_op import protocol
from wsconform.vendors.ethgas_op.checks import (
    data_documented,
    login_acked,
    no_private_answer,
    private_answers,
)
from wsconform.vendors.ethgas_op.client import EthgasOpClient, slot_sync_fell_back
from wsconform.vendors.ethgas_op.protocol import (
    PRIVATE_QUERIES,
    SYNC_QUERY,
    is_any_query_reply,
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
        login_acked(check, "EOP-AUTH-01", reply)
        return reply

    return login


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
            no_private_answer(check, req, answers, f"{what}: no private query is answered")
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
        private_answers(check, req, answers, what)
        with check.scope(req, f"{what}: private data"):
            c.subscribe({"channel": target.private_channel})
            frame = c.data(target.private_channel)
        data_documented(check, frame, "a private data frame")

    return expect
