"""Fuzzed tokens (hypothesis): none authenticates and each gets a documented error. Strategies:
wsconform.fuzz (structural JWT mutations, opaque text up to 64 KiB, wrong JSON types for
`accessToken`), plus alg confusion with the embedded mock's public key; every known-bad class
first, then the random search.

vendor-docs/ethgas-websocket-authentication.md § Error Response, § Authentication Errors; the
companion page's error frame (docs/facts/ethgas.md §Companion page)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsconform import fuzz
from wsconform.fixtures import each_known_bad
from wsconform.schemas import registry
from wsconform.vendors.ethgas.protocol import (
    ERROR_FRAME_CODES,
    INVALID_TOKEN,
    LOGIN,
    RATE_LIMITED,
    SUCCESS,
    error_code,
    status_of,
)


def is_documented_error(reply: dict[str, Any]) -> bool:
    """A login error of the seed page's table, or an error frame with a companion-page code."""
    schemas = registry()
    if not schemas.errors("ethgas", "login-error", reply):
        return True
    return not schemas.errors("ethgas", "error-frame", reply) and (
        error_code(reply) in ERROR_FRAME_CODES
    )


def login(fuzz_client, token: Any) -> dict[str, Any]:
    """The login's answer. A 429 means the connection (or more) is rate-limited, which says
    nothing about this token: it is tried once more on a fresh connection, which is kept."""
    reply = fuzz_client.run(lambda c: c.login(token))
    if error_code(reply) == RATE_LIMITED:
        fuzz_client().session.close()
        reply = fuzz_client.run(lambda c: c.login(token))
    return reply


def expect_refused(token: fuzz.FuzzToken, fuzz_client, check) -> None:
    """ETH-REJ-06 for one token: no login, and a documented error (401 or 429 for a string)."""
    reply = login(fuzz_client, token.value)
    check.true(
        "ETH-REJ-06",
        status_of(reply) != SUCCESS,
        f"{token.family} token does not log in",
        expected="a refusal",
        actual=reply,
    )
    check.true(
        "ETH-REJ-06",
        is_documented_error(reply),
        f"{token.family} token: the refusal is a documented error",
        expected="a login error (401/403/429) or an error frame with a documented code",
        actual=reply,
    )
    if isinstance(token.value, str):
        check.one_of(
            "ETH-REJ-06",
            error_code(reply),
            [INVALID_TOKEN, RATE_LIMITED],
            what=f"{token.family} string token: 401 (Invalid token), or 429",
        )
        check.equal("ETH-REJ-06", reply.get("cmd"), LOGIN, what="a string token: a login reply")


@pytest.mark.req("ETH-REJ-06")
@each_known_bad()
def test_no_fuzzed_known_bad_token_authenticates(known_bad_token, fuzz_client, check):
    expect_refused(known_bad_token, fuzz_client, check)


@pytest.mark.req("ETH-REJ-06")
@given(data=st.data())
def test_no_fuzzed_token_authenticates(data, fuzz_client, fuzzed_tokens, target, check):
    expect_refused(data.draw(fuzzed_tokens, label="token"), fuzz_client, check)
