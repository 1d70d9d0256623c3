"""Fixtures shared by the suite's own tests: a genuine ES256 token and its key."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

# A vendor's own package, built and installed by tests/test_installed.py: its suite runs there,
# with its profile installed, not here.
collect_ignore = ["example_profile"]

# Helpers whose asserts run inside tests (schema_cases builds tests): pytest explains failures.
pytest.register_assert_rewrite("schema_cases", "vendors.ethgas.mock_helpers")


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def public_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture(scope="module")
def base(key: ec.EllipticCurvePrivateKey) -> str:
    now = int(time.time())
    return jwt.encode(
        {"sub": "user-1", "iat": now, "exp": now + 3600},
        key,
        algorithm="ES256",
        headers={"kid": "k1"},
    )
