"""The `cmd` dialect's lifecycle model (wsconform.vendors.ethgas.model): what each connection is
entitled to in each phase, how logins, subscriptions and expiry move it, and what it records. No
target: times and tokens are given."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from wsconform.tokens import Token
from wsconform.vendors.ethgas import model
from wsconform.vendors.ethgas.model import ANY, DATA, FORBIDDEN, REFUSED, Conn, Model, Phase
from wsconform.vendors.ethgas.protocol import (
    COMPANION_MEMBER,
    INVALID_TOKEN,
    RATE_LIMITED,
    SEED_MEMBER,
    error_body,
    error_frame,
    login_error,
    login_success,
    reply,
)

PUBLIC, PRIVATE = "tickerUpdate", "accountOrderUpdate"
NOW = 1_000.0
CATALOGUE = Path(__file__).parents[3] / "suites" / "ethgas" / "requirements.toml"


def token(kind: str = "valid", lifetime: float | None = 3600.0) -> Token:
    return Token(f"<{kind}>", kind, None if lifetime is None else NOW + lifetime)


def fresh_model(margin: float = 1.0, max_wait: float | None = None) -> Model:
    return Model(PUBLIC, PRIVATE, margin, max_wait)


def logged_in(m: Model, kind: str = "valid", lifetime: float | None = 3600.0) -> Conn:
    conn = m.connect(client=None)
    conn.log_in(token(kind, lifetime), kind)
    return conn


def expired(m: Model, *channels: str) -> Conn:
    """A connection whose token expired, subscribed to `channels` before."""
    conn = logged_in(m, "short-lived", 5.0)
    for channel in channels:
        conn.subscribe(channel, DATA, refused=False)
    assert conn.expire(NOW + 6.0) is None
    return conn


def test_its_requirements_are_the_catalogues() -> None:
    ids = {r["id"] for r in tomllib.loads(CATALOGUE.read_text())["requirement"]}
    assert set(model.REQUIREMENTS) <= ids
    assert len(set(model.REQUIREMENTS)) == len(model.REQUIREMENTS)


def test_a_new_connection_is_anonymous_and_numbered() -> None:
    m = fresh_model()
    first, second = m.connect("a"), m.connect("b")
    assert (first.number, second.number, m.opened) == (1, 2, 2)
    assert first.phase is Phase.ANONYMOUS and first.client == "a"
    assert first.can_log_in() and not first.spent()
    assert m.state() == "anonymous[] anonymous[]"
    assert fresh_model().state() == "no connection"


@pytest.mark.parametrize(
    ("setup", "req"),
    [
        (lambda m: m.connect(None), "ETH-AUTH-06"),
        (lambda m: (logged_in(m), m.connect(None))[1], "ETH-AUTH-10"),
        (lambda m: (logged_in(m, "limited"), m.connect(None))[1], "ETH-AUTH-06"),
        (expired, "ETH-EXP-02"),
        (lambda m: logged_in(m, "limited"), "ETH-AUTH-08"),
        (logged_in, None),
    ],
    ids=["anonymous", "another-logged-in", "another-limited", "expired", "limited", "valid"],
)
def test_the_requirement_that_forbids_private_data(setup, req) -> None:
    m = fresh_model()
    conn = setup(m)
    refusal = m.private_refusal(conn)
    assert (refusal[0] if refusal else None) == req
    assert [r for r, _ in m.forbids(conn, PRIVATE)] == ([req] if req else [])
    assert m.forbids(conn, PUBLIC) == []


def test_what_a_subscribe_must_get() -> None:
    m = fresh_model()
    anonymous = m.connect(None)
    assert m.expectation(anonymous, PUBLIC, NOW) == (DATA, "ETH-AUTH-05")
    assert m.expectation(anonymous, PRIVATE, NOW) == (REFUSED, "ETH-AUTH-06")
    valid = logged_in(m)
    assert m.expectation(valid, PUBLIC, NOW) == (DATA, "ETH-AUTH-07")
    assert m.expectation(valid, PRIVATE, NOW) == (DATA, "ETH-AUTH-07")
    assert m.expectation(logged_in(m, "limited"), PRIVATE, NOW) == (FORBIDDEN, "ETH-AUTH-08")
    gone = expired(m)
    assert m.expectation(gone, PUBLIC, NOW) == (ANY, None)  # ETH-EXP-04, INFO
    assert m.expectation(gone, PRIVATE, NOW) == (REFUSED, "ETH-EXP-02")
    gone.log_in(token(), "valid")  # the re-login after expiry
    assert m.expectation(gone, PRIVATE, NOW) == (DATA, "ETH-SUB-01")


def test_a_token_about_to_expire_entitles_to_nothing_sure() -> None:
    """Within the margin of its exp a token may expire during the wait: anything goes."""
    m = fresh_model(margin=11.0)
    conn = logged_in(m, "short-lived", 10.0)
    assert not m.live(conn, NOW)
    assert m.expectation(conn, PUBLIC, NOW) == (ANY, None)
    assert m.expectation(conn, PRIVATE, NOW) == (ANY, None)
    assert m.live(logged_in(m, "valid", None), NOW)  # no exp: live for ever


def test_data_flows_on_the_subscriptions_the_phase_allows() -> None:
    m = fresh_model()
    conn = logged_in(m, "limited")
    conn.subscribe(PUBLIC, DATA, refused=False)
    conn.subscribe(PRIVATE, FORBIDDEN, refused=True)
    assert m.flowing(conn, NOW) == [(PUBLIC, "ETH-AUTH-07", f"data on {PUBLIC!r} after login")]
    assert not conn.free(PRIVATE)  # refused in this phase: not tried again
    assert m.state() == "authenticated[public]"


def test_an_accepted_subscribe_without_data_is_unsure() -> None:
    conn = fresh_model().connect(None)
    conn.subscribe(PRIVATE, REFUSED, refused=False)
    assert conn.unsure == {PRIVATE} and not conn.subscribed and not conn.free(PRIVATE)


def test_after_an_unsubscribe_no_data_may_arrive() -> None:
    m = fresh_model()
    conn = logged_in(m)
    conn.subscribe(PUBLIC, DATA, refused=False)
    conn.unsubscribe(PUBLIC)
    assert m.forbids(conn, PUBLIC) == [
        ("ETH-SUB-04", f"no data on {PUBLIC!r} after its unsubscribe")
    ]
    conn.subscribe(PUBLIC, DATA, refused=False)
    assert m.forbids(conn, PUBLIC) == []


def test_expiry_moves_the_phase_on_and_subscriptions_become_unsure() -> None:
    m = fresh_model()
    conn = logged_in(m, "short-lived", 5.0)
    conn.subscribe(PRIVATE, DATA, refused=False)
    assert not conn.ended(NOW) and conn.ended(NOW + 5.0)
    assert conn.expire(NOW + 6.0) is None
    assert conn.phase is Phase.EXPIRED and conn.expired_before
    assert (conn.subscribed, conn.unsure) == (set(), {PRIVATE})  # ETH-SUB-02: undocumented
    assert conn.expiry() is None and conn.can_log_in()


def test_an_odd_expiry_event_is_described() -> None:
    m = fresh_model()
    early = logged_in(m, "short-lived", 5.0)
    assert early.expire(NOW + 3.0) == "a token_expired event before the token's exp"
    assert early.phase is Phase.EXPIRED
    assert logged_in(m, "short-lived", 5.0).expire(NOW + 4.5) is None  # within SKEW of exp
    anonymous = m.connect(None)
    assert anonymous.expire(NOW) == "a token_expired event without a live login"
    assert anonymous.phase is Phase.ANONYMOUS


def test_a_login_carries_the_subscriptions_it_finds() -> None:
    m = fresh_model()
    conn = expired(m, PRIVATE)
    conn.subscribe(PUBLIC, ANY, refused=False)
    carried = conn.log_in(token("limited"), "limited")
    assert carried == {PUBLIC, PRIVATE} and not conn.private_right
    assert m.resumed(conn, carried, {PUBLIC}, after_expiry=True) == [
        "public subscription kept at the login after expiry"  # the private one cannot be seen
    ]
    assert conn.subscribed == {PUBLIC}


def test_private_data_must_resume_after_a_relogin() -> None:
    m = fresh_model()
    conn = expired(m, PRIVATE)
    carried = conn.log_in(token(), "valid")
    assert m.must_resume(conn, carried, after_expiry=True, now=NOW)
    assert not m.must_resume(conn, carried, after_expiry=False, now=NOW)
    assert m.resumed(conn, carried, set(), after_expiry=False) == [
        "private subscription not kept at a first login"
    ]


def test_where_and_how_a_good_token_logs_in() -> None:
    m = fresh_model()
    first = m.connect(None)
    assert first.login(SEED_MEMBER) == (SEED_MEMBER, "ETH-AUTH-01")
    assert first.login(COMPANION_MEMBER) == (COMPANION_MEMBER, "ETH-AUTH-04")
    gone = expired(m)
    assert gone.login(COMPANION_MEMBER) == (SEED_MEMBER, "ETH-EXP-03")  # § Re-authenticate
    assert m.to_log_in() == [gone]  # the documented re-login first
    gone.refused = True
    assert m.to_log_in() == [first]
    assert m.eligible(Conn.spent) == [gone] and m.can_connect(limit=2)


def test_subscribe_choices_prefer_the_channel_then_logged_in_connections() -> None:
    m = fresh_model()
    anonymous, valid = m.connect(None), logged_in(m)
    assert m.to_subscribe("private") == [(valid, PRIVATE), (anonymous, PRIVATE)]
    valid.subscribe(PRIVATE, DATA, refused=False)
    anonymous.subscribe(PRIVATE, REFUSED, refused=True)
    assert m.to_subscribe("private") == [(valid, PUBLIC), (anonymous, PUBLIC)]  # the other one


def test_refused_logins_and_rate_limits() -> None:
    m = fresh_model()
    assert m.refusal("not-a-jwt", 0) == ("ETH-REJ-02", (INVALID_TOKEN,))
    assert m.refusal("expired", 0) == ("ETH-REJ-03", (INVALID_TOKEN,))
    assert m.refusal("bad-signature", 0) == ("ETH-REJ-01", (INVALID_TOKEN,))
    assert m.refusal("bad-signature", 3) == ("ETH-REJ-04", (INVALID_TOKEN, RATE_LIMITED))
    conn = m.connect(None)
    limited = login_error(error_body(RATE_LIMITED, "Too many requests"))
    assert not m.rate_limited(conn, limited)  # no login failed yet: judged as it is
    assert m.refused((INVALID_TOKEN,)) == "ETH-ENV-01"
    assert m.refusal("empty", 0) == ("ETH-REJ-02", (INVALID_TOKEN, RATE_LIMITED))
    assert m.refused((INVALID_TOKEN, RATE_LIMITED)) == "ETH-REJ-04"
    assert m.rate_limited(conn, limited) and conn.refused and conn.spent()
    assert not m.rate_limited(m.connect(None), login_error(error_body(INVALID_TOKEN, "x")))


def test_which_expiries_the_clock_can_reach() -> None:
    on_mock = fresh_model()
    short, long = logged_in(on_mock, "short-lived", 5.0), logged_in(on_mock, "valid")
    assert on_mock.expiring(NOW) == [(NOW + 5.0, short), (NOW + 3600.0, long)]
    live = Model.of(PUBLIC, PRIVATE, live=(10.0, 30.0))
    assert (live.margin, live.max_wait) == (11.0, 30.0)
    short = logged_in(live, "short-lived", 5.0)
    logged_in(live, "valid")
    assert live.expiring(NOW) == [(NOW + 5.0, short)]
    assert Model.of(PUBLIC, PRIVATE, live=None) == fresh_model()


def test_what_is_recorded() -> None:
    m = fresh_model()
    answers = [reply("subscribe", {"channel": PRIVATE}), error_frame(error_body(1001, "x"))]
    assert model.summary(answers) == "error 1001, subscribe"
    assert model.summary([]) == "nothing"
    what = "a private subscribe without login"
    assert m.subscribe_seen(m.connect(None), what, REFUSED, answers) == [
        ("ETH-SUB-03", f"{what} answered: error 1001, subscribe"),
        ("ETH-AUTH-09", f"{what}: error codes [1001]"),
    ]
    assert m.subscribe_seen(expired(m), what, REFUSED, [])[1] == (
        "ETH-EXP-04",
        f"{what}: error codes none",
    )
    success = login_success({"userId": "u", "username": "u", "permissions": ["market_data"]})
    assert model.success_form("limited", success) == (
        "a limited token: seed page form, permissions ['market_data']"
    )
    assert model.success_form("valid", {"cmd": "login", "data": {"status": "success"}}) == (
        "a valid token: companion page form, permissions None"
    )
    assert model.repeated_refusals(12, {INVALID_TOKEN, RATE_LIMITED}) == (
        "12 failed logins on one connection: a 429 among the answers"
    )
    assert model.repeated_refusals(12, {INVALID_TOKEN}).endswith("no 429")
