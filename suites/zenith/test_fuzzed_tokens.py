"""Fuzzed tokens (hypothesis) through both documented paths, AuthToken's Data and the handshake
header, and the Base-64 rule as properties. None authenticates; each gets a documented answer.
Every known-bad class of wsconform.fuzz is tried first on both paths, then the random search.

Catalogue documents AUTHTOKEN (request table: AccessToken), GETTING-STARTED § Authenticate
(HTTP 403; docs/facts/zenith.md §Header authentication)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsconform import fuzz
from wsconform.fixtures import each_known_bad
from wsconform.raw_handshake import upgrade_status
from wsconform.vendors.zenith.checks import token_refused
from wsconform.vendors.zenith.protocol import SUBPROTOCOL, result_of


def header_bytes(value: bytes) -> bytes:
    """A header value: printable tokens a library sends, and bytes it refuses (CR/LF replaced:
    they would end the header and smuggle another, which tests HTTP parsing, not Zenith)."""
    return value.replace(b"\r", b"_").replace(b"\n", b"_")


# The string classes but the empty one, as the property draws at least one byte: a bare "Bearer "
# may pass for no header at all, which Zenith upgrades unauthenticated (AuthToken may follow).
HEADER_CLASSES = tuple(name for name in fuzz.KNOWN_BAD_SHORT_STRINGS if name != "empty")


def expect_refused(check, reply, what):
    token_refused(check, "ZEN-REJ-05", reply, what=what)
    if reply.get("Action") == "Error":
        check.schema("ZEN-REJ-05", reply, "error-frame", what="the Error has a documented code")


def expect_access_token_refused(token: fuzz.FuzzToken, fuzz_client, check) -> None:
    """ZEN-REJ-05 for one token sent as AuthToken's AccessToken."""
    expect_refused(
        check, fuzz_client.run(lambda c: c.auth(token.value)), f"{token.family} AccessToken"
    )


@pytest.mark.req("ZEN-REJ-05")
@each_known_bad()
def test_no_fuzzed_known_bad_access_token_authenticates(known_bad_token, fuzz_client, check):
    expect_access_token_refused(known_bad_token, fuzz_client, check)


@pytest.mark.req("ZEN-REJ-05")
@given(data=st.data())
def test_no_fuzzed_access_token_authenticates(data, fuzz_client, fuzzed_tokens, check):
    expect_access_token_refused(data.draw(fuzzed_tokens, label="token"), fuzz_client, check)


@pytest.mark.req("ZEN-AUTH-07", "ZEN-REJ-05")
@given(raw=st.binary(min_size=1, max_size=512))
def test_valid_base64_is_decoded_not_used_raw(raw, fuzz_client, check):
    """Any valid Base-64 string is decoded; unless it decodes to a valid token it fails. (A raw
    JWT is never valid Base-64 — it has dots — so it is used raw: ZEN-AUTH-01.)"""
    text = base64.b64encode(raw).decode("ascii")
    reply = fuzz_client.run(lambda c: c.auth(text))
    check.true(
        "ZEN-AUTH-07",
        result_of(reply) != "Success",
        "Base-64 of random bytes does not authenticate",
        expected="not Success",
        actual=reply,
    )


def expect_header_refused(value: bytes, target, transcript, check, op_timeout) -> None:
    """ZEN-REJ-06 for one Authorization header value ("Bearer " + `value`)."""
    status = upgrade_status(
        target.url,
        [("Authorization", b"Bearer " + value)],
        transcript=transcript,
        tls=target.ssl,
        subprotocol=SUBPROTOCOL,
        timeout=op_timeout,
    )
    check.true(
        "ZEN-REJ-06",
        status != 101,
        "a fuzzed header token is not upgraded",
        expected="HTTP 403 (or 400, or a close, for bytes HTTP does not allow)",
        actual=f"HTTP {status}" if status else "no HTTP answer",
    )
    if status != 403:
        check.info(
            "ZEN-REJ-06",
            f"a fuzzed header token got {f'HTTP {status}' if status else 'a close'}, not 403",
        )


@pytest.mark.req("ZEN-REJ-06")
@pytest.mark.feature("handshake-authorization")
@each_known_bad(HEADER_CLASSES)
def test_no_fuzzed_known_bad_header_token_is_upgraded(
    known_bad_token, target, transcript, check, op_timeout
):
    value = header_bytes(known_bad_token.value.encode("utf-8"))
    expect_header_refused(value, target, transcript, check, op_timeout)


@pytest.mark.req("ZEN-REJ-06")
@pytest.mark.feature("handshake-authorization")
@given(value=st.binary(min_size=1, max_size=2048).map(header_bytes))
def test_no_fuzzed_header_token_is_upgraded(value, target, transcript, check, op_timeout):
    expect_header_refused(value, target, transcript, check, op_timeout)
