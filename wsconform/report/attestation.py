"""The bundle's attestation: an in-toto Statement v1 whose subjects are the bundle's files and
whose predicate is the in-toto test-result predicate, in a DSSE envelope signed with the run's
Ed25519 key. Made and checked with the in-toto project's own libraries (in-toto-attestation for
the statement, securesystemslib for the envelope), so any DSSE verifier can check it.

The predicate's tests are the profile's requirements: PASS is passed, WARN warned, FAIL and
ERROR failed (INFO, SKIP and UNTESTED are none of them). Its result follows the certification:
CERTIFIED is PASSED, NOT CERTIFIED FAILED, INCOMPLETE WARNED (not all of it was decided).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from google.protobuf import json_format
from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
from in_toto_attestation.v1.statement import STATEMENT_TYPE_URI, Statement
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

from wsconform.report.results import Results

FILE = "attestation.intoto.json"  # the DSSE envelope, in the bundle beside what it attests
PAYLOAD_TYPE = "application/vnd.in-toto+json"
PREDICATE_TYPE = "https://in-toto.io/attestation/test-result/v0.1"
RESULT = {"CERTIFIED": "PASSED", "NOT CERTIFIED": "FAILED", "INCOMPLETE": "WARNED"}
# A requirement's verdict → the predicate's list it is named in.
TESTS = {
    "PASS": "passedTests",
    "WARN": "warnedTests",
    "FAIL": "failedTests",
    "ERROR": "failedTests",
}


class AttestationError(ValueError):
    """An envelope or statement that cannot be read, or whose signature does not verify."""


def descriptor(name: str, sha256: str | None = None, **annotations: Any) -> dict[str, Any]:
    """An in-toto ResourceDescriptor: a named thing, its digest, what else is known of it."""
    found = ResourceDescriptor(name=name, digest={"sha256": sha256} if sha256 else None)
    if annotations:
        found.pb.annotations.update(annotations)
    found.validate()
    return json_format.MessageToDict(found.pb)


def statement(
    files: Mapping[str, str], results: Results, configuration: list[dict[str, Any]]
) -> dict[str, Any]:
    """The Statement: `files` (bundle path → SHA-256) as subjects, the test-result predicate."""
    verdict = results.certification.verdict if results.certification else "INCOMPLETE"
    predicate: dict[str, Any] = {
        "result": RESULT[verdict],
        "configuration": configuration,
        **{key: [] for key in dict.fromkeys(TESTS.values())},
    }
    for requirement in results.requirements:
        key = TESTS.get(str(requirement.verdict))
        if key is not None:
            predicate[key].append(requirement.id)
    subjects = [
        ResourceDescriptor(name=name, digest={"sha256": digest}).pb
        for name, digest in sorted(files.items())
    ]
    made = Statement(subjects, PREDICATE_TYPE, predicate)
    made.validate()
    return json_format.MessageToDict(made.pb)


def sign(made: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """The DSSE envelope of the statement, signed with `key`, as the bundle's file holds it."""
    payload = json.dumps(made, indent=2, ensure_ascii=False).encode("utf-8")
    envelope = Envelope(payload=payload, payload_type=PAYLOAD_TYPE, signatures={})
    envelope.sign(CryptoSigner(key))
    return (json.dumps(envelope.to_dict(), indent=2) + "\n").encode("utf-8")


def key_id(key: Ed25519PublicKey) -> str:
    """The key's id as the envelope's signatures name it (securesystemslib's)."""
    return SSlibKey.from_crypto(key).keyid


def read(data: bytes) -> Envelope:
    try:
        envelope = Envelope.from_dict(json.loads(data))
    except (ValueError, KeyError, TypeError) as exc:
        raise AttestationError(f"not a DSSE envelope ({exc})") from None
    if envelope.payload_type != PAYLOAD_TYPE:
        raise AttestationError(f"payload type {envelope.payload_type!r}, not {PAYLOAD_TYPE}")
    return envelope


def verified(envelope: Envelope, key: Ed25519PublicKey) -> dict[str, Any]:
    """The statement, once the envelope's signature by `key` verifies; AttestationError if not."""
    try:
        envelope.verify([SSlibKey.from_crypto(key)], 1)
    except VerificationError as exc:
        raise AttestationError(f"signature: {exc}") from None
    return contents(envelope)


def contents(envelope: Envelope) -> dict[str, Any]:
    """The statement the envelope carries, unverified; AttestationError if it is none."""
    try:
        made = json.loads(envelope.payload)
    except ValueError as exc:
        raise AttestationError(f"the payload is not JSON ({exc})") from None
    if not isinstance(made, dict) or made.get("_type") != STATEMENT_TYPE_URI:
        raise AttestationError(f"the payload is not an in-toto Statement ({STATEMENT_TYPE_URI})")
    if made.get("predicateType") != PREDICATE_TYPE:
        found = made.get("predicateType")
        raise AttestationError(f"predicate type {found!r}, not {PREDICATE_TYPE}")
    return made
