"""ETHGas `cmd`-dialect JSON Schemas (profile `ethgas`): mutations fail, documented variants pass.

Sources: the seed page (the ethgas catalogue's PAGE) and its companion page (docs/facts/ethgas.md
§ Draft, § Companion page).
Files, metadata and the docs' examples: test_schemas.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from schema_cases import REGISTRY, Mutations, acceptance_test, drop, rejection_test, set_

from wsconform.vendors.ethgas import common

VENDOR = "ethgas"
M = Mutations(VENDOR)
COMMON = REGISTRY.document(VENDOR, "common")["$defs"]
PUBLIC_CHANNELS: list[str] = COMMON["publicChannel"]["enum"]
PRIVATE_CHANNELS: list[str] = COMMON["privateChannel"]["enum"]
WITH_DOC_EXAMPLES = [
    n for n in REGISTRY.names(VENDOR) if "examples" in REGISTRY.document(VENDOR, n)
]


def test_channel_lists_match_the_facts() -> None:
    """docs/facts/ethgas.md § Channels: seven public, four private, no overlap; the lists the
    clients and mocks use (wsconform.vendors.ethgas.common)."""
    assert (len(PUBLIC_CHANNELS), len(PRIVATE_CHANNELS)) == (7, 4)
    assert not set(PUBLIC_CHANNELS) & set(PRIVATE_CHANNELS)
    assert list(common.PUBLIC_CHANNELS) == PUBLIC_CHANNELS
    assert list(common.PRIVATE_CHANNELS) == PRIVATE_CHANNELS
    # The same lists as the official dialect's.
    op = REGISTRY.document("ethgas-op", "common")["$defs"]
    assert op["publicChannel"]["enum"] == PUBLIC_CHANNELS
    assert op["privateChannel"]["enum"] == PRIVATE_CHANNELS


@pytest.mark.parametrize("channel", PUBLIC_CHANNELS + PRIVATE_CHANNELS)
def test_every_channel_makes_a_data_frame(channel: str) -> None:
    frame = {"cmd": channel, "data": {}}
    assert REGISTRY.errors(VENDOR, "data-frame", frame) == []
    assert REGISTRY.errors(VENDOR, "response", frame) == []


def test_documented_auth_codes_are_the_code_enum() -> None:
    document = REGISTRY.document(VENDOR, "login-error")
    codes: dict[str, Any] = document["x-documented-codes"]
    assert sorted(int(code) for code in codes) == [401, 403, 429]
    assert codes["401"]["description"] == "Invalid token"
    assert codes["403"]["description"] == "Insufficient permissions"
    assert codes["429"]["description"] == "Rate limited"
    for code in codes:
        frame = {"cmd": "login", "status": "error", "error": {"code": int(code), "message": "x"}}
        assert REGISTRY.errors(VENDOR, "login-error", frame) == []
    assert "1001" in document["x-doc-conflict"]


def test_companion_error_codes_recorded() -> None:
    codes = REGISTRY.document(VENDOR, "error-frame")["x-documented-codes"]
    assert {code: entry["description"] for code, entry in codes.items()} == {
        "1001": "Authentication failed",
        "1002": "Invalid channel",
        "1003": "Rate limit exceeded",
        "1004": "Connection timeout",
    }


def test_draft_conflicts_annotated() -> None:
    request = REGISTRY.document(VENDOR, "login-request")["x-doc-conflict"]
    success = REGISTRY.document(VENDOR, "login-success")["x-doc-conflict"]
    assert '"args"' in request and '"data"' in request
    assert "Seed page" in success and "Companion page" in success
    # Both drafts' login frames are among the examples, so both validate (test_schemas.py).
    requests = REGISTRY.document(VENDOR, "login-request")["examples"]
    assert {next(k for k in r if k != "cmd") for r in requests} == {"data", "args"}
    successes = REGISTRY.document(VENDOR, "login-success")["examples"]
    assert any("status" in s for s in successes)
    assert any("status" in s["data"] for s in successes)


def test_no_subscribe_ack_schema() -> None:
    """No page documents a subscribe reply: no schema may make the suite assert one."""
    names = REGISTRY.names(VENDOR)
    subscription = [n for n in names if n.startswith(("subscribe", "unsubscribe"))]
    assert subscription == ["subscribe-request", "unsubscribe-request"]
    assert not [n for n in names if "ack" in n or "confirm" in n or "result" in n]
    response = REGISTRY.document(VENDOR, "response")
    assert response["x-generic"] is True
    assert "must not" in response["description"]


def test_login_replies_are_exclusive() -> None:
    """A login success is not a login error, and the reverse."""
    for example in REGISTRY.document(VENDOR, "login-success")["examples"]:
        assert not REGISTRY.is_valid(VENDOR, "login-error", example)
    for example in REGISTRY.document(VENDOR, "login-error")["examples"]:
        assert not REGISTRY.is_valid(VENDOR, "login-success", example)
        assert not REGISTRY.is_valid(VENDOR, "error-frame", example)
    for example in REGISTRY.document(VENDOR, "token-expired")["examples"]:
        assert not REGISTRY.is_valid(VENDOR, "data-frame", example)
        assert not REGISTRY.is_valid(VENDOR, "login-success", example)


def test_snake_case_draft_channel_is_a_known_variant_not_a_value() -> None:
    document = REGISTRY.document(VENDOR, "data-frame")
    assert "preconf_market_update" in document["x-known-variants"]
    frame = {"cmd": "preconf_market_update", "data": {"market": "ETH-USD"}}
    assert not REGISTRY.is_valid(VENDOR, "data-frame", frame)


# Every frame is a JSON object with a string cmd.
for _name in WITH_DOC_EXAMPLES:
    M.case(_name, "not an object", [M.first(_name)])
    M.case(_name, "cmd missing", M.mutate(_name, drop("cmd")))
    M.case(_name, "cmd a number", M.mutate(_name, set_("cmd", 1)))
    M.case(_name, "cmd null", M.mutate(_name, set_("cmd", None)))
for _name in ["ping", "pong", "data-frame"]:
    M.case(_name, "not an object", [M.derived(_name)])
    M.case(_name, "cmd missing", {k: v for k, v in M.derived(_name).items() if k != "cmd"})
    M.case(_name, "cmd a number", {**M.derived(_name), "cmd": 1})

# login-request: exactly one of data / args, each {"accessToken": string}.
_L = "login-request"
for _index, _member in [(0, "data"), (2, "args")]:
    M.case(_L, f"{_member}.accessToken missing", M.mutate(_L, set_(_member, {}), index=_index))
    for _value, _label in [
        (123, "number"),
        (None, "null"),
        (["t"], "array"),
        ({"t": "x"}, "object"),
    ]:
        M.case(
            _L,
            f"{_member}.accessToken {_label}",
            M.mutate(_L, set_(_member, "accessToken", _value), index=_index),
        )
    M.case(_L, f"{_member} a string", M.mutate(_L, set_(_member, "tok"), index=_index))
    M.case(
        _L, f"{_member} an array", M.mutate(_L, set_(_member, [{"accessToken": "t"}]), index=_index)
    )
M.case(_L, "neither data nor args", M.mutate(_L, drop("data")))
M.case(_L, "both data and args", M.mutate(_L, set_("args", {"accessToken": "other"})))
M.case(_L, "token at top level", {"cmd": "login", "accessToken": "your_access_token_here"})
for _cmd in ["Login", "auth", "token_expired", "subscribe", ""]:
    M.case(_L, f"cmd {_cmd!r}", M.mutate(_L, set_("cmd", _cmd)))

# login-success: status "success" at the top or inside data, never anything else.
_S = "login-success"
for _status in ["error", "ok", "Success", "", True, None]:
    M.case(_S, f"status {_status!r}", M.mutate(_S, set_("status", _status)))
    M.case(
        _S, f"data.status {_status!r} (companion)", M.mutate(_S, set_("data", "status", _status), 1)
    )
M.case(_S, "status missing (seed)", M.mutate(_S, drop("status")))
M.case(_S, "data.status missing (companion)", M.mutate(_S, drop("data", "status"), index=1))
M.case(_S, "top success but data.status error", M.mutate(_S, set_("data", "status", "error")))
M.case(_S, "data missing", M.mutate(_S, drop("data")))
M.case(_S, "data null", M.mutate(_S, set_("data", None)))
M.case(_S, "data a string", M.mutate(_S, set_("data", "user_123")))
M.case(_S, "userId missing", M.mutate(_S, drop("data", "userId")))
M.case(_S, "userId missing (companion)", M.mutate(_S, drop("data", "userId"), index=1))
M.case(_S, "userId a number", M.mutate(_S, set_("data", "userId", 123)))
M.case(_S, "username a number", M.mutate(_S, set_("data", "username", 1)))
M.case(_S, "permissions a string", M.mutate(_S, set_("data", "permissions", "trading")))
M.case(_S, "permissions with a number", M.mutate(_S, set_("data", "permissions", ["trading", 1])))
M.case(_S, "carries an error", M.mutate(_S, set_("error", {"code": 401, "message": "x"})))
M.case(_S, "cmd token_expired", M.mutate(_S, set_("cmd", "token_expired")))

# login-error.
_E = "login-error"
for _status in ["success", "failed", "Error", None]:
    M.case(_E, f"status {_status!r}", M.mutate(_E, set_("status", _status)))
M.case(_E, "status missing", M.mutate(_E, drop("status")))
for _code, _label in [
    ("401", '"401" string'),
    (401.5, "401.5"),
    (400, "400 (not in the table)"),
    (1001, "1001 (companion code)"),
    (None, "null"),
]:
    M.case(_E, f"code {_label}", M.mutate(_E, set_("error", "code", _code)))
M.case(_E, "cmd error", M.mutate(_E, set_("cmd", "error")))

# token-expired.
_T = "token-expired"
for _cmd in ["login", "error", "tokenExpired", "token-expired", "TOKEN_EXPIRED"]:
    M.case(_T, f"under cmd {_cmd!r}", M.mutate(_T, set_("cmd", _cmd)))
M.case(_T, "data missing", M.mutate(_T, drop("data")))
M.case(_T, "data a string", M.mutate(_T, set_("data", "Access token has expired")))
M.case(_T, "message missing", M.mutate(_T, drop("data", "message")))
M.case(_T, "message a number", M.mutate(_T, set_("data", "message", 1)))

# subscribe / unsubscribe.
for _name, _other in [("subscribe-request", "unsubscribe"), ("unsubscribe-request", "subscribe")]:
    M.case(_name, f"cmd {_other!r}", M.mutate(_name, set_("cmd", _other)))
    M.case(_name, "args missing", M.mutate(_name, drop("args")))
    M.case(_name, "args an array", M.mutate(_name, set_("args", [{"channel": "orderBookUpdate"}])))
    M.case(_name, "args.channel missing", M.mutate(_name, drop("args", "channel")))
    M.case(_name, "args.channel empty", M.mutate(_name, set_("args", "channel", "")))
    M.case(_name, "args.channel a number", M.mutate(_name, set_("args", "channel", 1)))
    M.case(_name, "marketId a string", M.mutate(_name, set_("args", "marketId", "12345")))
    M.case(
        _name,
        "channel at top level (draft preconf page)",
        {"cmd": _name.split("-")[0], "channel": "preconf_market_update"},
    )

# data-frame: cmd must be a documented channel.
_D = "data-frame"
for _cmd in [
    "preconf_market_update",
    "PreconfMarketUpdate",
    "unknownUpdate",
    "login",
    "token_expired",
    "error",
    "subscribe",
    "",
]:
    M.case(_D, f"cmd {_cmd!r}", {**M.derived(_D), "cmd": _cmd})
M.case(_D, "data missing", {"cmd": "orderBookUpdate"})
M.case(_D, "data an array", {"cmd": "orderBookUpdate", "data": []})
M.case(_D, "data null", {"cmd": "orderBookUpdate", "data": None})

# error-frame.
_F = "error-frame"
for _code, _label in [("1001", '"1001" string'), (1001.5, "1001.5"), (None, "null")]:
    M.case(_F, f"code {_label}", M.mutate(_F, set_("error", "code", _code)))
M.case(_F, "cmd login", M.mutate(_F, set_("cmd", "login")))

# login-error and error-frame: the same error object, {"code": integer, "message": string}.
for _name, _message in [(_E, "Invalid access token"), (_F, "Authentication failed")]:
    _number = M.first(_name)["error"]["code"]  # 401, 1001
    M.case(_name, "code missing", M.mutate(_name, drop("error", "code")))
    M.case(_name, "message missing", M.mutate(_name, drop("error", "message")))
    M.case(_name, "message a number", M.mutate(_name, set_("error", "message", _number)))
    M.case(_name, "error missing", M.mutate(_name, drop("error")))
    M.case(_name, "error a string", M.mutate(_name, set_("error", _message)))

# ping / pong.
M.case("ping", "cmd pong", {"cmd": "pong"})
M.case("pong", "cmd ping", {"cmd": "ping"})
M.case("ping", "args a string", {"cmd": "ping", "args": "x"})
M.case("ping", "a bare text frame (not JSON)", "ping")

# response: the generic envelope still needs a cmd and an object data.
_R = "response"
M.case(_R, "data missing", M.mutate(_R, drop("data")))
M.case(_R, "data a string", M.mutate(_R, set_("data", "success")))
M.case(_R, "cmd empty", M.mutate(_R, set_("cmd", "")))


test_mutation_rejected = rejection_test(M)

# Documented variants: accepted.
M.variant(
    _L,
    "JWT access token",
    M.mutate(_L, set_("data", "accessToken", "eyJhbGciOiJFUzI1NiJ9.e30.sig")),
)
M.variant(_L, "undocumented extra member", M.mutate(_L, set_("id", 1)))
M.variant(_S, "seed shape without permissions", M.mutate(_S, drop("data", "permissions")))
M.variant(_S, "no permissions", M.mutate(_S, set_("data", "permissions", [])))
M.variant(
    _S, "status both at the top and in data", M.mutate(_S, set_("status", "success"), index=1)
)
M.variant(
    _S, "companion shape with username", M.mutate(_S, set_("data", "username", "john_doe"), index=1)
)
M.variant(_E, "403 insufficient permissions", M.mutate(_E, set_("error", "code", 403)))
M.variant(_E, "429 rate limited", M.mutate(_E, set_("error", "code", 429)))
M.variant(
    "subscribe-request",
    "private channel, no marketId",
    {"cmd": "subscribe", "args": {"channel": "accountOrderUpdate"}},
)
M.variant(
    "subscribe-request",
    "unknown channel (a client may send it; the server rejects it)",
    {"cmd": "subscribe", "args": {"channel": "noSuchChannel"}},
)
M.variant(
    "subscribe-request", "extra args", M.mutate("subscribe-request", set_("args", "extra", True))
)
M.variant(_F, "code outside the table", M.mutate(_F, set_("error", "code", 4242)))
M.variant("ping", "ping with empty args", {"cmd": "ping", "args": {}})
M.variant("pong", "pong with data", {"cmd": "pong", "data": {"ts": 1}})
M.variant(
    _R,
    "any command's generic response",
    {"cmd": "subscribe", "data": {"channel": "orderBookUpdate"}},
)


test_documented_variant_accepted = acceptance_test(M)
