"""Token sources: where a test's tokens come from.

Kinds: `valid`, `expired`, `short-lived <seconds>`, `limited` (valid, without the private right).
A source that cannot give a kind raises TokenUnavailable (the test SKIPs naming what would enable
it); a source that breaks raises TokenSourceError (the test ERRORs, with redacted stderr).
The OAuth 2.0 token endpoint source is in wsconform.oauth.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pytest

from wsconform import jwt_forge, progress, provenance
from wsconform.checks import fail_if_broken
from wsconform.mock.issuer import TokenIssuer
from wsconform.redact import Redactor, command_secrets

if TYPE_CHECKING:
    from wsconform.target import Target

KINDS = ("valid", "expired", "short-lived", "limited")
UNAVAILABLE_EXIT = 3  # the token command's "this kind is not available"
# For each kind, the options that would enable it: what a SKIP message tells the user to give.
ENABLING: dict[str, str] = {
    "valid": "--token, --token-command or --token-url",
    "expired": "--expired-token or --token-command",
    "short-lived": "--token-command",
    "limited": "--limited-token, --token-command, or --token-url with --limited-scope",
}


class TokenUnavailable(Exception):
    pass


class TokenSourceError(Exception):
    pass


@dataclass(frozen=True)
class Token:
    value: str
    kind: str
    expires_at: float | None  # seconds since the epoch on the target's clock, when known

    def __repr__(self) -> str:  # tokens are secrets: never print one in full
        from wsconform.redact import mask

        return f"Token({self.kind}, {mask(self.value)})"


class TokenSource(Protocol):
    def get(self, kind: str, arg: str | None = None) -> Token: ...


def token_expiry(value: str, kind: str, arg: str | None, acquired: float) -> float | None:
    try:
        return jwt_forge.expires_at(value)
    except ValueError:  # opaque token: all we know is what we asked for
        return acquired + float(arg) if kind == "short-lived" and arg else None


class IssuerTokens:
    """Tokens minted by an embedded mock's own issuer."""

    def __init__(self, issuer: TokenIssuer) -> None:
        self.issuer = issuer

    def get(self, kind: str, arg: str | None = None) -> Token:
        value = self.issuer.mint(kind, arg)
        return Token(value, kind, token_expiry(value, kind, arg, self.issuer.clock.now()))


class CommandTokens:
    """`<command> <kind> [<arg>]` run through the shell; one token on stdout."""

    def __init__(self, command: str, redactor: Redactor, timeout: float = 30.0) -> None:
        self.command = command
        self.redactor = redactor
        self.timeout = timeout
        for secret in command_secrets(command):  # the command may echo them, e.g. in errors
            redactor.add_credential(secret)

    def get(self, kind: str, arg: str | None = None) -> Token:
        line = " ".join([self.command, shlex.quote(kind), *([shlex.quote(arg)] if arg else [])])
        acquired = time.time()
        # A session of its own, so a timeout kills the command's children too, not just the shell.
        process = subprocess.Popen(
            line,
            shell=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            with progress.waiting(f"the token command's {kind!r} token"):
                stdout, stderr_text = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise TokenSourceError(
                f"token command gave no token for {kind!r} within {self.timeout:g} s "
                "(--token-timeout)"
            ) from None
        except BaseException:  # the test's own time ran out meanwhile: leave no process behind
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        value = stdout.strip()
        self.redactor.add_credential(value)
        stderr = self.redactor.text(stderr_text.strip())[-2000:]
        if process.returncode == UNAVAILABLE_EXIT:
            raise TokenUnavailable(
                f"token command says kind {kind!r} is not available (exit 3): {stderr}"
            )
        if process.returncode != 0:
            raise TokenSourceError(
                f"token command failed for {kind!r} (exit {process.returncode}): {stderr}"
            )
        if not value or "\n" in value:
            raise TokenSourceError(f"token command must print exactly one token for {kind!r}")
        return Token(value, kind, token_expiry(value, kind, arg, acquired))


class RedactingSource:
    """Wraps a source so that every token it hands out is known to the redactor."""

    def __init__(self, source: TokenSource, redactor: Redactor) -> None:
        self.source = source
        self.redactor = redactor

    def get(self, kind: str, arg: str | None = None) -> Token:
        if kind not in KINDS:
            raise ValueError(f"unknown token kind {kind!r}; kinds: {', '.join(KINDS)}")
        token = self.source.get(kind, arg)
        self.redactor.add_credential(token.value)
        return token


class StaticTokens:
    """Tokens given on the command line: `--token` (valid), `--expired-token`, `--limited-token`.

    A fixed string cannot be short-lived on demand, so that kind is never here.
    """

    GIVEN = ("valid", "expired", "limited")

    def __init__(self, values: dict[str, str]) -> None:
        unknown = sorted(set(values) - set(self.GIVEN))
        if unknown:  # a caller's mistake, not a user's: fail loudly at start-up
            raise ValueError(f"static tokens are only for kinds {self.GIVEN}, not {unknown}")
        self.values = {kind: value for kind, value in values.items() if value}

    def get(self, kind: str, arg: str | None = None) -> Token:
        value = self.values.get(kind)
        if value is None:
            raise TokenUnavailable(
                f"no static token for {kind!r}: give {ENABLING.get(kind, 'another source')}"
            )
        return Token(value, kind, token_expiry(value, kind, arg, time.time()))


class ChainTokens:
    """Several sources in order: the first that has the kind wins.

    A broken source (TokenSourceError) stops the chain at once: falling through to the next would
    hide the breakage behind tokens of another origin.
    """

    def __init__(self, sources: list[TokenSource]) -> None:
        self.sources = sources

    def get(self, kind: str, arg: str | None = None) -> Token:
        enabling = ENABLING.get(kind, "a source for it")
        reasons: list[str] = []
        for source in self.sources:
            try:
                return source.get(kind, arg)
            except TokenUnavailable as exc:
                reason = str(exc)
                # A reason naming the generic options says nothing the summary does not.
                if reason and enabling not in reason and reason not in reasons:
                    reasons.append(reason)
        raise TokenUnavailable(
            "; ".join([f"no token source gives {kind!r}: give {enabling}", *reasons])
        )


class Tokens:
    """The test's view of the token source: unavailable kinds SKIP, broken sources ERROR."""

    def __init__(
        self,
        source: TokenSource,
        target: Target,
        failures: dict[str, str],
        declined: Callable[[str], str | None] = lambda kind: None,
    ) -> None:
        self.source = source
        self.target = target
        self.failures = failures  # the run's: a kind whose source broke is not asked again
        self.declined = declined  # why the vendor's capability statement offers no such kind

    def get(self, kind: str, arg: float | str | None = None) -> Token:
        fail_if_broken(self.target)
        if reason := self.declined(kind):
            pytest.skip(f"token kind {kind!r} not offered: {reason}")
        if kind in self.failures:
            raise TokenSourceError(f"{self.failures[kind]} (an earlier test's; not asked again)")
        text = None if arg is None else f"{arg:g}" if isinstance(arg, float) else str(arg)
        try:
            token = self.source.get(kind, text)
        except TokenUnavailable as exc:
            pytest.skip(f"token kind {kind!r} unavailable: {exc}")
        except TokenSourceError as exc:
            # Re-raised from here so the report shows the reason, not the source's internals;
            # the roll-up records it as ERROR (the check could not be made), not as a FAIL.
            self.failures[kind] = str(exc)
            raise TokenSourceError(str(exc)) from None
        provenance.source(token.value, kind, text)
        return token
