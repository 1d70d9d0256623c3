"""wsconform.jwt_forge: a strict verifier refuses every forgery, and each is what it claims."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from strict_jwt import strict_verify

from wsconform import jwt_forge


def test_base_token_verifies(base: str, key: ec.EllipticCurvePrivateKey) -> None:
    assert strict_verify(base, key.public_key())


FORGERIES = {
    "bad_signature": jwt_forge.bad_signature,
    "bad_signature_last_byte": lambda t: jwt_forge.bad_signature(t, -1, 0x80),
    "tampered_sub": lambda t: jwt_forge.tampered_claims(t, sub="admin"),
    "tampered_exp": lambda t: jwt_forge.tampered_claims(
        t, exp=jwt_forge.unverified_claims(t)["exp"] + 86400
    ),
    "tampered_exp_removed": lambda t: jwt_forge.tampered_claims(t, exp=jwt_forge.DELETE),
    **{
        f"alg_none_{v}": (lambda t, v=v: jwt_forge.alg_none(t, v))
        for v in jwt_forge.ALG_NONE_VARIANTS
    },
    "wrong_key": jwt_forge.wrong_key,
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_forgery_is_refused(name: str, base: str, key: ec.EllipticCurvePrivateKey) -> None:
    forged = FORGERIES[name](base)
    assert forged != base
    accepted = strict_verify(forged, key.public_key())
    assert not accepted


def test_alg_confusion_is_refused(
    base: str, key: ec.EllipticCurvePrivateKey, public_pem: bytes
) -> None:
    forged = jwt_forge.alg_confusion(base, public_pem)
    accepted = strict_verify(forged, key.public_key())
    assert not accepted


# --- each forgery is what it says it is (positive controls) -------------------------------------


def test_bad_signature_flips_exactly_one_decoded_byte(base: str) -> None:
    h, p, s = jwt_forge.segments(base)
    original = jwt_forge.b64url_decode(s)
    for index in range(len(original)):  # includes the last byte, whose char has padding bits
        fh, fp, fs = jwt_forge.segments(jwt_forge.bad_signature(base, index))
        flipped = jwt_forge.b64url_decode(fs)
        assert (fh, fp) == (h, p)
        assert [i for i in range(len(original)) if original[i] != flipped[i]] == [index]
        assert original[index] ^ flipped[index] == 0x01


def test_bad_signature_refuses_what_it_cannot_do(base: str) -> None:
    with pytest.raises(ValueError, match="mask"):
        jwt_forge.bad_signature(base, 0, 0)
    with pytest.raises(IndexError):
        jwt_forge.bad_signature(base, 64)
    with pytest.raises(ValueError, match="empty signature"):
        jwt_forge.bad_signature(jwt_forge.alg_none(base))


def test_tampered_claims_keeps_header_and_signature(base: str) -> None:
    h, _, s = jwt_forge.segments(base)
    forged = jwt_forge.tampered_claims(base, sub="admin", token="x", iat=jwt_forge.DELETE)
    fh, _, fs = jwt_forge.segments(forged)
    assert (fh, fs) == (h, s)
    claims = jwt_forge.unverified_claims(forged)
    assert claims["sub"] == "admin"
    assert claims["token"] == "x"  # positional-only `token`: a claim may be called token
    assert "iat" not in claims
    assert claims["exp"] == jwt_forge.unverified_claims(base)["exp"]


def test_tampered_claims_refuses_a_no_op(base: str) -> None:
    with pytest.raises(ValueError, match="byte-identical"):
        jwt_forge.tampered_claims(base)
    with pytest.raises(ValueError, match="byte-identical"):
        jwt_forge.tampered_claims(base, sub="user-1", nope=jwt_forge.DELETE)


@pytest.mark.parametrize("variant", jwt_forge.ALG_NONE_VARIANTS)
def test_alg_none_shape(base: str, variant: str) -> None:
    p = jwt_forge.segments(base)[1]
    forged = jwt_forge.alg_none(base, variant)
    assert forged.endswith(".")
    header, claims, signature = jwt_forge.split(forged)
    assert header == {**jwt_forge.split(base)[0], "alg": variant}
    assert jwt_forge.segments(forged)[1] == p
    assert claims == jwt_forge.unverified_claims(base)
    assert signature == b""


def test_alg_none_refuses_other_algs(base: str) -> None:
    with pytest.raises(ValueError):
        jwt_forge.alg_none(base, "HS256")


def test_wrong_key_keeps_header_and_claims(base: str, key: ec.EllipticCurvePrivateKey) -> None:
    forged = jwt_forge.wrong_key(base)
    header, claims, signature = jwt_forge.split(forged)
    assert header == jwt_forge.split(base)[0]  # alg ES256, typ, kid all kept
    assert claims == jwt_forge.unverified_claims(base)
    assert len(signature) == 64  # a well-formed P-256 signature, just by another key
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key.public_key(), algorithms=["ES256"])


@pytest.mark.parametrize("alg", ["HS256", "RS256", "ES384"])
def test_wrong_key_other_families(alg: str) -> None:
    keys: dict[str, Any] = {
        "HS256": (b"s" * 32, b"s" * 32),
        "RS256": (
            k := rsa.generate_private_key(public_exponent=65537, key_size=2048),
            k.public_key(),
        ),
        "ES384": (e := ec.generate_private_key(ec.SECP384R1()), e.public_key()),
    }
    signing, verifying = keys[alg]
    token = jwt.encode({"sub": "u", "exp": int(time.time()) + 60}, signing, algorithm=alg)
    forged = jwt_forge.wrong_key(token)
    assert jwt_forge.split(forged)[0]["alg"] == alg
    assert jwt_forge.unverified_claims(forged) == jwt_forge.unverified_claims(token)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, verifying, algorithms=[alg])


def test_alg_confusion_is_an_hmac_over_the_pem(base: str, public_pem: bytes) -> None:
    forged = jwt_forge.alg_confusion(base, public_pem)
    h, p, s = jwt_forge.segments(forged)
    assert jwt_forge.split(forged)[0] == {**jwt_forge.split(base)[0], "alg": "HS256"}
    assert p == jwt_forge.segments(base)[1]
    expected = hmac.new(public_pem, f"{h}.{p}".encode(), hashlib.sha256).digest()
    assert jwt_forge.b64url_decode(s) == expected  # a vulnerable server WOULD accept it
    with pytest.raises(jwt.InvalidKeyError):  # why it is built by hand
        jwt.decode(forged, public_pem, algorithms=["HS256"])
    with pytest.raises(ValueError):
        jwt_forge.alg_confusion(base, public_pem, alg="RS256")


# --- split / encode / claims ---------------------------------------------------------------------


def test_split_encode_round_trip(base: str) -> None:
    header, claims, signature = jwt_forge.split(base)
    assert header["alg"] == "ES256"
    assert claims["sub"] == "user-1"
    assert len(signature) == 64
    assert jwt_forge.encode(header, claims, signature) == base  # PyJWT is compact and sorted


@pytest.mark.parametrize(
    "token",
    [
        "a.b",
        "a.b.c.d",
        "",
        jwt_forge.b64url_encode(b"[]") + "." + jwt_forge.b64url_encode(b"{}") + ".",
        jwt_forge.b64url_encode(b"{}") + "." + jwt_forge.b64url_encode(b"1") + ".",
        jwt_forge.b64url_encode(b'{"a":1,"a":2}') + "." + jwt_forge.b64url_encode(b"{}") + ".",
        jwt_forge.b64url_encode(b'{"a":NaN}') + "." + jwt_forge.b64url_encode(b"{}") + ".",
        jwt_forge.b64url_encode(b"\xff{}") + "." + jwt_forge.b64url_encode(b"{}") + ".",
        jwt_forge.b64url_encode(b"[" * 100_000) + "." + jwt_forge.b64url_encode(b"{}") + ".",
        "e30.e30.AA==",
        "e30=.e30.",
    ],
)
def test_split_refuses_malformed(token: str) -> None:
    with pytest.raises(ValueError):
        jwt_forge.split(token)


def test_split_refuses_non_strings() -> None:
    with pytest.raises(TypeError):
        jwt_forge.split(b"e30.e30.")  # type: ignore[arg-type]


def test_unverified_claims_and_expires_at(base: str) -> None:
    claims = jwt_forge.unverified_claims(base)
    assert jwt_forge.expires_at(base) == float(claims["exp"])
    assert isinstance(jwt_forge.expires_at(base), float)
    assert jwt_forge.expires_at(jwt_forge.tampered_claims(base, exp=jwt_forge.DELETE)) is None
    with pytest.raises(ValueError):
        jwt_forge.expires_at(jwt_forge.tampered_claims(base, exp="soon"))
    with pytest.raises(ValueError):
        jwt_forge.expires_at(jwt_forge.tampered_claims(base, exp=True))


# --- base64url strictness ------------------------------------------------------------------------


@given(st.binary(max_size=128))
@settings(max_examples=200, derandomize=True)
def test_b64url_round_trip(data: bytes) -> None:
    text = jwt_forge.b64url_encode(data)
    assert re.fullmatch(r"[A-Za-z0-9_-]*", text)
    assert jwt_forge.b64url_decode(text) == data


@pytest.mark.parametrize(
    "segment",
    [
        "QQ==",
        "QQ=",
        "QUI=",
        "e30=",  # padding
        "ab+c",
        "ab/c",
        "ab c",
        "ab!c",
        "ab.c",  # characters outside the alphabet
        "QQ\n",
        "\nQQ",
        " QQ",
        "QQ ",
        "QUJ\u00e9",
        "A",
        "QUJDR",  # length 1 mod 4
        "QR",
        "QUJDRF",
        "QUF",  # non-zero padding bits (non-canonical)
    ],
)
def test_b64url_decode_is_strict(segment: str) -> None:
    with pytest.raises(ValueError):
        jwt_forge.b64url_decode(segment)


def test_b64url_canonical_examples() -> None:
    assert jwt_forge.b64url_decode("") == b""
    assert jwt_forge.b64url_decode("QQ") == b"A"
    assert jwt_forge.b64url_decode("QUI") == b"AB"
    assert jwt_forge.b64url_decode("-_8") == b"\xfb\xff"
    assert jwt_forge.b64url_encode(b"\xfb\xff") == "-_8"
    with pytest.raises(TypeError):
        jwt_forge.b64url_decode(b"QQ")  # type: ignore[arg-type]


def test_encode_is_compact_json() -> None:
    token = jwt_forge.encode({"alg": "none"}, {"a": [1, 2]}, b"")
    h, p, s = token.split(".")
    assert jwt_forge.b64url_decode(h) == b'{"alg":"none"}'
    assert json.loads(jwt_forge.b64url_decode(p)) == {"a": [1, 2]}
    assert jwt_forge.b64url_decode(p) == b'{"a":[1,2]}'
    assert s == ""
