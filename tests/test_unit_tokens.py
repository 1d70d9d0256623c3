"""wsconform.tokens: the token command's contract (exit codes, one line, timeout, redaction)."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import time
from pathlib import Path

import pytest

from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer
from wsconform.redact import Redactor, mask
from wsconform.tokens import (
    CommandTokens,
    IssuerTokens,
    RedactingSource,
    Token,
    TokenSourceError,
    TokenUnavailable,
)


def command(tmp_path: Path, body: str) -> str:
    """A shell script in tmp_path, as the command line CommandTokens runs."""
    path = tmp_path / "token-command.sh"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return shlex.quote(str(path))


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return fields[0] != "Z"


def kill_if_alive(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture
def redactor() -> Redactor:
    return Redactor()


@pytest.mark.timed
def test_exit_zero_prints_a_token(tmp_path: Path, redactor: Redactor) -> None:
    """Exit 0 with one line on stdout gives a Token with that value (args passed through)."""
    source = CommandTokens(command(tmp_path, 'echo "tok-$1-$2-abcdef0123"'), redactor)
    token = source.get("short-lived", "5")
    assert token.value == "tok-short-lived-5-abcdef0123"
    assert token.kind == "short-lived"
    assert token.expires_at is not None
    assert abs(token.expires_at - (time.time() + 5)) < 2
    assert redactor.text(token.value) == mask(token.value)  # learnt as a secret


def test_opaque_token_without_lifetime_has_no_expiry(tmp_path: Path, redactor: Redactor) -> None:
    """An opaque valid token has expires_at None; a JWT's comes from its exp claim."""
    opaque = CommandTokens(command(tmp_path, "echo opaque-token-value"), redactor).get("valid")
    assert opaque.expires_at is None
    issuer = TokenIssuer(MockClock())
    jwt = issuer.mint("valid")
    (tmp_path / "jwt").write_text(jwt)
    token = CommandTokens(command(tmp_path, f"cat {tmp_path / 'jwt'}"), redactor).get("valid")
    assert token.value == jwt
    assert token.expires_at == issuer.verify(jwt).expires_at


def test_exit_three_is_unavailable(tmp_path: Path, redactor: Redactor) -> None:
    """Exit 3 means the kind is unavailable: TokenUnavailable, with the command's stderr."""
    source = CommandTokens(command(tmp_path, "echo 'no limited tokens here' >&2; exit 3"), redactor)
    with pytest.raises(TokenUnavailable, match="no limited tokens here"):
        source.get("limited")


def test_failure_stderr_is_redacted(tmp_path: Path, redactor: Redactor) -> None:
    """A failing command's stderr reaches TokenSourceError with registered secrets masked."""
    secret = "refresh-token-secret-77aa"
    redactor.add(secret)
    source = CommandTokens(
        command(tmp_path, f"echo 'refresh {secret} refused' >&2; exit 1"), redactor
    )
    with pytest.raises(TokenSourceError) as caught:
        source.get("valid")
    message = str(caught.value)
    assert "exit 1" in message
    assert secret not in message
    assert f"refresh {mask(secret)} refused" in message


def test_two_lines_is_an_error(tmp_path: Path, redactor: Redactor) -> None:
    """A command printing two lines breaks the one-token contract: TokenSourceError."""
    source = CommandTokens(command(tmp_path, "echo first-token; echo second-token"), redactor)
    with pytest.raises(TokenSourceError, match="exactly one token"):
        source.get("valid")


def test_empty_output_is_an_error(tmp_path: Path, redactor: Redactor) -> None:
    """A command printing nothing (exit 0) is a TokenSourceError."""
    with pytest.raises(TokenSourceError, match="exactly one token"):
        CommandTokens(command(tmp_path, "true"), redactor).get("valid")


@pytest.mark.timed
def test_slow_command_times_out_quickly(tmp_path: Path, redactor: Redactor) -> None:
    """A command slower than the timeout raises TokenSourceError soon after the timeout."""
    pidfile = tmp_path / "pid"
    source = CommandTokens(
        command(tmp_path, f"echo $$ > {pidfile}; exec sleep 5"), redactor, timeout=0.5
    )
    start = time.monotonic()
    try:
        with pytest.raises(TokenSourceError, match=r"within 0\.5 s"):
            source.get("valid")
        assert time.monotonic() - start < 1.5
    finally:
        if pidfile.exists():
            kill_if_alive(int(pidfile.read_text()))


def test_timed_out_command_is_killed(tmp_path: Path, redactor: Redactor) -> None:
    """After a timeout, the token command's process is no longer running."""
    pidfile = tmp_path / "pid"
    source = CommandTokens(
        command(tmp_path, f"echo $$ > {pidfile}; exec sleep 5"), redactor, timeout=0.5
    )
    try:
        with pytest.raises(TokenSourceError):
            source.get("valid")
        pid = int(pidfile.read_text())
        time.sleep(0.05)
        assert not alive(pid)
    finally:
        if pidfile.exists():
            kill_if_alive(int(pidfile.read_text()))


def test_token_repr_never_shows_the_value() -> None:
    """repr()/str() of a Token (alone or in a container) never contain its value."""
    token = Token("eyJsecret-token-value-0123456789", "valid", None)
    for shown in (repr(token), str(token), f"{[token]}", f"{ {'t': token} }"):
        assert token.value not in shown
        assert "valid" in shown


def test_redacting_source_registers_and_checks_kinds(redactor: Redactor) -> None:
    """RedactingSource registers every token it hands out and refuses unknown kinds."""
    source = RedactingSource(IssuerTokens(TokenIssuer(MockClock())), redactor)
    token = source.get("limited")
    assert token.value not in redactor.text(f"x{token.value}x")
    with pytest.raises(ValueError, match="unknown token kind"):
        source.get("bad-signature")
