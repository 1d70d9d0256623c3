"""The run's configuration: command-line options, WSCONFORM_* variables and a TOML target file.

Every setting is declared once, as a field of Settings; the pytest options, the environment
variable names and the target file's keys all derive from it. Precedence, highest first:
option > environment > target file > default. Where each value came from is kept, so the report
can say so (with secrets masked).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wsconform.mock.defects import UnknownDefect
from wsconform.profiles import get_profile, installed, names
from wsconform.redact import mask, masked_command

ENV_PREFIX = "WSCONFORM_"
# Sized so that a whole live profile run stays within 90 s with real 5 s tokens (bench/live_run.py).
LIVE_LIFECYCLE_BUDGET = 20.0
# pytest-xdist workers of a live run: the tests' waits are for the server's clock (token expiry,
# observation windows, lifecycle budgets), so they overlap instead of queueing (bench/live_run.py).
LIVE_WORKERS = 4


class ConfigError(ValueError):
    """A setting that cannot be used; the message says which and why."""


def _setting(
    default: Any,
    help: str,
    *,
    kind: type = str,
    secret: bool = False,
    many: bool = False,
    metavar: str | None = None,
) -> Any:
    return field(
        default=default,
        metadata={"help": help, "kind": kind, "secret": secret, "many": many, "metavar": metavar},
    )


@dataclass(frozen=True)
class Settings:
    # -- the target
    profile: str | None = _setting(
        None, "the profile under test; with --endpoint only its suite is collected "
        "(default: every profile, each on its embedded mock)",
    )  # fmt: skip
    endpoint: str | None = _setting(
        None, "a live ws:// or wss:// URL to test instead of the embedded mock"
    )
    insecure_endpoint: str | None = _setting(
        None, "the ws:// twin of a wss:// endpoint, for rules that only hold over TLS"
    )
    public_channel: str | None = _setting(
        None, "a channel any entitled session may subscribe (profile default)"
    )
    private_channel: str | None = _setting(
        None, "a channel that needs the private right (profile default)"
    )
    extra_endpoint: tuple[str, ...] = _setting(
        (), "an endpoint the profile names for a rule the main one cannot provoke (repeatable)",
        many=True, metavar="NAME=URL",
    )  # fmt: skip
    capabilities: str | None = _setting(
        None, "the vendor's capability statement (TOML): the token kinds, channels and optional "
        "features its server offers; tests of what it declares absent SKIP, saying so",
    )  # fmt: skip
    target_file: str | None = _setting(
        None, "a TOML file of these settings (keys as the option names, without --)"
    )
    # -- tokens
    token_command: str | None = _setting(
        None, "shell command printing one token for `<kind> [<arg>]` (exit 3: kind unavailable)"
    )
    token_timeout: float = _setting(
        30.0, "seconds the token command may take for one token (then its tests ERROR)",
        kind=float,
    )  # fmt: skip
    token: str | None = _setting(None, "a static valid token", secret=True)
    expired_token: str | None = _setting(None, "a static expired token", secret=True)
    limited_token: str | None = _setting(
        None, "a static valid token without the private right", secret=True
    )
    token_url: str | None = _setting(None, "an OAuth 2.0 token endpoint (RFC 6749)")
    client_id: str | None = _setting(None, "OAuth client id")
    client_secret: str | None = _setting(None, "OAuth client secret", secret=True)
    scope: str | None = _setting(None, "OAuth scope for valid tokens")
    limited_scope: str | None = _setting(
        None, "OAuth scope for limited tokens (without the private right)"
    )
    refresh_token: str | None = _setting(
        None, "OAuth refresh token: valid tokens come from the refresh-token grant", secret=True
    )
    # -- the connection
    ca_file: str | None = _setting(None, "PEM file of CA certificates to trust for wss://")
    insecure: bool = _setting(
        False, "do not verify TLS certificates (flagged loudly in the report)", kind=bool
    )
    header: tuple[str, ...] = _setting(
        (), "an extra handshake header on every connection (repeatable; values are secrets)",
        many=True, metavar="NAME:VALUE",
    )  # fmt: skip
    subprotocol: tuple[str, ...] = _setting(
        (), "offer this subprotocol instead of the profile's (repeatable)", many=True
    )
    # -- time and pacing
    op_timeout: float = _setting(5.0, "seconds to wait for any one reply", kind=float)
    test_timeout: float | None = _setting(
        None, "hard limit per test in seconds (default: 60 + 2 x --max-expiry-wait)", kind=float
    )
    max_expiry_wait: float = _setting(
        30.0, "live targets: an expiry test that would wait longer SKIPs", kind=float
    )
    observation_window: float = _setting(
        2.0, "live targets: how long `no more data arrives` is watched", kind=float
    )
    max_rate: float | None = _setting(
        None, "connection and auth attempts per second across the run (no limit)", kind=float
    )
    max_connections: int | None = _setting(
        None, "connections open at once across the run (no limit)", kind=int
    )
    fuzz_budget: float = _setting(
        1.0, "scales hypothesis example counts (0.1 = a tenth)", kind=float
    )
    lifecycle_budget: float | None = _setting(
        None, "seconds each lifecycle state machine explores before it stops, saying how far it "
        "got (default: 20 on a live target; the embedded mock runs its full example count)",
        kind=float,
    )  # fmt: skip
    live_workers: int | None = _setting(
        None, "live targets: run the tests in N pytest-xdist worker processes so that their "
        "waits overlap; --max-rate and --max-connections are shared among them (default: "
        f"{LIVE_WORKERS}; 1, serial, at -v so the waits show as they happen, or under "
        "--max-connections; an explicit -n wins)",
        kind=int,
    )  # fmt: skip
    # -- the embedded mock
    mock_defect: str | None = _setting(None, "embedded mock: switch on one named defect")
    mock_variant: tuple[str, ...] = _setting(
        (), "embedded mock: a conforming choice where the docs allow several",
        many=True, metavar="KEY=VALUE",
    )  # fmt: skip
    mock_preset: str | None = _setting(
        None, "embedded mock: a client-compatibility preset (`wsconform mock PROFILE "
        "--list-presets`); it may depart from the docs, which the verdicts still follow",
    )  # fmt: skip
    mock_key_file: str | None = _setting(
        None, "embedded mock: the issuer's key file (as `wsconform mint`)"
    )
    # -- selection
    req: tuple[str, ...] = _setting(
        (), "run only the tests that name these requirement IDs (comma-separated, repeatable)",
        many=True, metavar="ID[,ID...]",
    )  # fmt: skip
    # -- output
    report_dir: str = _setting(
        "reports", "where results, transcripts and the certification bundles go"
    )
    baseline: str | None = _setting(
        None, "a JSON file of known failures (test or requirement, reason) that do not fail the "
        "run; entries that no longer fail are reported as stale (`wsconform baseline` writes one)",
    )  # fmt: skip
    strict_baseline: bool = _setting(
        False, "baseline entries that no longer fail (stale) fail the run", kind=bool
    )
    require_complete: bool = _setting(
        False, "an INCOMPLETE run (a MUST requirement undecided, a partial selection, an "
        "interruption) exits non-zero, listing why (on in `wsconform certify`)", kind=bool,
    )  # fmt: skip
    signing_key: str | None = _setting(
        None, "the Ed25519 private key (PEM) that signs the certification bundle "
        "(default: ~/.config/wsconform/signing-key.pem, created on first use)",
    )  # fmt: skip
    run_slow: bool = _setting(
        False,
        "against a live target, also run tests marked slow (minutes of server timing each)",
        kind=bool,
    )

    origin: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    # -- derived ---------------------------------------------------------------------------------

    @property
    def headers(self) -> list[tuple[str, str]]:
        pairs = []
        for item in self.header:
            name, _, value = item.partition(":")
            pairs.append((name.strip(), value.strip()))
        return pairs

    @property
    def requirement_ids(self) -> list[str]:
        """--req as IDs: each item may itself be a comma-separated list."""
        return [i.strip() for item in self.req for i in item.split(",") if i.strip()]

    @property
    def variants(self) -> dict[str, str]:
        return dict(v.split("=", 1) for v in self.mock_variant)

    @property
    def extra_endpoints(self) -> dict[str, str]:
        return dict(e.split("=", 1) for e in self.extra_endpoint)

    def lifecycle_seconds(self, live: bool) -> float | None:
        """The lifecycle machines' wall-clock budget: None, no budget (the embedded mock's full
        example count, whatever the machine's load: its verdicts must not depend on it)."""
        return self.lifecycle_budget or (LIVE_LIFECYCLE_BUDGET if live else None)

    def live_worker_count(self, verbose: int) -> int:
        """How many pytest-xdist workers a live run uses. Serial when watched (-v prints each
        wait as it happens, which a worker cannot) and under --max-connections (a test needs
        several connections at once, and each worker would get a share of the cap)."""
        if self.live_workers:
            return self.live_workers
        return 1 if verbose > 0 or self.max_connections else LIVE_WORKERS

    @property
    def hard_test_timeout(self) -> float:
        return self.test_timeout or 60.0 + 2 * self.max_expiry_wait

    def secrets(self) -> list[str]:
        """Every secret value in the settings, for the redactor."""
        found = [getattr(self, f.name) for f in SETTINGS if f.metadata["secret"]]
        found += [value for _, value in self.headers]
        return [s for s in found if s]

    def described(self) -> list[str]:
        """`name=value (origin)` for every setting not left at its default; secrets masked."""
        lines = []
        for f in SETTINGS:
            origin = self.origin.get(f.name)
            if origin is None or origin == "default":
                continue
            value = getattr(self, f.name)
            if f.metadata["secret"]:
                value = mask(value)
            elif f.name == "token_command":
                value = masked_command(value)
            elif f.name == "header":
                value = [f"{name}: {mask(v)}" for name, v in self.headers]
            lines.append(f"{option_name(f.name)}={value} ({origin})")
        return lines


SETTINGS = tuple(f for f in fields(Settings) if f.name != "origin")
_BY_KEY = {f.name: f for f in SETTINGS}


def without_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for a separate, fresh pytest run that must not be pointed elsewhere (the
    suite's own tests, the kill matrix): minus WSCONFORM_* settings, and minus the pytest-xdist
    variables of a worker that starts it (the child is no worker and shares no limits)."""
    return {
        k: v
        for k, v in environ.items()
        if not k.startswith(ENV_PREFIX) and not k.startswith("PYTEST_XDIST_")
    }


def option_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def as_options(s: Settings) -> list[str]:
    """The command-line options that give a fresh run these settings (those not at their
    default): what a run started from this one passes (the kill matrix's)."""
    options: list[str] = []
    for f in SETTINGS:
        value = getattr(s, f.name)
        if value == f.default:
            continue
        if f.metadata["kind"] is bool:
            options.append(option_name(f.name))
        elif f.metadata["many"]:
            options += [part for item in value for part in (option_name(f.name), str(item))]
        else:
            options += [option_name(f.name), str(value)]
    return options


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def add_options(addoption: Callable[..., None], only: Collection[str] | None = None) -> None:
    """Declare every setting (or those named `only`) as a command-line option (defaults are
    applied in `resolve`)."""
    for f in SETTINGS:
        if only is not None and f.name not in only:
            continue
        meta = f.metadata
        default = f" (default {f.default})" if f.default not in (None, (), False) else ""
        if f.name == "extra_endpoint":
            declared = [f"{p}: {n}" for p, d in installed().items() for n in d.extra_endpoints]
            default = f" (declared: {'; '.join(declared) or 'none'})"
        kwargs: dict[str, Any] = {
            "dest": f"wsconform_{f.name}",
            "default": None,
            "help": f"{meta['help']}{default}; env {env_name(f.name)}",
        }
        # Values stay text here and are converted in `resolve`: a bad one is a configuration
        # error (exit 2, saying which), as from the environment or the target file.
        if meta["kind"] is bool:
            kwargs["action"] = "store_true"
        elif meta["many"]:
            kwargs["action"] = "append"
        if meta["metavar"]:
            kwargs["metavar"] = meta["metavar"]
        if f.name == "profile":
            kwargs["metavar"] = "{" + ",".join(names()) + "}"
        addoption(option_name(f.name), **kwargs)


def _from_env(f: Any, text: str, name: str | None = None) -> Any:
    kind, name = f.metadata["kind"], name or env_name(f.name)
    if f.metadata["many"]:
        # Headers may hold commas, so they are one per line; other lists are comma-separated.
        parts = text.splitlines() if f.name == "header" else text.split(",")
        return tuple(p.strip() for p in parts if p.strip())
    if kind is bool:
        if text.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if text.strip().lower() in ("", "0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}={text!r}: expected true or false")
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(f"{name}={text!r}: expected a {kind.__name__}") from None


def _from_file(f: Any, value: Any, path: str) -> Any:
    kind, where = f.metadata["kind"], f"{path}: {f.name.replace('_', '-')}"
    if f.metadata["many"]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{where}: expected a string or a list of strings")
        return tuple(items)
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: expected a {kind.__name__}, got {value!r}")
    return value


def read_target_file(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"target file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"target file {path} is not valid TOML: {exc}") from None
    values = {}
    for key, value in document.items():
        name = key.replace("-", "_")
        if name not in _BY_KEY or name == "target_file":
            known = ", ".join(sorted(n.replace("_", "-") for n in _BY_KEY if n != "target_file"))
            raise ConfigError(f"target file {path}: unknown setting {key!r}; settings: {known}")
        values[name] = _from_file(_BY_KEY[name], value, path)
    return values


def resolve(option: Callable[[str], Any], environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from options (`option(name)` is None when not given), env, file and defaults."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for f in SETTINGS:
        given = option(f.name)
        if given not in (None, [], ()):
            if f.metadata["many"]:
                values[f.name] = tuple(given)
            elif isinstance(given, str) and f.metadata["kind"] is not str:
                values[f.name] = _from_env(f, given, option_name(f.name))
            else:
                values[f.name] = given
            origin[f.name] = "option"
        elif env_name(f.name) in environ:
            values[f.name] = _from_env(f, environ[env_name(f.name)])
            origin[f.name] = env_name(f.name)
    target_file = values.get("target_file")
    if target_file:
        for name, value in read_target_file(target_file).items():
            if name not in values:
                values[name], origin[name] = value, target_file
    settings = Settings(**values, origin=origin)
    validate(settings)
    return settings


def _ws_url(name: str, url: str, schemes: tuple[str, ...]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.hostname:
        raise ConfigError(
            f"{option_name(name)} {url!r}: expected a {' or '.join(s + '://' for s in schemes)} URL"
        )


def _extra_endpoint(profile: str | None, item: str) -> None:
    name, equals, url = item.partition("=")
    declared = get_profile(profile).extra_endpoints if profile in names() else {}
    if not equals or name not in declared:
        raise ConfigError(
            f"--extra-endpoint {item!r}: expected NAME=URL, NAME one that --profile "
            f"{profile or '(none given)'} declares: {', '.join(declared) or 'none'}"
        )
    _ws_url("extra_endpoint", url, ("ws", "wss"))


def validate(s: Settings) -> None:
    if s.profile is not None and s.profile not in names():
        raise ConfigError(f"--profile {s.profile!r}: expected one of {', '.join(names())}")
    if s.endpoint and not s.profile:
        raise ConfigError("--endpoint needs --profile: which protocol does the endpoint speak?")
    if s.endpoint:
        _ws_url("endpoint", s.endpoint, ("ws", "wss"))
    if s.insecure_endpoint:
        _ws_url("insecure_endpoint", s.insecure_endpoint, ("ws",))
    for item in s.extra_endpoint:
        _extra_endpoint(s.profile, item)
    if (s.mock_defect or s.mock_variant or s.mock_preset) and (s.endpoint or not s.profile):
        raise ConfigError(
            "--mock-defect/--mock-variant/--mock-preset need --profile and no --endpoint"
        )
    for item in s.mock_variant:
        if "=" not in item:
            raise ConfigError(f"--mock-variant {item!r}: expected KEY=VALUE")
    if s.profile and (s.mock_defect or s.mock_variant or s.mock_preset):
        try:  # said once, now, rather than as every test's error
            get_profile(s.profile).mock.check_choices(s.mock_defect, s.variants, s.mock_preset)
        except UnknownDefect as exc:
            raise ConfigError(str(exc)) from None
    for item in s.header:
        name, colon, _ = item.partition(":")
        if not colon or not name.strip() or any(c in name for c in " \t\r\n"):
            raise ConfigError(
                f"--header {item.partition(':')[0]!r}...: expected NAME:VALUE "
                "(the value is kept secret)"
            )
    if s.ca_file and not Path(s.ca_file).is_file():
        raise ConfigError(f"--ca-file {s.ca_file}: no such file")
    if s.ca_file and s.insecure:
        raise ConfigError("--ca-file and --insecure contradict each other: choose one")
    if s.token_url and not s.client_id:
        raise ConfigError("--token-url needs --client-id")
    if s.token_url:
        _ws_url("token_url", s.token_url, ("http", "https"))
    positive = ("op_timeout", "max_expiry_wait", "observation_window", "fuzz_budget")
    for name in (*positive, "token_timeout"):
        if getattr(s, name) <= 0:
            raise ConfigError(f"{option_name(name)} must be positive")
    for name in ("test_timeout", "max_rate", "max_connections", "lifecycle_budget", "live_workers"):
        value = getattr(s, name)
        if value is not None and value <= 0:
            raise ConfigError(f"{option_name(name)} must be positive")
