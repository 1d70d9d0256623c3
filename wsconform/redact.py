"""Secret redaction: no token or signature ever leaves the suite in full.

A secret shows as its first 4 characters (only when it is long enough for that to reveal nothing
useful) and a short hash, so two occurrences of one token can still be matched up in a transcript.
Registered secrets are replaced wherever they appear (raw or JSON-escaped); anything shaped like a
JWT, any base64url run as long as a signature, and any Authorization/Cookie header value is
redacted even if nobody registered it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shlex
import threading
from collections.abc import Iterable

MIN_SECRET_LENGTH = 8  # shorter strings (fuzzed "a", " ") are not secrets and would shred text
SHOWN_PREFIX = 4
SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})

_JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.?[A-Za-z0-9_-]*")
# A base64url run as long as the shortest JWS signature (HS256: 43 chars). It catches pieces of
# tokens that no longer match whole: pytest's saferepr shows a long string as `head...tail`.
# Only mixed-case runs: random base64url of that length is mixed-case but for odds of ~1e-10,
# while long snake_case names (test ids, which must stay readable) never are.
_LONG_BASE64URL = re.compile(r"[A-Za-z0-9_-]{43,}")


# A command line's secrets (issue 21 §4): the value of an option or KEY=VALUE whose name says it
# is one, and any long word that is random enough and no path (a key given as an argument).
_SECRET_NAME = re.compile(r"secret|token|passw|pwd|key|auth|credential|private|bearer", re.I)
_PATH_LIKE = re.compile(r".*/.*|[\w.-]+\.(pem|key|crt|json|toml|txt|env)")
RANDOM_LENGTH = 16  # characters: shorter words are kinds, flags and names
RANDOM_BITS = 3.0  # bits of entropy per character: hex is 4, English words about 2.5-3


def _random(word: str) -> bool:
    counts = {c: word.count(c) for c in set(word)}
    bits = -sum(n / len(word) * math.log2(n / len(word)) for n in counts.values())
    return len(word) >= RANDOM_LENGTH and bits >= RANDOM_BITS and any(c.isdigit() for c in word)


def command_secrets(command: str) -> list[str]:
    """The words of a shell command that are secrets (see _SECRET_NAME and _random); paths,
    options and plain words stay."""
    try:
        words = shlex.split(command)
    except ValueError:  # unbalanced quotes: the shell would refuse it too; judge the words
        words = command.split()
    found = []
    for before, word in zip(["", *words], words, strict=False):
        name, equals, value = word.partition("=")
        if equals and _SECRET_NAME.search(name) and value:
            found.append(value)
        elif word.startswith("-") or _PATH_LIKE.fullmatch(word):
            continue
        elif (before.startswith("-") and _SECRET_NAME.search(before)) or _random(word):
            found.append(word)
    return [secret for secret in found if len(secret) >= MIN_SECRET_LENGTH]


def masked_command(command: str) -> str:
    """The command as it may be recorded: its secrets (command_secrets) masked."""
    for secret in sorted(command_secrets(command), key=len, reverse=True):
        command = command.replace(secret, mask(secret))
    return command


# hypothesis' `@reproduce_failure('<version>', b'<base64>')`, kept as one piece by split().
_REPRODUCE_BLOB = re.compile(r"(@reproduce_failure\('[^']*', b'[A-Za-z0-9+/=]*'\))")


def _mask_if_random(match: re.Match[str]) -> str:
    run = match.group(0)
    mixed = any(c.isupper() for c in run) and any(c.islower() for c in run)
    return mask(run) if mixed else run


def mask(secret: str) -> str:
    """The redacted form of one secret: `eyJh…[sha256:1a2b3c4d]`."""
    digest = hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    prefix = secret[:SHOWN_PREFIX] if len(secret) >= 3 * SHOWN_PREFIX else ""
    return f"{prefix}…[sha256:{digest}]"


class Redactor:
    """Knows the secrets of a run; thread-safe because mocks and probes share it."""

    def __init__(self) -> None:
        self._masks: dict[str, str] = {}  # every registered form → its mask
        self._longest_first: list[str] = []
        self._credentials: set[str] = set()  # the real secrets among them: see `leaks`
        self._lock = threading.Lock()

    def add(self, secret: object) -> None:
        """Register a secret (non-strings and short strings are ignored)."""
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
            return
        forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
        with self._lock:
            new = [f for f in forms if f not in self._masks and len(f) >= MIN_SECRET_LENGTH]
            if not new:
                return
            shown = mask(secret)  # every form of one secret masks alike
            self._masks.update(dict.fromkeys(new, shown))
            # Longest first, so a secret that contains another is replaced whole.
            self._longest_first = sorted(self._masks, key=len, reverse=True)

    @classmethod
    def knowing(cls, credentials: Iterable[object]) -> Redactor:
        """A redactor that knows a run's configured credentials from the start."""
        redactor = cls()
        for secret in credentials:
            redactor.add_credential(secret)
        return redactor

    def add_credential(self, secret: object) -> None:
        """Register a real credential (a token source's token, a client secret): unlike the
        fuzzed and forged tokens a test sends, one must never appear anywhere in full."""
        self.add(secret)
        if isinstance(secret, str) and len(secret) >= MIN_SECRET_LENGTH:
            with self._lock:
                self._credentials.add(secret)

    def text(self, text: str) -> str:
        # Substring tests, not one regex alternation: a fuzz run registers thousands of
        # secrets, and recompiling an alternation of them per call dominated the run time.
        with self._lock:
            secrets = self._longest_first
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, self._masks[secret])
        # A @reproduce_failure blob stays whole (it encodes hypothesis' choices, never a token:
        # tests/test_failure_report.py); registered secrets are masked in it all the same.
        parts = _REPRODUCE_BLOB.split(text)
        for i in range(0, len(parts), 2):  # the text between blobs
            shaped = _JWT_SHAPE.sub(lambda m: mask(m.group(0)), parts[i])
            parts[i] = _LONG_BASE64URL.sub(_mask_if_random, shaped)
        return "".join(parts)

    def leaks(self, text: str) -> bool:
        """Whether `text` holds a registered credential in full (a last check on evidence)."""
        with self._lock:
            credentials = list(self._credentials)
        return any(secret in text for secret in credentials)

    def header(self, name: str, value: str) -> str:
        if name.lower() not in SENSITIVE_HEADERS:
            return self.text(value)
        scheme, _, credential = value.partition(" ")
        if credential:
            return f"{scheme} {mask(credential)}"
        return mask(value)
