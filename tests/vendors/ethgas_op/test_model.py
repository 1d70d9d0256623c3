"""The op/args lifecycle model on its own: entitlements, the requirements judging each step,
expiry bookkeeping and the INFO texts, without a server, a session or hypothesis."""

from __future__ import annotations

import pytest

from wsconform.tokens import Token
from wsconform.vendors.ethgas_op import model
from wsconform.vendors.ethgas_op.model import Access, Governs, Model

PUBLIC, PRIVATE = "inclusionPreconfSaleUpdate", "preconfOrderUpdate"
NOW = 1_000_000.0
GUARD = 1.0


def token(kind: str = "valid", lifetime: float = 3600.0) -> Token:
    return Token(f"{kind}-token", kind, NOW + lifetime)


@pytest.fixture
def m() -> Model[str]:
    return Model(PUBLIC, PRIVATE, GUARD)


def logged_in(m: Model[str], tok: Token | None = None, client: str = "a") -> model.Conn[str]:
    c = m.connected(client)
    m.logged_in(c, tok or token())
    return c


def test_the_three_channels_are_two_public_and_the_private() -> None:
    assert Model(PUBLIC, PRIVATE, GUARD).channels == (
        "inclusionPreconfSaleUpdate",
        "blockBuilderUpdate",
        PRIVATE,
    )
    assert Model("blockBuilderUpdate", PRIVATE, GUARD).channels[1] == "inclusionPreconfSaleUpdate"


def test_a_new_connection_is_forbidden_private_data(m: Model[str]) -> None:
    c = m.connected("a")
    assert (c.access, c.why, c.note) == (Access.NO, "EOP-AUTH-04", "unauthenticated")
    assert m.forbidding(c) == "EOP-AUTH-04"
    assert m.state() == "no[]"


def test_another_connection_logged_in_makes_a_leak_eop_auth_06(m: Model[str]) -> None:
    plain = m.connected("a")
    logged_in(m, client="b")
    assert m.forbidding(plain) == "EOP-AUTH-06"
    assert m.judging(plain) == "EOP-AUTH-06"


def test_a_header_login_on_another_connection_is_not_eop_auth_06(m: Model[str]) -> None:
    plain = m.connected("a")
    m.with_header("b", token(), "valid", "EOP-REJ-03")
    assert m.forbidding(plain) == "EOP-AUTH-04"


def test_a_valid_login_entitles_until_guard_before_exp(m: Model[str]) -> None:
    c = m.connected("a")
    assert m.login_req(c) == "EOP-AUTH-01"
    assert m.logged_in(c, token(lifetime=10.0)) is False
    assert (c.access, c.why, c.how, c.expires_at) == (Access.YES, "EOP-AUTH-02", "login", NOW + 10)
    assert m.access(c, NOW + 10 - GUARD - 0.01) is Access.YES
    c.subs = {PRIVATE: True, PUBLIC: True}
    assert m.access(c, NOW + 10 - GUARD + 0.01) is Access.MAYBE
    assert (c.why, c.relogin, c.watch, c.private_before) == ("EOP-EXP-01", True, True, True)
    assert c.subs == {PRIVATE: False, PUBLIC: False}  # nothing certain any more
    assert m.login_req(c) == "EOP-EXP-03"


def test_the_re_login_resumes_a_private_subscription_from_before(m: Model[str]) -> None:
    c = logged_in(m, token(lifetime=5.0))
    c.subs = {PRIVATE: True}
    m.access(c, NOW + 5)
    assert m.logged_in(c, token()) is True
    assert (c.access, c.why, c.relogin, c.watch) == (Access.YES, "EOP-EXP-03", False, False)


def test_a_private_subscribe_after_expiry_means_nothing_to_resume(m: Model[str]) -> None:
    c = logged_in(m, token(lifetime=5.0))
    c.subs = {PRIVATE: True}
    m.access(c, NOW + 5)
    assert m.subscribing(c, [PRIVATE], Access.MAYBE) == (True, "EOP-AUTH-05", None)
    assert m.logged_in(c, token()) is False


def test_the_session_header(m: Model[str]) -> None:
    good = m.with_header("a", token("short-lived", 5.0), "short-lived", "EOP-REJ-03")
    assert (good.access, good.why, good.how) == (Access.YES, "EOP-AUTH-03", "header")
    bad = m.with_header("b", token("alg-none"), "alg-none", "EOP-REJ-03")
    assert (bad.access, bad.why, bad.expires_at) == (Access.NO, "EOP-REJ-03", None)
    assert bad.note == "with the alg-none token in the header"


def test_the_requirements_refusing_each_bad_token() -> None:
    assert model.refused_by("expired") == ("EOP-REJ-03", "EOP-REJ-02")
    assert model.refused_by("bad-signature") == ("EOP-REJ-03", "EOP-REJ-01")
    assert model.refused_by("clock-expired") == ("EOP-EXP-02", "EOP-EXP-02")


def test_a_refused_login_keeps_no_and_undecides_yes(m: Model[str]) -> None:
    plain = m.connected("a")
    m.login_refused(plain, "expired", "EOP-REJ-02", NOW)
    assert (plain.access, plain.why) == (Access.NO, "EOP-REJ-02")
    yes = logged_in(m, client="b")
    m.login_refused(yes, "wrong-key", "EOP-REJ-01", NOW)
    assert (yes.access, yes.why) == (Access.MAYBE, "EOP-REJ-08")


def test_a_logout_grants_nothing(m: Model[str]) -> None:
    plain = m.connected("a")
    m.logged_out(plain, Access.NO)
    assert plain.access is Access.NO
    yes = logged_in(m, client="b")
    m.logged_out(yes, Access.YES)
    assert (yes.access, yes.why, yes.note) == (Access.MAYBE, "EOP-AUTH-08", "after logout")


def test_a_close_at_expiry_makes_the_next_connection_the_re_login(m: Model[str]) -> None:
    c = logged_in(m, token(lifetime=5.0))
    m.access(c, NOW + 5)
    assert m.closed(c, None) == "EOP-EXP-01"
    assert c not in m.conns
    assert m.connected("b").relogin is True
    assert m.connected("c").relogin is False
    assert [r.client for r in m.relogins()] == ["b"]
    assert m.disconnected(m.conns[0]) == "b"
    assert m.relogins() == []


def test_a_close_records_the_maybe_requirement_or_the_given_one(m: Model[str]) -> None:
    assert m.closed(m.connected("a"), "EOP-AUTH-07") == "EOP-AUTH-07"
    assert m.closed(logged_in(m), None) is None  # a failure of the step's requirement
    assert m.closed_at_expiry == 0


def test_what_governs_each_arg_of_a_subscribe(m: Model[str]) -> None:
    frame = [PRIVATE, PUBLIC]
    yes = logged_in(m)
    assert m.subscribing(yes, frame, Access.YES) == (False, "EOP-SUB-01", None)
    assert m.governs(yes, frame, 0, Access.YES, False) == (Governs.DATA, "EOP-AUTH-02")
    assert m.governs(yes, frame, 1, Access.YES, False) == (Governs.DATA, "EOP-SUB-01")
    no = m.connected("b")
    assert m.subscribing(no, frame, Access.NO) == (True, "EOP-AUTH-05", "EOP-AUTH-07")
    assert m.governs(no, frame, 0, Access.NO, True) == (Governs.REFUSED, "EOP-AUTH-04")
    assert m.governs(no, frame, 1, Access.NO, True) == (Governs.BESIDE, "EOP-SUB-05")
    assert m.governs(no, [PUBLIC], 0, Access.NO, False) == (Governs.DATA, "EOP-AUTH-05")
    m.logged_out(yes, Access.YES)
    assert m.governs(yes, frame, 0, Access.MAYBE, True) == (Governs.RECORD, "EOP-AUTH-08")
    assert m.public_req(Access.YES) == "EOP-SUB-01"
    assert m.refusal(Access.NO) == "EOP-AUTH-07"
    assert m.refusal(Access.MAYBE) is None


def test_which_data_is_certain_after_a_subscribe(m: Model[str]) -> None:
    c = m.connected("a")
    for channel, governs, flows in [
        ("d", Governs.DATA, False),
        ("r", Governs.RECORD, True),
        ("x", Governs.REFUSED, False),
        ("b", Governs.BESIDE, True),
        ("n", Governs.BESIDE, False),
    ]:
        m.subscribed(c, channel, governs, flows)
    assert c.subs == {"d": True, "r": False, "x": False, "b": True, "n": False}


def test_an_unsubscribe_ends_its_picks_and_private_data_goes_on_only_on_yes(
    m: Model[str],
) -> None:
    c = logged_in(m)
    c.subs = {PUBLIC: True, PRIVATE: True, "blockBuilderUpdate": False}
    assert m.unsubscribing(c, 0b100) == ["blockBuilderUpdate"]
    assert m.unsubscribing(c, 0b1000) == [PUBLIC]  # no pick: the first
    m.unsubscribed(c, ["blockBuilderUpdate"])
    assert m.still_flowing(c, Access.YES) == [PUBLIC, PRIVATE]
    assert m.still_flowing(c, Access.MAYBE) == [PUBLIC]


def test_time_passing_watches_each_expiry_once(m: Model[str]) -> None:
    short = m.handed_out("short-lived", token("short-lived", 5.0))
    assert m.handed_out("valid", token()) is not None
    assert m.ticking == [short]
    c = logged_in(m, short)
    instant = m.next_expiry()
    m.time_passed()
    assert (m.ticking, m.past_exp) == ([], [short])
    assert m.at_expiry(c, instant, instant + 1) is True
    assert m.at_expiry(c, instant, instant + 2) is False


def test_the_state_summary(m: Model[str]) -> None:
    assert m.state() == "no connection"
    c = logged_in(m)
    c.subs = {PRIVATE: True, PUBLIC: True}
    m.connected("b")
    assert m.state() == "no[] yes[private+public]"


def test_the_info_texts_are_stable() -> None:
    answers = [{"event": "error", "code": 1001, "connId": "1"}] * 2
    assert model.shapes(answers) == '{"code": 1001, "event": "error"}'
    assert model.shapes([]) == "no answer"
    c = model.Conn("a", Access.MAYBE, "EOP-EXP-01", note="at expiry", private_before=True)
    assert model.after_expiry(c, True, True, []) == (
        "at expiry: the connection stays open; private data goes on; openOrders is answered"
    )
    assert model.outcome("logout", True, []) == "logout: no answer; the connection closes"
    assert (
        model.arg_seen(Governs.BESIDE, "n", False)
        == "a public arg beside a private one, n: no data"
    )
    assert model.arg_seen(Governs.RECORD, "n", True) == "n: a private subscribe delivers"
    assert model.arg_what(["a", "b"], 1, "n") == "data on 'b', arg 2 of 2, n"


def test_the_frames_and_kinds_the_machine_samples() -> None:
    assert model.FRAMES[:3] == [[0], [1], [2]] and len(model.FRAMES) == 15
    assert model.KINDS[: len(model.GOOD_KINDS)] == model.GOOD_KINDS
