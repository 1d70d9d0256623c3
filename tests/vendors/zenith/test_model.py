"""model.py on its own: what the documents entitle a Zenith connection to, at given instants,
without a server."""

from __future__ import annotations

import pytest

from wsconform.vendors.zenith.model import (
    MARKET,
    TRADING,
    Conn,
    Model,
    Returned,
    Status,
    describe,
    token_kind,
)

PUBLIC, PRIVATE = "Market/Trades!BHP.ASX", "Trading/Orders!DEMO1"
T0 = 1_000.0  # an instant on the target's clock
LIFETIME = 5.0


def model(*, tls: bool = True, slack: float = 0.0) -> Model:
    return Model(PUBLIC, PRIVATE, tls, LIFETIME, slack)


SUCCESS = {"Data": {"Result": "Success"}}  # an AuthToken reply that returned no AccessToken


def authenticated(m: Model, expires_at: float | None, kind: str = "valid") -> Conn:
    """A new connection, authenticated at T0 by AuthToken of `kind`."""
    conn = m.connected()
    m.authenticated(conn, kind, expires_at, m.status(conn, T0), SUCCESS)
    return conn


def test_the_private_channel_and_trading_need_tls() -> None:
    assert model(tls=True).channels == [PUBLIC, PRIVATE]
    assert model(tls=False).channels == [PUBLIC]
    assert model(tls=True).rights_of("valid") == TRADING
    assert model(tls=False).rights_of("valid") == MARKET
    assert model().rights_of("limited") == MARKET
    assert (model().right_of(PUBLIC), model().right_of(PRIVATE)) == ("Market", "Trading")


def test_a_connection_is_entitled_until_its_token_expires() -> None:
    m = model()
    conn = m.connected()
    assert m.status(conn, T0) is Status.NONE
    authenticated_conn = authenticated(m, T0 + LIFETIME)
    assert m.status(authenticated_conn, T0 + 1) is Status.ENTITLED
    assert m.status(authenticated_conn, T0 + LIFETIME) is Status.UNSURE  # the instant itself
    assert m.status(authenticated_conn, T0 + LIFETIME + 0.001) is Status.EXPIRED
    assert m.status(authenticated(m, None), T0 + 10**6) is Status.ENTITLED


def test_live_slack_makes_the_edge_of_an_expiry_unsure() -> None:
    m = model(slack=2.0)
    conn = authenticated(m, T0 + LIFETIME)
    assert m.status(conn, T0 + LIFETIME - 2.5) is Status.ENTITLED
    assert m.status(conn, T0 + LIFETIME - 1.5) is Status.UNSURE
    assert m.status(conn, T0 + LIFETIME + 1.5) is Status.UNSURE
    assert m.status(conn, T0 + LIFETIME + 2.5) is Status.EXPIRED


def test_the_model_state_counts_subscriptions_by_status() -> None:
    m = model()
    assert m.model_state(T0) == "no connection"
    conn = authenticated(m, T0 + LIFETIME)
    m.subscribed(conn, PUBLIC)
    m.connected()
    assert m.model_state(T0) == "entitled[1 subscriptions] none[0 subscriptions]"
    assert m.model_state(T0 + 2 * LIFETIME) == "expired[1 subscriptions] none[0 subscriptions]"


def test_a_sub_is_confirmed_only_with_the_right_and_refused_under_the_isolation_req() -> None:
    m = model()
    limited = authenticated(m, None, "limited")
    assert m.may_sub(limited, PUBLIC, Status.ENTITLED)
    assert not m.may_sub(limited, PRIVATE, Status.ENTITLED)
    assert not m.may_sub(limited, PUBLIC, Status.EXPIRED)
    assert m.refusal_req(limited) == "ZEN-AUTH-10"  # authenticated, without the right
    assert m.refusal_req(m.connected()) == "ZEN-AUTH-09"  # another connection is authenticated
    assert model().refusal_req(model().connected()) == "ZEN-AUTH-10"  # no one is


def test_subscription_data_is_owed_under_the_granting_requirement() -> None:
    m = model()
    conn = authenticated(m, None, kind="base64")
    m.subscribed(conn, PUBLIC)
    assert m.data_req(conn, PUBLIC, T0) == "ZEN-AUTH-06"
    header = m.connected(via_header=True, expires_at=None)
    assert (header.via_header, header.granted_by) == (True, "ZEN-AUTH-04")
    assert m.confirmation_req(header, refused=True) == "ZEN-AUTH-04"
    assert m.confirmation_req(header, refused=False) == "ZEN-SUB-06"


def test_reauth_with_fewer_rights_ends_only_what_lost_its_right() -> None:
    m = model()
    conn = authenticated(m, None)
    m.subscribed(conn, PUBLIC)
    m.subscribed(conn, PRIVATE)
    reauth = m.authenticated(conn, "limited", None, m.status(conn, T0), SUCCESS)
    assert conn.rights == MARKET
    assert (reauth.lost, reauth.kept, reauth.keeping) == ([PRIVATE], [PUBLIC], "ZEN-SUB-05")
    assert conn.subs[PUBLIC] == "ZEN-SUB-05"
    m.ended(conn, PRIVATE)
    assert list(conn.subs) == [PUBLIC]


def test_reauth_after_expiry_is_owed_under_exp_03_and_resumes_the_subscriptions() -> None:
    m = model()
    conn = authenticated(m, T0 + LIFETIME)
    m.subscribed(conn, PUBLIC)
    later = T0 + 2 * LIFETIME
    reauth = m.authenticated(conn, "valid", later + 600, m.status(conn, later), SUCCESS)
    assert conn.granted_by == "ZEN-EXP-03"
    assert (reauth.lost, reauth.kept, reauth.keeping) == ([], [PUBLIC], "ZEN-SUB-01")
    assert m.data_req(conn, PUBLIC, later) == "ZEN-SUB-01"
    assert m.status(conn, later) is Status.ENTITLED


def test_reauth_before_expiry_extends_the_session() -> None:
    m = model()
    conn = authenticated(m, T0 + LIFETIME)
    m.subscribed(conn, PUBLIC)
    m.authenticated(conn, "short-lived", T0 + 2 * LIFETIME, m.status(conn, T0 + 1), SUCCESS)
    assert conn.superseded == T0 + LIFETIME
    assert m.data_req(conn, PUBLIC, T0 + 1) == "ZEN-AUTH-01"
    assert m.data_req(conn, PUBLIC, T0 + LIFETIME + 1) == "ZEN-EXP-04"
    assert m.next_instant(T0 + 1) == T0 + LIFETIME  # the moved expiry is worth passing
    assert m.next_expiry(T0 + LIFETIME + 1) == T0 + 2 * LIFETIME


def test_a_reauth_expiring_sooner_leaves_replace_or_extend_unjudged() -> None:
    m = model()
    conn = authenticated(m, T0 + 600)
    m.authenticated(conn, "short-lived", T0 + LIFETIME, m.status(conn, T0), SUCCESS)
    assert (conn.expires_at, conn.unsure_after) == (None, T0 + LIFETIME)
    assert m.status(conn, T0 + 1) is Status.ENTITLED
    assert m.status(conn, T0 + LIFETIME) is Status.UNSURE


def test_short_lived_tokens_go_where_they_expire_no_sooner_and_expired_first() -> None:
    m = model()
    fresh = m.connected()
    long_lived = authenticated(m, T0 + 600)
    short = authenticated(m, T0 + 2)
    assert m.takers("short-lived", T0) == [fresh, short]
    assert m.takers("valid", T0) == [fresh, long_lived, short]
    m.subscribed(short, PUBLIC)
    assert m.takers("valid", T0) == [short, fresh, long_lived]  # subscriptions first
    assert m.takers("base64", T0 + 3) == [short]  # an expired connection is re-authenticated
    assert m.by_interest(m.conns, T0 + 3)[0] is short


def test_sub_and_unsub_pairs_leave_expired_sessions_alone() -> None:
    m = model()
    conn = authenticated(m, T0 + LIFETIME)
    m.subscribed(conn, PRIVATE)
    assert m.sub_pairs(T0) == [(conn, PUBLIC)]
    assert m.unsub_pairs(T0) == [(conn, PRIVATE)]
    assert m.with_private_subscriptions(T0) == [conn]
    assert m.sub_pairs(T0 + 10) == m.unsub_pairs(T0 + 10) == []


def test_a_returned_access_token_restores_until_the_original_expires() -> None:
    m = model(slack=1.0)
    authenticated(m, T0 + 10)  # no AccessToken returned: it is optional
    conn = m.connected()
    reply = {"Data": {"Result": "Success", "AccessToken": "abc"}}
    m.authenticated(conn, "limited", T0 + 10, m.status(conn, T0), reply)
    returned = Returned("abc", MARKET, T0 + 10)
    assert m.restorable(T0) == [returned]
    assert m.restorable(T0 + 9.5) == []  # within the slack of the original's expiry
    restored = m.connected()
    m.authenticated(restored, "returned", None, m.status(restored, T0), reply, returned)
    assert (restored.granted_by, restored.rights) == ("ZEN-AUTH-08", MARKET)
    assert (restored.expires_at, restored.unsure_after) == (None, T0 + 10)
    assert m.returned == [returned]  # a restored session's reply is not recorded again
    assert m.status(restored, T0 + 9.5) is Status.UNSURE


def test_after_expiry_other_frames_are_described() -> None:
    m = model()
    conn = authenticated(m, T0)
    m.subscribed(conn, PUBLIC)
    data = {"Controller": "Market", "Topic": "Trades!BHP.ASX", "Data": []}
    error = {"Controller": "Market", "Topic": "Trades!BHP.ASX", "Action": "Error", "Data": "x"}
    assert m.after_expiry(conn, [data]) == "after expiry: other frames none, connection open"
    assert m.after_expiry(conn, [data, error, error]) == (
        "after expiry: other frames ['Market/Trades!BHP.ASX Error'], connection open"
    )
    assert describe({"Topic": "Markets", "Data": []}) == "Zenith/Markets Publish"


@pytest.mark.parametrize(
    ("kind", "token"),
    [
        ("base64", "short-lived"),
        ("short-lived", "short-lived"),
        ("limited", "limited"),
        ("valid", "valid"),
    ],
)
def test_each_auth_kind_sends_its_token(kind: str, token: str) -> None:
    assert token_kind(kind) == token


def test_the_success_requirement_follows_the_path() -> None:
    m = model()
    assert m.auth_req("base64", Status.NONE) == "ZEN-AUTH-06"
    assert m.auth_req("returned", Status.ENTITLED) == "ZEN-AUTH-08"
    assert m.auth_req("valid", Status.NONE) == "ZEN-AUTH-01"
    assert m.auth_req("base64", Status.EXPIRED) == "ZEN-EXP-03"
