"""Authentication: login with a valid token in either documented spelling, the success reply, and
what each authentication state may read: public data without login, private data only after it,
and never with a token that lacks the permission (403), nor on another connection.

vendor-docs/ethgas-websocket-authentication.md § Authentication, § Authentication States,
§ Authentication Errors; docs/facts/ethgas.md §Draft and §Companion page (the companion page)."""

from __future__ import annotations

import pytest

from wsconform.vendors.ethgas.checks import (
    auth_succeeded,
    data_frame_shaped,
    insufficient_permissions,
    not_refused,
    success_data,
)
from wsconform.vendors.ethgas.protocol import COMPANION_MEMBER


def success_form(reply: dict) -> str:
    if "status" in reply:
        return "seed page (status at the top level)"
    return "companion page (status inside data)"


@pytest.mark.req("ETH-AUTH-01", "ETH-AUTH-02", "ETH-AUTH-03")
def test_a_valid_token_logs_in_with_the_documented_success(client, tokens, check):
    reply = client().login(tokens.get("valid").value)
    auth_succeeded(check, "ETH-AUTH-01", reply, "the login reply")
    data = reply["data"]
    check.info("ETH-AUTH-03", f"success form: {success_form(reply)}; data members {sorted(data)}")
    if "status" not in reply:
        return  # the companion page's form shows userId only (checked by the schema)
    success_data(check, "ETH-AUTH-02", reply)
    check.info("ETH-AUTH-03", f"permissions of a valid token: {data.get('permissions')}")


@pytest.mark.req("ETH-AUTH-04")
def test_the_companion_pages_args_spelling_logs_in(client, tokens, check):
    reply = client().login(tokens.get("valid").value, member=COMPANION_MEMBER)
    check.schema(
        "ETH-AUTH-04", reply, "login-success", what='{"cmd":"login","args":{...}} succeeds'
    )


@pytest.mark.req("ETH-AUTH-05", "ETH-ENV-03", "ETH-SUB-03")
def test_an_unauthenticated_session_gets_public_data(client, target, check):
    c = client()
    answers = c.subscribe(target.public_channel)
    check.info("ETH-SUB-03", f"public subscribe without login answered: {answers or 'nothing'}")
    not_refused(check, "ETH-AUTH-05", answers, "the public subscribe without login")
    with check.scope("ETH-AUTH-05", "public data arrives without login"):
        frame = c.data(target.public_channel)
    data_frame_shaped(check, frame, "a public data frame")


@pytest.mark.req("ETH-AUTH-06", "ETH-AUTH-09", "ETH-ENV-02")
def test_an_unauthenticated_session_is_refused_private_data(
    client, target, check, expect_refused_subscribe
):
    codes = expect_refused_subscribe(
        "ETH-AUTH-06", client(), target.private_channel, "a private subscribe without login"
    )
    check.info("ETH-AUTH-09", f"private subscribe without login: error codes {codes or 'none'}")


@pytest.mark.req("ETH-AUTH-07", "ETH-AUTH-01", "ETH-ENV-03", "ETH-SUB-03")
def test_an_authenticated_session_gets_private_data(client, authenticate, target, check):
    c = client()
    authenticate(c)
    answers = c.subscribe(target.private_channel)
    check.info("ETH-SUB-03", f"private subscribe after login answered: {answers or 'nothing'}")
    not_refused(check, "ETH-AUTH-07", answers, "the private subscribe after login")
    with check.scope("ETH-AUTH-07", "private data arrives after login"):
        frame = c.data(target.private_channel)
    data_frame_shaped(check, frame, "a private data frame")


@pytest.mark.req("ETH-AUTH-08", "ETH-AUTH-01", "ETH-AUTH-03", "ETH-ENV-02")
def test_a_token_without_the_permission_gets_403_on_a_private_channel(
    client, authenticate, tokens, target, check, expect_refused_subscribe
):
    c = client()
    reply = authenticate(c, tokens.get("limited").value)
    check.info("ETH-AUTH-03", f"permissions of a limited token: {reply['data'].get('permissions')}")
    codes = expect_refused_subscribe(
        "ETH-AUTH-08", c, target.private_channel, "a private subscribe with a limited token"
    )
    insufficient_permissions(
        check, "ETH-AUTH-08", codes, "a private subscribe with a limited token"
    )


@pytest.mark.req("ETH-AUTH-10", "ETH-AUTH-01", "ETH-ENV-02")
def test_a_login_does_not_authenticate_another_connection(
    client, authenticate, target, expect_refused_subscribe
):
    first, second = client(), client()
    authenticate(first)
    expect_refused_subscribe(
        "ETH-AUTH-10", second, target.private_channel, "a private subscribe on the other connection"
    )
