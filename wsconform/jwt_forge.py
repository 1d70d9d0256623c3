"""Forged tokens: turn one genuine compact JWS/JWT into tokens a correct server MUST refuse.

Everything here is a pure function on strings (plus fresh random keys where a key is needed);
nothing talks to the network and nothing needs the server's private key. Segments that a forgery
does not change are copied verbatim, never re-serialised, so each forgery differs from the genuine
token only where it says it does. Each forgery is noted in the test's transcript
(wsconform.provenance), so that a replay can forge a fresh token alike.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from wsconform.provenance import step

__all__ = [
    "ALG_NONE_VARIANTS",
    "DELETE",
    "alg_confusion",
    "alg_none",
    "b64url_decode",
    "b64url_encode",
    "bad_signature",
    "encode",
    "expires_at",
    "segments",
    "signing_input",
    "split",
    "tampered_claims",
    "unverified_claims",
    "wrong_key",
]

ALG_NONE_VARIANTS = ("none", "None", "NONE", "nOnE")

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_HMAC_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
_EC_CURVES = {
    "ES256": ec.SECP256R1,
    "ES384": ec.SECP384R1,
    "ES512": ec.SECP521R1,
    "ES256K": ec.SECP256K1,
}


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()
"""Pass as a claim's value to `tampered_claims` to remove that claim."""


# --- base64url (RFC 7515 §2: no padding, no other characters) ---------------------------------


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    """Strict base64url: only `[A-Za-z0-9_-]`, no padding, canonical trailing bits."""
    if not isinstance(segment, str):
        raise TypeError(f"a base64url segment is a str, not {type(segment).__name__}")
    if not _B64URL.fullmatch(segment):
        raise ValueError("base64url segment holds a character outside [A-Za-z0-9_-]")
    if len(segment) % 4 == 1:
        raise ValueError("base64url segment has an impossible length (1 mod 4)")
    data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if b64url_encode(data) != segment:
        raise ValueError("base64url segment has non-zero padding bits (not canonical)")
    return data


# --- compact serialisation -----------------------------------------------------------------------


def _json_bytes(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("JSON object has duplicate member names")
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"JSON holds the non-standard constant {name}")


def _json_object(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(
            b64url_decode(segment),
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
        )
    except RecursionError:
        raise ValueError(f"{what} is nested too deeply") from None
    if not isinstance(value, dict):
        raise ValueError(f"{what} is a JSON {type(value).__name__}, not an object")
    return value


def segments(token: str) -> tuple[str, str, str]:
    """The three raw segments of a compact JWS (header, payload, signature), unchecked."""
    if not isinstance(token, str):
        raise TypeError(f"a token is a str, not {type(token).__name__}")
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError(f"a compact JWS has 3 segments, this has {len(parts)}")
    return parts[0], parts[1], parts[2]


def split(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    """(header, claims, signature) of a compact JWS; ValueError if it is not well-formed."""
    header, payload, signature = segments(token)
    return (
        _json_object(header, "header"),
        _json_object(payload, "claims"),
        b64url_decode(signature),
    )


def signing_input(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """The first two segments of a compact JWS: what its signature signs (RFC 7515 §5.1)."""
    return f"{b64url_encode(_json_bytes(header))}.{b64url_encode(_json_bytes(claims))}"


def encode(header: dict[str, Any], claims: dict[str, Any], signature: bytes) -> str:
    return f"{signing_input(header, claims)}.{b64url_encode(signature)}"


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims, WITHOUT any signature check: for scheduling (expiry), never for trust."""
    return split(token)[1]


def expires_at(token: str) -> float | None:
    """The `exp` claim as a float, None if absent; ValueError if it is not a number."""
    exp = unverified_claims(token).get("exp")
    if exp is None:
        return None
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise ValueError(f"exp claim is a JSON {type(exp).__name__}, not a number")
    return float(exp)


# --- forgeries -----------------------------------------------------------------------------------


@step  # a replay makes the same forgery of a fresh token
def bad_signature(token: str, index: int = 0, mask: int = 0x01) -> str:
    """Header and payload verbatim; signature byte `index` XOR `mask` (decode, flip, re-encode).

    Never flip a base64 character instead: the last character of a segment carries padding bits a
    decoder ignores, so a flipped character can decode to the very same signature.
    """
    header, payload, signature = segments(token)
    sig = bytearray(b64url_decode(signature))
    if not sig:
        raise ValueError("token has an empty signature: nothing to corrupt")
    if not 1 <= mask <= 0xFF:
        raise ValueError(f"mask must be 1..255, got {mask}")
    sig[index] ^= mask  # IndexError if out of range, like any sequence
    return f"{header}.{payload}.{b64url_encode(bytes(sig))}"


@step
def tampered_claims(token: str, /, **changes: Any) -> str:
    """Claims changed (a value of DELETE removes the claim); header and signature verbatim."""
    header, payload, signature = segments(token)
    claims = dict(_json_object(payload, "claims"))
    for name, value in changes.items():
        if value is DELETE:
            claims.pop(name, None)
        else:
            claims[name] = value
    new_payload = b64url_encode(_json_bytes(claims))
    if new_payload == payload:
        raise ValueError("these changes leave the claims segment byte-identical")
    return f"{header}.{new_payload}.{signature}"


@step
def alg_none(token: str, variant: str = "none") -> str:
    """Header alg set to a spelling of "none", payload verbatim, empty signature."""
    if variant.lower() != "none":
        raise ValueError(f"{variant!r} is not a spelling of 'none'")
    header, payload, _ = segments(token)
    new_header = dict(_json_object(header, "header"), alg=variant)
    return f"{b64url_encode(_json_bytes(new_header))}.{payload}."


def _fresh_key(alg: str) -> Any:
    if alg in _HMAC_HASHES:
        return secrets.token_bytes(64)
    if alg in _EC_CURVES:
        return ec.generate_private_key(_EC_CURVES[alg]())
    if alg[:2] in ("RS", "PS"):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg in ("EdDSA", "Ed25519"):
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"no key family known for alg {alg!r}")


@step
def wrong_key(token: str) -> str:
    """Same header fields and claims, signed with a freshly generated key of the same family."""
    header, claims, _ = split(token)
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise ValueError("header has no alg")
    extra = {k: v for k, v in header.items() if k != "alg"}
    import jwt  # here: a token issuer imports this module, and PyJWT's import is costly

    return jwt.encode(claims, _fresh_key(alg), algorithm=alg, headers=extra)


# Invalid tokens made from a valid one, by name: what every profile's documents say a server
# refuses (the suites' rejection tests and the lifecycle machines draw from it).
FORGED: dict[str, Callable[[str], str]] = {
    "bad-signature": bad_signature,
    "alg-none": alg_none,
    "wrong-key": wrong_key,
}


@step
def alg_confusion(token: str, public_key_pem: bytes, alg: str = "HS256") -> str:
    """Header alg HS256, HMAC over `header.payload` keyed with the server's public key bytes.

    Built by hand: PyJWT refuses a PEM as an HMAC secret on purpose.
    """
    if alg not in _HMAC_HASHES:
        raise ValueError(f"{alg!r} is not an HMAC alg")
    header, payload, _ = segments(token)
    new_header = b64url_encode(_json_bytes(dict(_json_object(header, "header"), alg=alg)))
    signing_input = f"{new_header}.{payload}".encode("ascii")
    mac = hmac.new(bytes(public_key_pem), signing_input, _HMAC_HASHES[alg]).digest()
    return f"{new_header}.{payload}.{b64url_encode(mac)}"
