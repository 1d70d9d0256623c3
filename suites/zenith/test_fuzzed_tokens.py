"""Fuzzed tokens (hypothesis) through both documented paths, AuthToken's Data and the handshake
header, and the Base-64 rule as properties. None authenticates; each gets a documented answer.

vendor-docs/zenith-auth-token-action.txt § AccessToken; facts §1.3 (HTTP 403)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsconform.profiles.zenith import result_of
from wsconform.raw_handshake import upgrade_status

# Header values: printable tokens a library sends, and bytes it refuses (CR/LF excluded: they
# would end the header and smuggle another, which tests HTTP parsing, not Zenith).
HEADER_BYTES = st.binary(min_size=1, max_size=2048).map(
    lambda b: b.replace(b"\r", b"_").replace(b"\n", b"_")
)


def expect_refused(check, reply, what):
    refused = result_of(reply) in ("Reject", "Rejected") or reply.get("Action") == "Error"
    check.true("ZEN-REJ-05", refused, what, expected='Result "Reject" or an Error', actual=reply)
    if reply.get("Action") == "Error":
        check.schema("ZEN-REJ-05", reply, "error-frame", what="the Error has a documented code")


@pytest.mark.req("ZEN-REJ-05")
@given(data=st.data())
def test_no_fuzzed_access_token_authenticates(data, fuzz_client, fuzzed_tokens, check):
    token = data.draw(fuzzed_tokens, label="token")
    expect_refused(
        check, fuzz_client.run(lambda c: c.auth(token.value)), f"{token.family} AccessToken"
    )


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


@pytest.mark.req("ZEN-REJ-06")
@given(value=HEADER_BYTES)
def test_no_fuzzed_header_token_is_upgraded(value, target, transcript, check, op_timeout):
    status = upgrade_status(
        target.url,
        [("Authorization", b"Bearer " + value)],
        transcript=transcript,
        tls=target.ssl,
        subprotocol="ZenithJson",
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
