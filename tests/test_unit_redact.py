"""wsconform.redact: no registered secret or JWT-shaped string survives redaction."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from wsconform import redact
from wsconform.redact import MIN_SECRET_LENGTH, Redactor, mask

JWT = (
    "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJ1c2VyLTEyMyIsImV4cCI6MTcwMDAwMDAwMH0"
    ".c2lnbmF0dXJlLWJ5dGVzLWhlcmUtYW5kLW1vcmU"
)


def digest8(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:8]


@pytest.fixture
def redactor() -> Redactor:
    return Redactor()


def test_registered_secret_is_replaced_by_its_mask(redactor: Redactor) -> None:
    """A registered secret is gone from the output and its mask stands in its place."""
    secret = "s3cr3t-t0ken-value-0123456789"
    redactor.add(secret)
    out = redactor.text(f"auth with {secret} please")
    assert secret not in out
    assert out == f"auth with {mask(secret)} please"


@pytest.mark.parametrize(
    "secret",
    [
        'quote"inside-the-secret',
        "back\\slash\\secret-value",
        "unicodé-sécret-ünïcode",
        "emoji-😀-secret-value",
        'all"of\\them-ü-\t-tab',
    ],
)
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_json_escaped_forms_are_masked(redactor: Redactor, secret: str, ensure_ascii: bool) -> None:
    """A secret embedded in JSON (escaped quotes, backslashes, \\u escapes) is still masked."""
    redactor.add(secret)
    escaped = json.dumps(secret, ensure_ascii=ensure_ascii)[1:-1]
    out = redactor.text(json.dumps({"bearer": secret}, ensure_ascii=ensure_ascii))
    assert secret not in out
    assert escaped not in out
    assert mask(secret) in out


def test_mask_shows_prefix_only_for_long_secrets() -> None:
    """Secrets of 12+ chars show their first 4 chars; shorter ones show none; both add sha256:8."""
    long_secret = "ABCDEFGHIJKL"  # exactly 12
    short_secret = "ABCDEFGHIJK"  # 11
    assert mask(long_secret) == f"ABCD…[sha256:{digest8(long_secret)}]"
    assert mask(short_secret) == f"…[sha256:{digest8(short_secret)}]"
    assert "ABCDE" not in mask(long_secret)


def test_mask_matches_between_occurrences(redactor: Redactor) -> None:
    """Two occurrences of one secret get the same mask, so they can be matched up."""
    secret = "same-token-twice-0000"
    redactor.add(secret)
    out = redactor.text(f"{secret} and {secret}")
    assert out == f"{mask(secret)} and {mask(secret)}"


def test_short_secrets_and_non_strings_are_ignored(redactor: Redactor) -> None:
    """Strings shorter than MIN_SECRET_LENGTH (8) and non-strings are not registered."""
    short = "x" * (MIN_SECRET_LENGTH - 1)
    redactor.add(short)
    redactor.add(12345678)
    redactor.add(None)
    text = f"{short} 12345678 None"
    assert redactor.text(text) == text


def test_eight_char_secret_is_registered(redactor: Redactor) -> None:
    """A secret of exactly MIN_SECRET_LENGTH chars is masked (no prefix shown)."""
    secret = "k" * MIN_SECRET_LENGTH
    redactor.add(secret)
    assert redactor.text(f"<{secret}>") == f"<{mask(secret)}>"


def test_secret_containing_another_is_masked_whole(redactor: Redactor) -> None:
    """When one secret contains another, the longer one is replaced as a whole."""
    inner = "inner-secret-123"
    outer = f"OUTER-{inner}-TAIL"
    redactor.add(inner)  # registered first on purpose
    redactor.add(outer)
    out = redactor.text(f"[{outer}] [{inner}]")
    assert out == f"[{mask(outer)}] [{mask(inner)}]"
    assert "-TAIL" not in out


@pytest.mark.parametrize(
    "token",
    [JWT, JWT.rsplit(".", 1)[0] + "."],  # signed, and alg-none style with an empty signature
)
def test_unregistered_jwt_shapes_are_masked(redactor: Redactor, token: str) -> None:
    """Anything shaped like a JWT (eyJ….….…) is masked even if nobody registered it."""
    out = redactor.text(f'{{"bearer":"{token}"}}')
    assert token not in out
    assert token.split(".")[1] not in out
    assert mask(token) in out


def test_authorization_header_keeps_scheme(redactor: Redactor) -> None:
    """Authorization: the scheme stays readable, the credential is masked even unregistered."""
    credential = "opaque-credential-value"
    assert redactor.header("Authorization", f"Bearer {credential}") == f"Bearer {mask(credential)}"
    assert redactor.header("authorization", "Basic dXNlcjpwYXNz") == (
        f"Basic {mask('dXNlcjpwYXNz')}"
    )


def test_cookie_header_without_scheme_is_masked_whole(redactor: Redactor) -> None:
    """A sensitive header value without a space is masked as one credential."""
    assert redactor.header("Cookie", "session=abc123") == mask("session=abc123")


def test_non_sensitive_headers_pass_through(redactor: Redactor) -> None:
    """Ordinary headers are left as they are (beyond the usual secret redaction)."""
    assert redactor.header("Content-Type", "application/json") == "application/json"
    assert redactor.header("Sec-WebSocket-Protocol", "jsonrpc") == "jsonrpc"
    secret = "registered-secret-in-header"
    redactor.add(secret)
    assert redactor.header("X-Trace", f"t {secret}") == f"t {mask(secret)}"


def test_concurrent_add_and_text() -> None:
    """Adding from several threads while others redact raises nothing and loses no secret."""
    redactor = Redactor()
    base = "baseline-secret-value"
    redactor.add(base)
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(n: int) -> None:
        try:
            for i in range(150):
                redactor.add(f"thread-{n}-secret-{i:04d}")
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            while not stop.is_set():
                if base in redactor.text(f"x {base} y thread-0-secret-0000"):
                    errors.append(AssertionError("baseline secret leaked"))
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(3)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert errors == []
    everything = " ".join(f"thread-{n}-secret-{i:04d}" for n in range(4) for i in range(150))
    out = redactor.text(everything)
    assert "thread-" not in out


@given(st.text(min_size=MIN_SECRET_LENGTH))
def test_property_registered_text_never_survives(s: str) -> None:
    """For any registered text s (len >= 8), s does not appear in text("pre" + s + "post")."""
    # A string that is itself part of the mask format ("…[sha256") trivially "survives".
    assume(s not in f"pre{mask(s)}post")
    redactor = Redactor()
    redactor.add(s)
    assert s not in redactor.text("pre" + s + "post")


def test_signature_length_runs_are_masked_but_long_names_are_not(redactor: Redactor) -> None:
    """A stray piece of a signature (saferepr's `head...tail`) is masked; a long snake_case test
    name, which is no secret and must stay readable, is not."""
    signature_piece = "Qm9ndXNTaWduYXR1cmVfX19fX19fX19fX19fX19fX19fX19fX19fX1"
    name = "test_a_server_that_never_completes_the_handshake_fails_fast"
    out = redactor.text(f"'{signature_piece}...' in {name}")
    assert signature_piece not in out and mask(signature_piece) in out
    assert name in out


@pytest.mark.parametrize(
    ("command", "kept_whole"),
    [
        ("mint --secret 9f8e7d6c5b4a39281706f5e4d3c2b1a0 --key-file key.pem", "--key-file key.pem"),
        ("mint --secret=9f8e7d6c5b4a39281706f5e4d3c2b1a0 paradex", "mint --secret="),
        ("./token.sh client_secret=s3cr3t-VALUE-xyz user=bob", "user=bob"),
        ("get-token 8sHj29dkLq02nZpQ7xVb short-lived", "short-lived"),
        ("tok --password hunter2hunter2 --env staging", "--env staging"),
    ],
)
def test_a_token_command_is_recorded_with_its_secrets_masked(command, kept_whole):
    secrets = redact.command_secrets(command)
    assert len(secrets) == 1
    masked = redact.masked_command(command)
    assert secrets[0] not in masked and redact.mask(secrets[0]) in masked
    assert kept_whole in masked


@pytest.mark.parametrize(
    "command",
    [
        "wsconform mint paradex --key-file /home/ci/.wsconform-mock-key.pem",
        "scripts/zenith-token.sh --env staging short-lived",
        'sh -c "vault read -field=token secret/ci"',
    ],
)
def test_plain_words_options_and_paths_stay(command):
    assert redact.command_secrets(command) == []
    assert redact.masked_command(command) == command
