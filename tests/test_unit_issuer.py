"""wsconform.mock.issuer and clock: tokens verify, expire, and are refused as they should be."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import PRIVATE_RIGHT, Rejected, TokenIssuer

FORGED = ("bad-signature", "alg-none", "wrong-key")


@pytest.fixture
def clock() -> MockClock:
    return MockClock()


@pytest.fixture
def issuer(clock: MockClock) -> TokenIssuer:
    return TokenIssuer(clock)


def test_valid_token_verifies(issuer: TokenIssuer, clock: MockClock) -> None:
    """mint("valid") verifies, with all rights and a 5-minute expiry."""
    identity = issuer.verify(issuer.mint("valid"))
    assert identity.subject.startswith("user-")
    assert PRIVATE_RIGHT in identity.rights
    assert 298 <= identity.expires_at - clock.now() <= 300


def test_expired_token_is_rejected_not_malformed(issuer: TokenIssuer) -> None:
    """mint("expired") is refused as invalid (malformed=False)."""
    with pytest.raises(Rejected, match="expired") as caught:
        issuer.verify(issuer.mint("expired"))
    assert caught.value.malformed is False


def test_short_lived_token_expires_when_clock_advances(
    issuer: TokenIssuer, clock: MockClock
) -> None:
    """A short-lived 5 s token verifies now and is refused after clock.advance(6)."""
    token = issuer.mint("short-lived", "5")
    issuer.verify(token)
    clock.advance(6)
    with pytest.raises(Rejected) as caught:
        issuer.verify(token)
    assert caught.value.malformed is False


def test_short_lived_needs_a_lifetime_and_unknown_kinds_fail(issuer: TokenIssuer) -> None:
    """mint("short-lived") without seconds and unknown kinds raise ValueError."""
    with pytest.raises(ValueError, match="short-lived"):
        issuer.mint("short-lived")
    with pytest.raises(ValueError, match="unknown token kind"):
        issuer.mint("platinum")


def test_limited_token_lacks_private_right(issuer: TokenIssuer) -> None:
    """mint("limited") verifies but carries only the public right."""
    identity = issuer.verify(issuer.mint("limited"))
    assert PRIVATE_RIGHT not in identity.rights
    assert identity.rights == ("public",)


@pytest.mark.parametrize("kind", FORGED)
def test_forged_tokens_are_rejected(issuer: TokenIssuer, kind: str) -> None:
    """Forged kinds are refused as invalid (well-formed but untrusted)."""
    with pytest.raises(Rejected) as caught:
        issuer.verify(issuer.mint(kind))
    assert caught.value.malformed is False


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "", "..", "eyJ.eyJ.", "x.y.z.w"])
def test_malformed_strings_are_rejected_as_malformed(issuer: TokenIssuer, token: str) -> None:
    """Strings that are no compact JWS raise Rejected(malformed=True)."""
    with pytest.raises(Rejected) as caught:
        issuer.verify(token)
    assert caught.value.malformed is True


@pytest.mark.parametrize("token", [None, 42, 1.5, True, ["a.b.c"], {"bearer": "x"}, b"a.b.c"])
def test_non_strings_are_malformed(issuer: TokenIssuer, token: object) -> None:
    """A token that is not a string raises Rejected(malformed=True) naming its type."""
    with pytest.raises(Rejected, match="not a string") as caught:
        issuer.verify(token)
    assert caught.value.malformed is True


def test_accept_alg_none_accepts_only_unsigned(issuer: TokenIssuer) -> None:
    """accept_alg_none lets alg-none in, but still refuses bad signatures, wrong keys, expiry."""
    issuer.verify(issuer.mint("alg-none"), accept_alg_none=True)
    issuer.verify(issuer.mint("valid"), accept_alg_none=True)
    for kind in ("bad-signature", "wrong-key", "expired"):
        with pytest.raises(Rejected):
            issuer.verify(issuer.mint(kind), accept_alg_none=True)


def test_check_expiry_off_accepts_only_expired(issuer: TokenIssuer) -> None:
    """check_expiry=False lets expired tokens in, but still refuses every forgery."""
    issuer.verify(issuer.mint("expired"), check_expiry=False)
    for kind in FORGED:
        with pytest.raises(Rejected):
            issuer.verify(issuer.mint(kind), check_expiry=False)


def test_check_signature_off_accepts_forged_signatures(issuer: TokenIssuer) -> None:
    """check_signature=False lets bad-signature and wrong-key in, but still checks expiry."""
    issuer.verify(issuer.mint("bad-signature"), check_signature=False)
    issuer.verify(issuer.mint("wrong-key"), check_signature=False)
    with pytest.raises(Rejected, match="expired"):
        issuer.verify(issuer.mint("expired"), check_signature=False)
    with pytest.raises(Rejected) as caught:
        issuer.verify("not-a-jwt", check_signature=False)
    assert caught.value.malformed is True


def test_tokens_of_another_issuer_are_rejected(clock: MockClock) -> None:
    """A token from a different key does not verify."""
    with pytest.raises(Rejected):
        TokenIssuer(clock).verify(TokenIssuer(clock).mint("valid"))


def test_key_file_is_created_0600_and_shared(tmp_path: Path, clock: MockClock) -> None:
    """from_key_file creates a 0600 PEM on first use; two issuers on it trust each other."""
    path = tmp_path / "mock-key.pem"
    first = TokenIssuer.from_key_file(clock, path)
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    second = TokenIssuer.from_key_file(MockClock(), path)
    assert second.public_pem == first.public_pem
    second.verify(first.mint("valid"))
    first.verify(second.mint("valid"))


def test_key_file_with_non_ec_key_is_refused(tmp_path: Path, clock: MockClock) -> None:
    """A key file holding a non-EC key raises ValueError."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    path = tmp_path / "ed.pem"
    path.write_bytes(
        ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(ValueError, match="EC private key"):
        TokenIssuer.from_key_file(clock, path)


def test_clock_only_moves_forward(clock: MockClock) -> None:
    """MockClock.advance(-1) raises; advance(n) moves now() forward by n."""
    before = clock.now()
    clock.advance(100)
    assert 100 <= clock.now() - before < 101
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_a_frozen_clock_moves_only_when_advanced_and_never_goes_back(monkeypatch):
    wall = iter(range(1000, 2000, 7))  # each call of time.time: 7 s later
    monkeypatch.setattr("wsconform.mock.clock.time.time", lambda: float(next(wall)))
    clock = MockClock()
    with clock.frozen():
        held = clock.now()
        assert clock.now() == held
        clock.advance(30)
        assert clock.now() == held + 30
    assert clock.now() >= held + 30  # thawed: runs on from where it stood
    with pytest.raises(ValueError):
        clock.advance(-1)
