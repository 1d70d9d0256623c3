"""Fuzzed tokens (hypothesis): none authenticates, each gets a documented error in time, and the
server keeps serving other connections. Strategies: wsconform.fuzz (structural JWT mutations,
opaque text up to 64 KiB, wrong JSON types for `bearer`); every known-bad class first, then the
random search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsconform import fuzz
from wsconform.fixtures import each_known_bad
from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.checks import error_code_in, is_error_response
from wsconform.vendors.paradex.client import ParadexClient


@pytest.fixture
def bystander(client) -> ParadexClient:
    """Another connection, open through the whole fuzz run, that must keep getting answers."""
    return client()


def expect_refused(token: fuzz.FuzzToken, fuzz_client, bystander, target, check) -> None:
    """PDX-REJ-06, 07, 08 for one token: a documented refusal, and another connection served."""
    reply = fuzz_client.run(lambda c: c.auth(token.value))
    is_error_response(check, "PDX-REJ-06", reply, f"{token.family} token is refused")
    check.schema("PDX-REJ-06", reply, "error", what="the refusal is a schema-valid error")
    documented = protocol.DOCUMENTED_CODES
    error_code_in(check, "PDX-REJ-06", reply, documented, "the error code is documented")
    if isinstance(token.value, str):
        auth_code = "a string token gets an auth error code"
        error_code_in(check, "PDX-REJ-07", reply, protocol.BEARER_REFUSED, auth_code)
    with check.scope("PDX-REJ-08", "another connection is served after the fuzzed auth"):
        bystander.unsubscribe(target.public_channel)


@pytest.mark.req("PDX-REJ-06", "PDX-REJ-07", "PDX-REJ-08")
@each_known_bad()
def test_no_fuzzed_known_bad_token_authenticates(
    known_bad_token, fuzz_client, bystander, target, check
):
    expect_refused(known_bad_token, fuzz_client, bystander, target, check)


@pytest.mark.req("PDX-REJ-06", "PDX-REJ-07", "PDX-REJ-08")
@given(data=st.data())
def test_no_fuzzed_token_authenticates(data, fuzz_client, bystander, fuzzed_tokens, target, check):
    token = data.draw(fuzzed_tokens, label="token")
    expect_refused(token, fuzz_client, bystander, target, check)


@pytest.mark.req("PDX-REJ-06", "PDX-REJ-08")
def test_huge_bearer_is_refused_and_others_are_still_served(client, bystander, target, check):
    """64 KiB of one-character segments (beside [huge-64kib], one long segment): refused, and
    another connection is still served."""
    reply = client().auth("A." * (32 * 1024))
    is_error_response(check, "PDX-REJ-06", reply, "a 64 KiB bearer is refused")
    error_code_in(check, "PDX-REJ-06", reply, protocol.DOCUMENTED_CODES, "documented code")
    with check.scope("PDX-REJ-08", "another connection is served after the 64 KiB auth"):
        bystander.unsubscribe(target.public_channel)
