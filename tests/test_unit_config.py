"""Configuration: options > WSCONFORM_* environment > TOML target file > defaults, typed and
checked, with where each value came from and secrets masked."""

from __future__ import annotations

import argparse

import pytest

from wsconform.config import (
    LIVE_WORKERS,
    SETTINGS,
    ConfigError,
    Settings,
    add_options,
    as_options,
    env_name,
    option_name,
    resolve,
    without_settings,
)
from wsconform.redact import mask


def options(**given):
    return lambda name: given.get(name)


@pytest.fixture
def target_file(tmp_path):
    path = tmp_path / "staging.toml"
    path.write_text(
        'profile = "paradex"\n'
        'endpoint = "wss://file.example/v1"\n'
        'public-channel = "bbo.BTC-USD-PERP"\n'
        "op-timeout = 7\n"
        'header = ["X-Env:staging"]\n'
    )
    return str(path)


def test_defaults():
    s = resolve(options(), environ={})
    assert (s.endpoint, s.op_timeout, s.max_expiry_wait, s.fuzz_budget) == (None, 5.0, 30.0, 1.0)
    assert s.hard_test_timeout == 120.0 and s.headers == [] and not s.insecure
    assert s.described() == []


@pytest.mark.parametrize(
    ("given", "verbose", "workers"),
    [
        ({}, 0, LIVE_WORKERS),  # the waits of a live run overlap
        ({}, 1, 1),  # watched: -v prints each wait as it happens, which a worker cannot
        ({"max_connections": "8"}, 0, 1),  # a test's connections must fit under the cap
        ({"live_workers": "2"}, 1, 2),  # asked for
        ({"live_workers": "1"}, 0, 1),
    ],
)
def test_live_worker_count(given, verbose, workers):
    assert resolve(options(**given), environ={}).live_worker_count(verbose) == workers


def test_precedence_option_over_env_over_file_over_default(target_file):
    env = {
        env_name("target_file"): target_file,
        env_name("endpoint"): "wss://env.example/v1",
        env_name("op_timeout"): "9",
    }
    s = resolve(options(op_timeout=2.5), environ=env)
    assert s.op_timeout == 2.5 and s.origin["op_timeout"] == "option"
    assert s.endpoint == "wss://env.example/v1" and s.origin["endpoint"] == "WSCONFORM_ENDPOINT"
    assert s.public_channel == "bbo.BTC-USD-PERP" and s.origin["public_channel"] == target_file
    assert s.profile == "paradex"
    assert s.max_expiry_wait == 30.0 and "max_expiry_wait" not in s.origin


def test_file_values_are_typed(target_file):
    s = resolve(options(target_file=target_file), environ={})
    assert s.op_timeout == 7.0 and isinstance(s.op_timeout, float)
    assert s.headers == [("X-Env", "staging")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("endpont = 'ws://x/v1'\n", "unknown setting 'endpont'"),
        ("op-timeout = 'soon'\n", "op-timeout: expected a float"),
        ("insecure = 'yes'\n", "insecure: expected a bool"),
        ("max-connections = 2.5\n", "max-connections: expected a int"),
        ("header = 3\n", "header: expected a string or a list of strings"),
        ("this is = not toml\n", "is not valid TOML"),
    ],
)
def test_bad_target_files_say_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "t.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        resolve(options(target_file=str(path)), environ={})


def test_missing_target_file():
    with pytest.raises(ConfigError, match="does not exist"):
        resolve(options(target_file="/nonexistent/t.toml"), environ={})


def test_environment_values_are_parsed():
    env = {
        env_name("insecure"): "yes",
        env_name("max_connections"): "4",
        env_name("header"): "X-A: 1, 2\nX-B:3",
        env_name("subprotocol"): "a, b",
    }
    s = resolve(options(), environ=env)
    assert s.insecure is True and s.max_connections == 4
    assert s.headers == [("X-A", "1, 2"), ("X-B", "3")]  # headers are one per line
    assert s.subprotocol == ("a", "b")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("op_timeout", "soon", "expected a float"), ("insecure", "maybe", "expected true or false")],
)
def test_bad_environment_values(name, value, message):
    with pytest.raises(ConfigError, match=f"{env_name(name)}=.*{message}"):
        resolve(options(), environ={env_name(name): value})


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"endpoint": "wss://x/v1"}, "--endpoint needs --profile"),
        ({"profile": "nasdaq"}, "--profile 'nasdaq': expected one of ethgas, ethgas-op,"),
        ({"op_timeout": "soon"}, "--op-timeout='soon': expected a float"),
        ({"profile": "paradex", "endpoint": "http://x/v1"}, "expected a ws:// or wss:// URL"),
        ({"insecure_endpoint": "wss://x/v1"}, "expected a ws:// URL"),
        ({"header": ["no-colon"]}, "expected NAME:VALUE"),
        ({"header": ["Bad Name:v"]}, "expected NAME:VALUE"),
        ({"ca_file": "/nonexistent.pem"}, "no such file"),
        ({"token_url": "https://idp/token"}, "--token-url needs --client-id"),
        ({"token_url": "ftp://idp/token", "client_id": "c"}, "http:// or https://"),
        ({"op_timeout": 0.0}, "--op-timeout must be positive"),
        ({"max_rate": -1.0}, "--max-rate must be positive"),
        ({"live_workers": 0}, "--live-workers must be positive"),
        ({"mock_defect": "x"}, "need --profile and no --endpoint"),
        ({"profile": "paradex", "mock_variant": ["novalue"]}, "expected KEY=VALUE"),
        ({"profile": "paradex", "extra_endpoint": ["geo=ws://x/v1"]}, "declares: geo-blocked"),
        ({"profile": "zenith", "extra_endpoint": ["geo-blocked=ws://x"]}, "declares: none"),
        ({"profile": "paradex", "extra_endpoint": ["geo-blocked=http://x"]}, "ws:// or wss://"),
    ],
)
def test_unusable_settings_are_refused(given, message):
    with pytest.raises(ConfigError, match=message):
        resolve(options(**given), environ={})


def test_an_extra_endpoint_the_profile_declares_reaches_the_settings():
    given = options(profile="paradex", extra_endpoint=["geo-blocked=wss://x/geo/v1"])
    assert resolve(given, environ={}).extra_endpoints == {"geo-blocked": "wss://x/geo/v1"}


def test_as_options_gives_a_fresh_run_the_same_settings():
    given = Settings(
        profile="paradex", op_timeout=1.0, insecure=True, req=("PDX-REJ-01", "PDX-REJ-02")
    )
    parser = argparse.ArgumentParser()
    add_options(parser.add_argument)
    parsed = parser.parse_args(as_options(given))
    assert resolve(lambda name: getattr(parsed, f"wsconform_{name}"), environ={}) == given


def test_ca_file_and_insecure_contradict(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    with pytest.raises(ConfigError, match="contradict"):
        resolve(options(ca_file=str(ca), insecure=True), environ={})


def test_secrets_are_collected_and_masked_in_the_description():
    secret, header_value = "s3cret-client-value", "api-key-value-123"
    s = resolve(
        options(client_secret=secret, header=[f"X-Api-Key:{header_value}"], op_timeout=2.0),
        environ={env_name("token"): "static-token-value"},
    )
    assert set(s.secrets()) == {secret, header_value, "static-token-value"}
    described = "\n".join(s.described())
    assert secret not in described and header_value not in described
    assert "static-token-value" not in described
    assert mask(secret) in described and "(WSCONFORM_TOKEN)" in described
    assert "--op-timeout=2.0 (option)" in described


def test_every_setting_is_an_option_with_its_env_name_in_the_help():
    declared: dict[str, dict] = {}
    add_options(lambda name, **kw: declared.__setitem__(name, kw))
    assert set(declared) == {option_name(f.name) for f in SETTINGS}
    for f in SETTINGS:
        assert env_name(f.name) in declared[option_name(f.name)]["help"]
    assert declared["--profile"]["metavar"] == "{ethgas,ethgas-op,graphql-ws,paradex,zenith}"


def test_child_runs_drop_settings_from_the_environment():
    assert without_settings({"WSCONFORM_ENDPOINT": "x", "PATH": "/bin"}) == {"PATH": "/bin"}
