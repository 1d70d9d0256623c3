"""The mocks' token issuer: ES256 JWTs on the mock's clock, and their verification.

Kinds a test can ask for: valid, expired, short-lived <seconds>, limited (without the private
right). Forged kinds (bad signature, alg none, wrong key) are made by wsconform.jwt_forge from a
valid token, exactly as the suite makes them against a live server; `mint` offers them too so the
standalone mock's users can try them by hand.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from wsconform import jwt_forge
from wsconform.mock.clock import MockClock

ALGORITHM = "ES256"
PRIVATE_RIGHT = "private"
ALL_RIGHTS = ("public", PRIVATE_RIGHT)
TOKEN_KINDS = (
    "valid",
    "expired",
    "short-lived",
    "limited",
    "bad-signature",
    "alg-none",
    "wrong-key",
)


class Rejected(Exception):
    """A token the server must refuse; `malformed` separates unparseable from invalid."""

    def __init__(self, reason: str, *, malformed: bool) -> None:
        super().__init__(reason)
        self.malformed = malformed


@dataclass(frozen=True)
class Identity:
    subject: str
    rights: tuple[str, ...]
    expires_at: float


class TokenIssuer:
    def __init__(
        self,
        clock: MockClock,
        key: ec.EllipticCurvePrivateKey | None = None,
        lifetime: float = 300.0,
    ) -> None:
        self.clock = clock
        self.key = key or ec.generate_private_key(ec.SECP256R1())
        # Paradex: "JWTs expire after 5 minutes" (docs/facts/paradex.md § JWT lifetime)
        self.lifetime = lifetime
        self.revoked: set[str] = set()  # jti of the tokens refused from now on

    @classmethod
    def from_key_file(cls, clock: MockClock, path: Path, lifetime: float = 300.0) -> TokenIssuer:
        """Load the PEM key at `path`, creating it (mode 0600) on first use."""
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise ValueError(f"{path} does not hold an EC private key")
        else:
            key = ec.generate_private_key(ec.SECP256R1())
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            path.touch(mode=0o600)
            path.write_bytes(pem)
        return cls(clock, key, lifetime)

    @property
    def public_pem(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def issue(
        self,
        *,
        lifetime: float | None = None,
        rights: tuple[str, ...] = ALL_RIGHTS,
        issued_ago: float = 0.0,
        subject: str | None = None,
    ) -> str:
        now = self.clock.now() - issued_ago
        claims: dict[str, Any] = {
            "sub": subject or f"user-{secrets.token_hex(4)}",
            "iat": int(now),
            "exp": int(now + (self.lifetime if lifetime is None else lifetime)),
            "rights": list(rights),
            "jti": secrets.token_hex(8),
        }
        return self._signed(claims)

    def _signed(self, claims: dict[str, Any]) -> str:
        """The compact JWS of `claims`, ES256 (RFC 7518 §3.4: the signature is R || S, 32 bytes
        each). Signed with cryptography alone, not PyJWT (which verifies): `wsconform mint` runs
        once per token of a live run, and importing PyJWT was half its cost."""
        unsigned = jwt_forge.signing_input({"alg": ALGORITHM, "typ": "JWT"}, claims)
        der = self.key.sign(unsigned.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return f"{unsigned}.{jwt_forge.b64url_encode(signature)}"

    def mint(self, kind: str, arg: str | None = None) -> str:
        """One token of a named kind (for `wsconform mint` and the embedded token source)."""
        if kind == "valid":
            return self.issue()
        if kind == "expired":
            return self.issue(lifetime=60, issued_ago=120)
        if kind == "short-lived":
            if arg is None:
                raise ValueError("short-lived needs a lifetime in seconds")
            return self.issue(lifetime=float(arg))
        if kind == "limited":
            return self.issue(rights=("public",))
        if kind == "bad-signature":
            return jwt_forge.bad_signature(self.issue())
        if kind == "alg-none":
            return jwt_forge.alg_none(self.issue())
        if kind == "wrong-key":
            return jwt_forge.wrong_key(self.issue())
        raise ValueError(f"unknown token kind {kind!r}; kinds: {', '.join(TOKEN_KINDS)}")

    def revoke(self, token: str) -> None:
        """Refuse this token from now on, by its jti; Rejected if it is none of this issuer's
        (or revoked already). Sessions already made with it are the vendor mock's affair."""
        self.verify(token, check_expiry=False)
        jti = jwt_forge.unverified_claims(token).get("jti")
        if not isinstance(jti, str):
            raise Rejected("the token has no jti to revoke it by", malformed=False)
        self.revoked.add(jti)

    def verify(
        self,
        token: object,
        *,
        accept_alg_none: bool = False,
        check_expiry: bool = True,
        check_signature: bool = True,
    ) -> Identity:
        """The identity a token proves, or Rejected. The switches exist for defect modes only."""
        if not isinstance(token, str):
            raise Rejected(f"token is a JSON {type(token).__name__}, not a string", malformed=True)
        try:
            header, claims, _ = jwt_forge.split(token)
        except ValueError as exc:
            raise Rejected(f"not a compact JWS: {exc}", malformed=True) from None
        alg = header.get("alg")
        unsigned = isinstance(alg, str) and alg.lower() == "none"
        if unsigned and accept_alg_none:
            pass
        elif check_signature:
            import jwt  # here, not at the top: see _signed

            try:
                jwt.decode(
                    token,
                    self.key.public_key(),
                    algorithms=[ALGORITHM],
                    options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
                )
            except jwt.InvalidTokenError as exc:
                raise Rejected(f"signature or algorithm refused: {exc}", malformed=False) from None
        jti = claims.get("jti")
        if isinstance(jti, str) and jti in self.revoked:
            raise Rejected("revoked", malformed=False)
        return self._identity(claims, check_expiry)

    def _identity(self, claims: dict[str, Any], check_expiry: bool) -> Identity:
        exp, sub, rights = claims.get("exp"), claims.get("sub"), claims.get("rights", [])
        if not isinstance(exp, int | float) or isinstance(exp, bool):
            raise Rejected("exp claim missing or not a number", malformed=False)
        if not isinstance(sub, str) or not sub:
            raise Rejected("sub claim missing", malformed=False)
        if not isinstance(rights, list) or not all(isinstance(r, str) for r in rights):
            raise Rejected("rights claim is not a list of strings", malformed=False)
        now = self.clock.now()
        if check_expiry and exp <= now:
            raise Rejected(f"expired {now - exp:.0f} s ago", malformed=False)
        nbf = claims.get("nbf")
        if isinstance(nbf, int | float) and not isinstance(nbf, bool) and nbf > now:
            raise Rejected("not valid yet (nbf)", malformed=False)
        return Identity(sub, tuple(rights), float(exp))
