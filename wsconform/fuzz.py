"""Hypothesis strategies for fuzzed tokens, drawn inside a test: `data.draw(fuzz.tokens(base))`.

Three families, each its own strategy: "jwt-structural" (`jwt_mutations`, mutations of a genuine
token, plus `alg_confusion_tokens` for when the server's public key is known), "opaque-text"
(`opaque_text`) and "wrong-json-type" (`wrong_json_types`). `tokens` combines all three.

Random search need not draw a given class in a given run, so `known_bad` lists one token of each
known-bad class (KNOWN_BAD): the suites try every one of them in every run, whatever the seed.

Guarantees:
- no token drawn from `tokens`, `jwt_mutations` or `alg_confusion_tokens`, and none `known_bad`
  lists, is the base token, or
  the base token with only whitespace or `=` padding added: a strict server must refuse them all,
  so a server that accepts one is at fault, not the suite;
- strategies are cached per base token (building one per example, as `data.draw(tokens(base))`
  does, would otherwise re-validate a large strategy tree every time);
- tokens are secrets, so no strategy's repr and no FuzzToken's repr (which is what Hypothesis
  prints in a falsifying example) ever shows a token in full. The base token is therefore never
  put into a strategy as a value (`st.just(base)` would print it); it lives in closures only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from hypothesis import strategies as st

from wsconform import jwt_forge

__all__ = [
    "FAMILIES",
    "KNOWN_BAD",
    "KNOWN_BAD_SHORT_STRINGS",
    "FuzzToken",
    "alg_confusion_tokens",
    "jwt_mutations",
    "known_bad",
    "opaque_text",
    "tokens",
    "wrong_json_types",
]

STRUCTURAL = "jwt-structural"
OPAQUE = "opaque-text"
WRONG_TYPE = "wrong-json-type"
FAMILIES = (STRUCTURAL, OPAQUE, WRONG_TYPE)

SHOWN_PREFIX = 4  # characters of a string shown in a repr, only when len >= 3 * SHOWN_PREFIX
HUGE_LENGTH = 64 * 1024


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


@dataclass(frozen=True, repr=False)
class FuzzToken:
    """One fuzzed token. Its repr never shows `value` in full (tokens are secrets)."""

    value: object
    family: str
    description: str

    def summary(self) -> str:
        """The value as shown: JSON type, size, at most a 4-character prefix, a short hash."""
        value = self.value
        kind = _json_type(value)
        if isinstance(value, str):
            prefix = f" {value[:SHOWN_PREFIX]!r}…" if len(value) >= 3 * SHOWN_PREFIX else ""
            return f"{kind} len={len(value)}{prefix} sha256:{_digest(value)}"
        size = f" len={len(value)}" if isinstance(value, list | tuple | dict) else ""
        return f"{kind}{size} sha256:{_digest(repr(value))}"

    def __repr__(self) -> str:
        return (
            f"FuzzToken(family={self.family!r}, description={self.description!r}, "
            f"value=<{self.summary()}>)"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis' pretty printer would otherwise print a dataclass field by field (or as the
        # `builds(...)` call that made it), value included; this hook takes precedence over both.
        printer.text(repr(self))


# --- the "no accidental valid token" guard ------------------------------------------------------

_WHITESPACE_OR_PADDING = re.compile(r"[\s=]+")


def _squeezed(text: str) -> str:
    return _WHITESPACE_OR_PADDING.sub("", text)


def _equivalent(value: object, base: str) -> bool:
    """True if `value` is `base`, give or take whitespace and `=` (what a lenient server strips)."""
    return isinstance(value, str) and _squeezed(value) == _squeezed(base)


def _guarded(strategy: st.SearchStrategy[FuzzToken], base: str) -> st.SearchStrategy[FuzzToken]:
    return strategy.filter(lambda token: not _equivalent(token.value, base))


# --- jwt-structural ------------------------------------------------------------------------------

CLAIM_EDGE_VALUES: tuple[object, ...] = (
    0,
    -1,
    2**31 - 1,
    2**63,
    1e308,
    "9999999999",
    None,
    True,
    False,
)
HEADER_INJECTIONS: tuple[tuple[str, object], ...] = (
    ("kid", "../../../../../../dev/null"),
    ("kid", "' OR '1'='1"),
    ("kid", ""),
    ("kid", 0),
    ("kid", None),
    ("kid", ["a", "b"]),
    ("jku", "https://jwks.attacker.invalid/.well-known/jwks.json"),
    ("x5u", "https://certs.attacker.invalid/cert.pem"),
)
NOT_AN_OBJECT: tuple[tuple[str, bytes], ...] = (
    ("JSON array", b'[{"alg":"ES256"}]'),
    ("empty JSON array", b"[]"),
    ("JSON number", b"0"),
    ("JSON string", b'"ES256"'),
    ("JSON null", b"null"),
    ("JSON true", b"true"),
)
NON_JSON_BYTES: tuple[bytes, ...] = (
    b"\x00",
    b"\xff\xfe\xfd",
    b"not json",
    b"{",
    b'{"alg":}',
    b"\xef\xbb\xbf{}",
)
INSERTED_CHARS = ("+", "/", "!", "$", ".", "~", "\u00e9", "\u20ac", "\U0001f511", "\u0430")
# A space or "=" merely *inserted* would be "the base token plus whitespace/padding", which a
# lenient-but-acceptable server may strip; these two replace a character instead.
SUBSTITUTED_CHARS = (" ", "=")
SEGMENT_NAMES = ("header", "payload", "signature")


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True


def _compact_json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def _with_segment(base: str, index: int, new_segment: str) -> str:
    parts = list(jwt_forge.segments(base))
    parts[index] = new_segment
    return ".".join(parts)


@functools.lru_cache(maxsize=16)
def _fixed_groups(base: str) -> dict[str, tuple[FuzzToken, ...]]:
    """Every deterministic mutation of `base` by kind, simplest first (what shrinking lands on).

    Each kind becomes its own branch of `jwt_mutations`, so that the few dozen fixed mutations
    are drawn about as often as the parameterised ones instead of sharing one branch.
    """
    header_seg, payload_seg, signature_seg = jwt_forge.segments(base)
    header, claims, _ = jwt_forge.split(base)
    found: dict[str, list[FuzzToken]] = {}
    group = found.setdefault("signature and alg", [])  # `add` appends to the current group

    def add(description: str, make: Callable[[], str]) -> None:
        try:
            value = make()
        except (ValueError, TypeError, IndexError):
            return  # not applicable to this token (e.g. no numeric exp to extend)
        if not _equivalent(value, base):
            group.append(FuzzToken(value, STRUCTURAL, description))

    add("bad signature: byte 0 ^ 0x01", lambda: jwt_forge.bad_signature(base))
    for variant in jwt_forge.ALG_NONE_VARIANTS:
        add(
            f"alg {variant!r}, empty signature",
            functools.partial(jwt_forge.alg_none, base, variant),
        )
    add("alg 'none', original signature kept", lambda: jwt_forge.alg_none(base) + signature_seg)
    add("signed with a fresh key of the same family", lambda: jwt_forge.wrong_key(base))

    group = found.setdefault("claims", [])
    sub, exp = claims.get("sub"), claims.get("exp")
    add("claims: sub='admin'", lambda: jwt_forge.tampered_claims(base, sub="admin"))
    if isinstance(sub, str):
        add(
            "claims: one character appended to sub",
            lambda: jwt_forge.tampered_claims(base, sub=sub + "x"),
        )
    if isinstance(exp, int) and not isinstance(exp, bool):
        add(
            "claims: exp extended by one year",
            lambda: jwt_forge.tampered_claims(base, exp=exp + 365 * 24 * 3600),
        )
    add("claims: extra claim admin=true", lambda: jwt_forge.tampered_claims(base, admin=True))
    add(
        "claims: same claims re-serialised with spaces (different bytes)",
        lambda: _with_segment(
            base, 1, jwt_forge.b64url_encode(json.dumps(claims, separators=(", ", ": ")).encode())
        ),
    )
    for claim in ("exp", "nbf", "iat"):
        for edge in CLAIM_EDGE_VALUES:
            add(
                f"claims: {claim}={json.dumps(edge)}, original signature",
                functools.partial(jwt_forge.tampered_claims, base, **{claim: edge}),
            )
    for claim in ("exp", "sub"):
        add(
            f"claims: {claim} removed, original signature",
            functools.partial(jwt_forge.tampered_claims, base, **{claim: jwt_forge.DELETE}),
        )
    add(
        "claims: all removed ({}), original signature",
        lambda: _with_segment(base, 1, jwt_forge.b64url_encode(b"{}")),
    )

    group = found.setdefault("shape", [])
    add("truncated: signature segment empty", lambda: f"{header_seg}.{payload_seg}.")
    add("truncated: two segments", lambda: f"{header_seg}.{payload_seg}")
    add("truncated: header segment only", lambda: header_seg)
    add("truncated: payload segment empty", lambda: f"{header_seg}..{signature_seg}")
    add("truncated: header segment empty", lambda: f".{payload_seg}.{signature_seg}")

    for index, name in enumerate(SEGMENT_NAMES[:2]):
        for what, data in NOT_AN_OBJECT:
            add(
                f"{name} is a {what}",
                functools.partial(_with_segment, base, index, jwt_forge.b64url_encode(data)),
            )
    group = found.setdefault("header injection", [])
    for key, value in HEADER_INJECTIONS:
        add(
            f"header {key}={json.dumps(value)} injected, original signature",
            lambda key=key, value=value: _with_segment(
                base, 0, jwt_forge.b64url_encode(_compact_json({**header, key: value}))
            ),
        )
    return {name: tuple(tokens) for name, tokens in found.items() if tokens}


def _fixed_mutations(base: str) -> tuple[FuzzToken, ...]:
    """All deterministic mutations of `base`, flat."""
    return tuple(token for group in _fixed_groups(base).values() for token in group)


def _segment_lengths(base: str) -> dict[str, tuple[int, int]]:
    """name -> (characters, decoded bytes) of each segment of `base`."""
    return {
        name: (len(seg), len(jwt_forge.b64url_decode(seg)))
        for name, seg in zip(SEGMENT_NAMES, jwt_forge.segments(base), strict=True)
    }


@functools.lru_cache(maxsize=16)
def jwt_mutations(base: str) -> st.SearchStrategy[FuzzToken]:
    """Structural mutations of the genuine compact JWS `base` (see the module docstring)."""
    jwt_forge.split(base)  # ValueError now, not mid-test, if base is not a compact JWS
    lengths = _segment_lengths(base)
    sig_bytes = lengths["signature"][1]

    def flipped(index: int, mask: int) -> FuzzToken:
        return FuzzToken(
            jwt_forge.bad_signature(base, index, mask),
            STRUCTURAL,
            f"bad signature: byte {index} ^ {mask:#04x}",
        )

    def truncated(name: str, drop: int) -> FuzzToken:
        index = SEGMENT_NAMES.index(name)
        data = jwt_forge.b64url_decode(jwt_forge.segments(base)[index])
        return FuzzToken(
            _with_segment(base, index, jwt_forge.b64url_encode(data[:-drop])),
            STRUCTURAL,
            f"truncated: last {drop} byte(s) of the {name} dropped",
        )

    def extended(extra: list[bytes]) -> FuzzToken:
        tail = "".join("." + jwt_forge.b64url_encode(chunk) for chunk in extra)
        shape = "5 segments (JWE-like)" if len(extra) == 2 else "4 segments"
        return FuzzToken(base + tail, STRUCTURAL, f"extra random segment(s): {shape}")

    def jwe_like(key: bytes, iv: bytes, tag: bytes) -> FuzzToken:
        header_seg, payload_seg, _ = jwt_forge.segments(base)
        parts = [
            header_seg,
            jwt_forge.b64url_encode(key),
            jwt_forge.b64url_encode(iv),
            payload_seg,
            jwt_forge.b64url_encode(tag),
        ]
        return FuzzToken(
            ".".join(parts), STRUCTURAL, "JWE-like: header, random key/iv, payload, random tag"
        )

    def bad_char(name: str, position: int, char: str) -> FuzzToken:
        index = SEGMENT_NAMES.index(name)
        segment = jwt_forge.segments(base)[index]
        if char in SUBSTITUTED_CHARS:
            new, how = segment[:position] + char + segment[position + 1 :], "replaces char"
        else:
            new, how = segment[:position] + char + segment[position:], "inserted at"
        return FuzzToken(
            _with_segment(base, index, new),
            STRUCTURAL,
            f"non-base64url {char!r} {how} {name}[{position}]",
        )

    def not_json(name: str, data: bytes) -> FuzzToken:
        index = SEGMENT_NAMES.index(name)
        return FuzzToken(
            _with_segment(base, index, jwt_forge.b64url_encode(data)),
            STRUCTURAL,
            f"{name} is base64url of {len(data)} non-JSON byte(s)",
        )

    # Positions strictly inside a segment, so an inserted character is never at its edge.
    inner = [name for name in SEGMENT_NAMES if lengths[name][0] >= 2]
    decodable = [name for name in SEGMENT_NAMES if lengths[name][1] >= 1]
    non_json = st.sampled_from(NON_JSON_BYTES) | st.binary(min_size=1, max_size=48).filter(
        lambda data: not _is_json(data)
    )

    parts: list[st.SearchStrategy[FuzzToken]] = [
        st.sampled_from(group) for group in _fixed_groups(base).values()
    ]
    if sig_bytes:
        parts.append(st.builds(flipped, st.integers(0, sig_bytes - 1), st.integers(1, 0xFF)))
    if decodable:
        parts.append(
            st.sampled_from(decodable).flatmap(
                lambda name: st.builds(truncated, st.just(name), st.integers(1, lengths[name][1]))
            )
        )
    parts.append(st.builds(extended, st.lists(st.binary(max_size=24), min_size=1, max_size=2)))
    parts.append(
        st.builds(
            jwe_like,
            st.binary(min_size=16, max_size=32),
            st.binary(min_size=12, max_size=12),
            st.binary(min_size=16, max_size=16),
        )
    )
    if inner:
        parts.append(
            st.sampled_from(inner).flatmap(
                lambda name: st.builds(
                    bad_char,
                    st.just(name),
                    st.integers(1, lengths[name][0] - 1),
                    st.sampled_from(INSERTED_CHARS + SUBSTITUTED_CHARS),
                )
            )
        )
    parts.append(st.builds(not_json, st.sampled_from(SEGMENT_NAMES[:2]), non_json))
    return _guarded(st.one_of(parts), base)


def _key_variants(public_key_pem: bytes) -> list[tuple[str, bytes]]:
    """The byte strings a confused server might use as its HMAC secret."""
    pem = bytes(public_key_pem)
    variants = {
        "PEM as given": pem,
        "PEM without trailing newline": pem.rstrip(b"\r\n"),
        "PEM with one more newline": pem + b"\n",
        "PEM with CRLF line ends": pem.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"),
    }
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        key = None
    if key is not None:
        variants["DER SubjectPublicKeyInfo"] = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        with contextlib.suppress(ValueError):  # PKCS#1 exists for RSA keys only
            variants["PEM PKCS#1"] = key.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
            )
    unique: dict[bytes, str] = {}
    for name, data in variants.items():
        unique.setdefault(data, name)
    return [(name, data) for data, name in unique.items()]


@functools.lru_cache(maxsize=16)
def alg_confusion_tokens(base: str, public_key_pem: bytes) -> st.SearchStrategy[FuzzToken]:
    """alg HS256/384/512 tokens MACed with (variants of) the server's public key bytes."""
    made = [
        FuzzToken(
            jwt_forge.alg_confusion(base, data, alg),
            STRUCTURAL,
            f"alg confusion: {alg} keyed with the public key ({name})",
        )
        for name, data in _key_variants(public_key_pem)
        for alg in ("HS256", "HS384", "HS512")
    ]
    return _guarded(
        st.sampled_from([token for token in made if not _equivalent(token.value, base)]), base
    )


# --- opaque-text ---------------------------------------------------------------------------------

B64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_HUGE_JWT_HEAD = jwt_forge.b64url_encode(b'{"alg":"none"}') + "."
OPAQUE_FIXED: tuple[tuple[str, str], ...] = (
    ("", "empty string"),
    (" ", "one space"),
    (" \t\r\n ", "ASCII whitespace only"),
    ("\u00a0\u2003\u3000", "Unicode whitespace only"),
    ("\x00", "NUL"),
    ("\x1b[31m", "ANSI escape"),
    ("\u202e", "right-to-left override"),
    ("\u200f\u200e\u061c", "direction marks"),
    ("\ufeff", "byte-order mark"),
    ("\U0001f511", "emoji"),
    ("null", "the word null"),
    ("a.b.c", "three one-character segments"),
    ("..", "two dots"),
    ("eyJ.eyJ.", "JWT-like prefixes, empty signature"),
    ("Bearer", "the word Bearer alone"),
    ("Bearer a.b.c", "Bearer + three one-character segments"),
    ("A" * HUGE_LENGTH, "64 KiB of 'A'"),
    (
        _HUGE_JWT_HEAD + "A" * (HUGE_LENGTH - len(_HUGE_JWT_HEAD) - 1) + ".",
        "64 KiB JWT-shaped (alg none header, huge payload)",
    ),
)
_WHITESPACE = " \t\n\r\x0b\x0c\x85\u00a0\u1680\u2000\u2007\u2028\u2029\u202f\u3000"
_EMOJI_AND_BIDI = (
    "\U0001f511",
    "\U0001f600",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\u2764\ufe0f",
    "\u202e",
    "\u202d",
    "\u200f",
    "\u200e",
    "\u061c",
    "\u2067",
    "\u0627",
    "\u05e9",
    "a",
    ".",
)


def _labelled(
    strategy: st.SearchStrategy[Any], family: str, description: str
) -> st.SearchStrategy[FuzzToken]:
    return st.builds(FuzzToken, strategy, st.just(family), st.just(description))


@functools.cache
def opaque_text() -> st.SearchStrategy[FuzzToken]:
    """Strings that are no JWT at all (whitespace, control characters, Unicode, near-JWT shapes)."""
    segment = st.text(alphabet=B64URL_ALPHABET, max_size=24)
    jwt_shaped = st.lists(segment, min_size=1, max_size=5).map(".".join)
    return st.one_of(
        st.sampled_from(
            [FuzzToken(value, OPAQUE, description) for value, description in OPAQUE_FIXED]
        ),
        _labelled(st.text(max_size=64), OPAQUE, "random Unicode text"),
        _labelled(
            st.text(alphabet=st.characters(categories=["Cc"]), min_size=1, max_size=16),
            OPAQUE,
            "control characters",
        ),
        _labelled(
            st.text(alphabet=_WHITESPACE, min_size=1, max_size=16), OPAQUE, "whitespace only"
        ),
        _labelled(
            st.lists(st.sampled_from(_EMOJI_AND_BIDI), min_size=1, max_size=16).map("".join),
            OPAQUE,
            "emoji and bidi marks",
        ),
        _labelled(jwt_shaped, OPAQUE, "random base64url segments"),
        _labelled(
            st.builds(
                lambda head, rest: "eyJ" + head + rest,
                segment,
                segment.map(lambda s: ".eyJ" + s + "."),
            ),
            OPAQUE,
            "eyJ-prefixed segments, empty signature",
        ),
        _labelled(
            st.builds(
                str.__add__,
                st.sampled_from(["Bearer ", "bearer ", "Bearer  ", "JWT ", "Token "]),
                jwt_shaped,
            ),
            OPAQUE,
            "auth-scheme prefix + random segments",
        ),
    )


# --- wrong-json-type -----------------------------------------------------------------------------


@functools.cache
def wrong_json_types() -> st.SearchStrategy[FuzzToken]:
    """JSON values of every type but string, where a token string is expected."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(2**64), 2**64)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=16)
    )
    keys = st.text(max_size=8)

    def containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3)

    nested = st.recursive(scalars, containers, max_leaves=8)
    return st.one_of(
        _labelled(
            st.sampled_from([0, 1, -1, 2**53 + 1, 2**63, 2**64]), WRONG_TYPE, "integer (edge value)"
        ),
        _labelled(st.integers(-(2**64), 2**64), WRONG_TYPE, "integer"),
        _labelled(
            st.sampled_from([0.0, -0.0, 0.5, 1e308, 5e-324]), WRONG_TYPE, "float (edge value)"
        ),
        _labelled(st.floats(allow_nan=False, allow_infinity=False), WRONG_TYPE, "float"),
        _labelled(st.booleans(), WRONG_TYPE, "boolean"),
        _labelled(st.none(), WRONG_TYPE, "null"),
        _labelled(st.sampled_from([[], [""], ["a.b.c"]]), WRONG_TYPE, "array (fixed)"),
        _labelled(st.lists(scalars, max_size=4), WRONG_TYPE, "array"),
        _labelled(
            st.sampled_from([{}, {"token": "a.b.c"}, {"jwt": "a.b.c", "type": "bearer"}]),
            WRONG_TYPE,
            "object (fixed)",
        ),
        _labelled(st.dictionaries(keys, scalars, max_size=4), WRONG_TYPE, "object"),
        _labelled(
            st.lists(nested, min_size=1, max_size=3)
            | st.dictionaries(keys, nested, min_size=1, max_size=3),
            WRONG_TYPE,
            "nested",
        ),
    )


# --- the known-bad classes, tried in every run ----------------------------------------------------

# Class id -> family. The ids are fixed here because they name the suites' tests (`[alg-none]`)
# at collection, while the tokens are built from a base token known only at run time.
KNOWN_BAD: dict[str, str] = {
    "alg-none": STRUCTURAL,
    "signature-stripped": STRUCTURAL,
    "signature-flipped": STRUCTURAL,
    "wrong-key": STRUCTURAL,
    "alg-confusion": STRUCTURAL,
    "header-tampered": STRUCTURAL,
    "payload-tampered": STRUCTURAL,
    "truncated": STRUCTURAL,
    "extra-segment": STRUCTURAL,
    "not-base64url": STRUCTURAL,
    "header-not-json": STRUCTURAL,
    "header-not-object": STRUCTURAL,
    "empty": OPAQUE,
    "whitespace-only": OPAQUE,
    "control-characters": OPAQUE,
    "huge-64kib": OPAQUE,
    "null": WRONG_TYPE,
    "number": WRONG_TYPE,
    "boolean": WRONG_TYPE,
    "object": WRONG_TYPE,
    "array": WRONG_TYPE,
}
HUGE = "huge-64kib"
# The string classes an HTTP header line can carry (servers cap one at a few KiB).
KNOWN_BAD_SHORT_STRINGS = tuple(
    name for name, family in KNOWN_BAD.items() if family != WRONG_TYPE and name != HUGE
)


def known_bad(base: str, public_key_pem: bytes | None = None) -> dict[str, FuzzToken]:
    """One token of each KNOWN_BAD class, by id, built from the genuine compact JWS `base`;
    "alg-confusion" only where the server's public key is known. None is `base` or `base` plus
    whitespace/padding (the guard of the strategies)."""
    header_seg, payload_seg, signature_seg = jwt_forge.segments(base)
    header, _, _ = jwt_forge.split(base)
    made: dict[str, tuple[str, Callable[[], object]]] = {
        "alg-none": ("alg 'none', empty signature", lambda: jwt_forge.alg_none(base)),
        "signature-stripped": ("signature segment empty", lambda: f"{header_seg}.{payload_seg}."),
        "signature-flipped": (
            "bad signature: byte 0 ^ 0x01",
            lambda: jwt_forge.bad_signature(base),
        ),
        "wrong-key": (
            "signed with a fresh key of the same family",
            lambda: jwt_forge.wrong_key(base),
        ),
        "header-tampered": (
            "header kid='../../../dev/null' injected, original signature",
            lambda: _with_segment(
                base,
                0,
                jwt_forge.b64url_encode(_compact_json({**header, "kid": "../../../dev/null"})),
            ),
        ),
        "payload-tampered": (
            "claims: sub='admin', original signature",
            lambda: jwt_forge.tampered_claims(base, sub="admin"),
        ),
        "truncated": ("two segments, no signature", lambda: f"{header_seg}.{payload_seg}"),
        "extra-segment": (
            "a fourth segment",
            lambda: f"{base}.{jwt_forge.b64url_encode(b'extra')}",
        ),
        "not-base64url": (
            "non-base64url '!' inserted at signature[1]",
            lambda: f"{header_seg}.{payload_seg}.{signature_seg[:1]}!{signature_seg[1:]}",
        ),
        "header-not-json": (
            "header is base64url of 'not json'",
            lambda: _with_segment(base, 0, jwt_forge.b64url_encode(b"not json")),
        ),
        "header-not-object": (
            "header is a JSON array",
            lambda: _with_segment(base, 0, jwt_forge.b64url_encode(b'[{"alg":"ES256"}]')),
        ),
        "empty": ("empty string", lambda: ""),
        "whitespace-only": ("ASCII whitespace only", lambda: " \t\r\n "),
        "control-characters": ("NUL and an ANSI escape", lambda: "\x00\x1b[31m"),
        HUGE: ("64 KiB of 'A'", lambda: "A" * HUGE_LENGTH),
        "null": ("null", lambda: None),
        "number": ("integer 0", lambda: 0),
        "boolean": ("true", lambda: True),
        "object": ("object with a token member", lambda: {"token": "a.b.c"}),
        "array": ("array of one token-like string", lambda: ["a.b.c"]),
    }
    if public_key_pem is not None:
        made["alg-confusion"] = (
            "alg confusion: HS256 keyed with the public key (PEM as given)",
            lambda: jwt_forge.alg_confusion(base, public_key_pem),
        )
    found = (
        (name, FuzzToken(made[name][1](), family, made[name][0]))
        for name, family in KNOWN_BAD.items()
        if name in made
    )
    return {name: token for name, token in found if not _equivalent(token.value, base)}


# --- all together --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def tokens(base: str) -> st.SearchStrategy[FuzzToken]:
    """Every family; none of the tokens is `base` or `base` plus whitespace/padding."""
    return _guarded(st.one_of(jwt_mutations(base), opaque_text(), wrong_json_types()), base)


def tokens_against(base: str, public_key_pem: bytes | None) -> st.SearchStrategy[FuzzToken]:
    """tokens(base), plus HS256 tokens keyed with the server's public key where it is known
    (the embedded mock's): algorithm confusion."""
    if public_key_pem is None:
        return tokens(base)
    return st.one_of(tokens(base), alg_confusion_tokens(base, public_key_pem))
