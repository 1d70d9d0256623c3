"""Authentication: AuthToken and the handshake header, the Base-64 rule, the returned AccessToken,
session isolation, rights per controller, TLS-only rights, and the Identify subscription.

Catalogue documents AUTH, AUTHTOKEN, QUERYIDENTIFY, IDENTIFY, ACCESS-RIGHTS, EXCHANGING;
docs/facts/zenith.md §AuthToken reply, §Access rights and scope strings, §Subscriptions."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from wsconform.checks import HIDE_CHECK_FRAMES
from wsconform.vendors.zenith.checks import (
    auth_reply_documented,
    auth_succeeded,
    confirm_omitted,
    sub_confirmed,
    sub_refused,
)
from wsconform.vendors.zenith.client import is_data
from wsconform.vendors.zenith.protocol import (
    IDENTIFY_CHANNEL,
    SUBPROTOCOL,
    base64_of,
    bearer_header,
    result_of,
)

OPTIONAL_FIELDS = ("AccessToken", "DisplayName", "UserID", "ExpiryDate", "Scope")


def scope_style(scope: list[str]) -> str:
    if all(s.startswith("Paritech.Zenith.") for s in scope):
        return "Paritech.Zenith.<Right>" + (
            ".<Sub>" if any(s.count(".") > 2 for s in scope) else ""
        )
    if all(s.startswith("Zenith/") for s in scope):
        return "Zenith/<Right>"
    return f"other: {scope}"


def expect_refused_sub(check, expect_no_data, req, c, channel, what):
    """A Sub that must be refused: an Error with an Appendix D code, the Sub reply with Confirm
    omitted (ZEN-SUB-10), and no data. The refusal is attributed to `req`."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    sub_refused(check, req, c.subscribe(channel), what=what)
    # It must come, but the docs give no order with the Error or a later pong: wait for it.
    with check.scope("ZEN-SUB-10", "a refused Sub with Confirm gets a Sub reply"):
        reply = c.session.expect(
            lambda f: f.obj.get("Action") == "Sub", f"the Sub reply to the refused {channel!r}"
        )
    confirm_omitted(check, "ZEN-SUB-10", reply)
    expect_no_data(req, c, channel, f"{what}: no data")


@pytest.mark.req(
    "ZEN-AUTH-01",
    "ZEN-AUTH-02",
    "ZEN-AUTH-03",
    "ZEN-AUTH-05",
    "ZEN-AUTH-13",
    "ZEN-AUTH-17",
    "ZEN-ENV-01",
)
def test_auth_token_with_a_valid_token_succeeds(client, tokens, check):
    c = client()
    reply = c.auth(tokens.get("valid").value, transaction_id=1)  # the page's example TID
    auth_succeeded(check, "ZEN-AUTH-01", reply, what="AuthToken Result")
    auth_reply_documented(check, reply, what="the reply is documented")
    check.equal("ZEN-ENV-01", reply.get("TransactionID"), 1, what="the reply echoes TID 1")
    data = reply.get("Data") if isinstance(reply.get("Data"), dict) else {}
    check.info(
        "ZEN-AUTH-17", f"optional fields present: {[f for f in OPTIONAL_FIELDS if f in data]}"
    )
    if isinstance(data.get("Scope"), list):
        check.info("ZEN-AUTH-13", f"Scope style: {scope_style(data['Scope'])}")
    identify = c.query_identify()
    auth_succeeded(check, "ZEN-AUTH-05", identify, what="QueryIdentify after auth")
    check.schema("ZEN-AUTH-05", identify, "query-identify-reply", what="QueryIdentify reply")


@pytest.mark.req("ZEN-AUTH-04", "ZEN-AUTH-05", "ZEN-SUB-06")
@pytest.mark.feature("handshake-authorization")
def test_a_bearer_header_authenticates_the_session(client, tokens, target, check):
    token = tokens.get("valid").value
    c = client(headers=[bearer_header(token)])
    reply = c.query_identify()
    auth_succeeded(check, "ZEN-AUTH-04", reply, what="QueryIdentify after header auth")
    check.schema("ZEN-AUTH-05", reply, "query-identify-reply", what="QueryIdentify reply")
    with check.scope("ZEN-AUTH-04", "the header-authenticated session may subscribe"):
        channel = target.public_channel
        sub_confirmed(check, "ZEN-SUB-06", c.subscribe(channel), channel)
        c.data(target.public_channel)


@pytest.mark.req("ZEN-AUTH-06", "ZEN-AUTH-01")
def test_base64_of_a_valid_token_authenticates(client, tokens, check):
    reply = client().auth(base64_of(tokens.get("valid").value))
    auth_succeeded(check, "ZEN-AUTH-06", reply, what="AuthToken with Base-64(token)")


@pytest.mark.req("ZEN-AUTH-08", "ZEN-AUTH-17")
def test_the_returned_access_token_restores_the_session(client, tokens, check):
    reply = client().auth(tokens.get("valid").value)
    auth_succeeded(check, "ZEN-AUTH-01", reply, what="AuthToken Result")
    returned = (reply.get("Data") or {}).get("AccessToken")
    if not isinstance(returned, str):
        check.info("ZEN-AUTH-17", "the success reply carries no AccessToken (it is optional)")
        pytest.skip("the server returned no AccessToken (optional: 'if permitted for the user')")
    restored = client().auth(returned)
    auth_succeeded(check, "ZEN-AUTH-08", restored, what="AuthToken with it, anew")


@pytest.mark.req("ZEN-AUTH-09", "ZEN-AUTH-10", "ZEN-ENV-02", "ZEN-SUB-10")
def test_auth_on_one_connection_does_not_authenticate_another(
    client, tokens, target, check, expect_no_data
):
    first, second = client(), client()
    auth_succeeded(
        check, "ZEN-AUTH-01", first.auth(tokens.get("valid").value), what="AuthToken Result"
    )
    what = "a Sub on the other, unauthenticated connection"
    expect_refused_sub(check, expect_no_data, "ZEN-AUTH-09", second, target.public_channel, what)


@pytest.mark.req("ZEN-AUTH-10", "ZEN-ENV-02", "ZEN-SUB-10")
def test_a_sub_without_the_right_gets_an_error(client, tokens, target, check, expect_no_data):
    public, private = target.public_channel, target.private_channel
    expect_refused_sub(
        check, expect_no_data, "ZEN-AUTH-10", client(), public, "a Sub before any auth"
    )
    limited = client()
    reply = limited.auth(tokens.get("limited").value)
    auth_succeeded(check, "ZEN-AUTH-01", reply, what="AuthToken Result")
    what = "a Sub a limited token has no right to"
    expect_refused_sub(check, expect_no_data, "ZEN-AUTH-10", limited, private, what)


@pytest.mark.req("ZEN-AUTH-11", "ZEN-AUTH-01")
def test_trading_is_never_granted_over_plain_ws(client, tokens, target, check, expect_no_data):
    if not target.insecure_url:
        pytest.skip("TLS-only rights need the ws:// twin of the endpoint: give --insecure-endpoint")
    c = client(url=target.insecure_url)
    reply = c.auth(tokens.get("valid").value)
    # "Will not give out access to these scopes": refusing the whole AuthToken is as literal a
    # reading as granting a reduced Scope, so a Reject or an Error keeps Trading off too.
    if reply.get("Action") == "Error" or result_of(reply) == "Reject":
        check.passed("ZEN-AUTH-11", "the token carrying Trading gets no Trading over ws://")
        check.info("ZEN-AUTH-11", f"refused outright over ws://: {reply.get('Data')!r}")
        return
    auth_succeeded(check, "ZEN-AUTH-01", reply, what="AuthToken Result over ws://")
    scope = (reply.get("Data") or {}).get("Scope") or []
    granted = [s for s in scope if "Trading" in s or "OrderPad" in s or "Ordering" in s]
    check.true(
        "ZEN-AUTH-11",
        not granted,
        "the Scope granted over ws:// has no Trading or OrderPad right",
        expected="no Trading/OrderPad scope",
        actual=scope,
    )
    answer = c.subscribe(target.private_channel)
    check.equal("ZEN-AUTH-11", answer.get("Action"), "Error", what="a Trading Sub over ws://")
    expect_no_data("ZEN-AUTH-11", c, target.private_channel, "no Trading data over ws://")


@pytest.mark.req("ZEN-AUTH-12", "ZEN-AUTH-10")
def test_a_token_in_the_uri_does_not_authenticate(client, tokens, target, check):
    token = tokens.get("valid").value
    separator = "&" if urlsplit(target.url).query else "?"
    url = f"{target.url}{separator}access_token={token}&token={token}&bearer={token}"
    c = client(url=url)
    answer = c.subscribe(target.public_channel)
    check.equal("ZEN-AUTH-12", answer.get("Action"), "Error", what="a Sub after a URI token")
    c.session.barrier()
    check.true(
        "ZEN-AUTH-12",
        not c.session.pending(is_data(target.public_channel)),
        "no data after a token given in the URI",
        expected="no data",
        actual="data",
    )


@pytest.mark.req("ZEN-AUTH-14", "ZEN-AUTH-01")
def test_the_identify_subscription_announces_the_authority(client, tokens, check):
    c = client()
    c.sub(IDENTIFY_CHANNEL)
    auth_succeeded(check, "ZEN-AUTH-01", c.auth(tokens.get("valid").value), what="AuthToken Result")
    with check.scope("ZEN-AUTH-14", "the Identify subscription publishes the authority"):
        frame = c.data(IDENTIFY_CHANNEL)  # a Publish without TransactionID, unlike the reply
    check.schema("ZEN-AUTH-14", frame, "identify-data-frame", what="the Identify announcement")
    auth_succeeded(check, "ZEN-AUTH-14", frame, what="the announced Result")


@pytest.mark.req("ZEN-AUTH-15", "ZEN-AUTH-16")
def test_the_server_selects_zenith_json(client, check):
    c = client()
    check.equal("ZEN-AUTH-15", c.session.subprotocol, SUBPROTOCOL, what="selected subprotocol")
    reply = c.query_identify()
    check.info("ZEN-AUTH-16", f"QueryIdentify unauthenticated: {reply.get('Data')!r}")
