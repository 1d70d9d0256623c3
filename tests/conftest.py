"""Fixtures shared by the suite's own tests: a genuine ES256 token and its key. And how `make test`
spreads them over pytest-xdist workers (`--dist loadgroup`): a group's tests on one worker, the
groups first."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

try:
    from _pytest.nodeid import NodeId
except ImportError:  # before pytest 9.2 node ids were strings, and pytest-xdist suffixes them
    NodeId = None

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


def distributed(config: pytest.Config) -> bool:
    """Whether this is a pytest-xdist worker under `--dist loadgroup` (make test)."""
    return bool(getattr(config.option, "loadgroup", False)) and hasattr(config, "workerinput")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a worker under `--dist loadgroup`: the groups are handed out first (with
    --no-loadscope-reorder), so that the long ones start at once rather than last.

    pytest-xdist sends a group's tests to one worker by a suffix @NAME on their ids, which
    pytest-xdist 3.8 sets where pytest 9.2 no longer reads it (pytest-dev/pytest-xdist#1386):
    each group's tests were spread over every worker, and each worker built the group's module
    fixture (the kill matrix, the installed wheel) anew. It is set here where pytest reads it."""
    if not distributed(config):
        return
    items.sort(key=lambda item: not item.get_closest_marker("xdist_group"))
    for item in items if NodeId is not None else ():
        marks = item.iter_markers("xdist_group")
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name")) for m in marks})
        if names and item.nodeid.rfind("@") <= item.nodeid.rfind("]"):  # not suffixed yet
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
