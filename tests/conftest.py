"""Fixtures shared by the suite's own tests: a genuine ES256 token and its key. And how `make test`
spreads them over pytest-xdist workers (`--dist loadgroup`): the tests that bound a wall time
(marked `timed`) first, on TIMED_WORKERS workers of their own, the other workers yielding the CPU
to them."""

from __future__ import annotations

import os
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

try:
    from _pytest.nodeid import NodeId
except ImportError:  # before pytest 9.2 node ids were strings, and pytest-xdist suffixes them
    NodeId = None

# The priority of a worker that runs tests bounding no wall time (and of its child processes).
NICE = 10
# Workers for the timed tests: they mostly wait (on a deaf server, say), and one worker for all
# of them is 8 minutes on its own (the hostile servers, one after another: 484 s measured).
TIMED_WORKERS = 2

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
    """On a worker under `--dist loadgroup`: the timed tests become TIMED_WORKERS groups, the
    first handed out (with --no-loadscope-reorder), the other groups next, so that the long ones
    start at once rather than last.

    pytest-xdist sends a group's tests to one worker by a suffix @NAME on their ids, which
    pytest-xdist 3.8 sets where pytest 9.2 no longer reads it (pytest-dev/pytest-xdist#1386):
    each group's tests were spread over every worker, and each worker built the group's module
    fixture (the kill matrix, the installed wheel) anew. It is set here where pytest reads it."""
    if not distributed(config):
        return
    timed = [item for item in items if item.get_closest_marker("timed")]
    for index, item in enumerate(timed):
        item.add_marker(pytest.mark.xdist_group(f"timed-{index % TIMED_WORKERS}"))
    items.sort(
        key=lambda item: (
            not item.get_closest_marker("timed"),
            not item.get_closest_marker("xdist_group"),
        )
    )
    for item in items if NodeId is not None else ():
        marks = item.iter_markers("xdist_group")
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name")) for m in marks})
        if names and item.nodeid.rfind("@") <= item.nodeid.rfind("]"):  # not suffixed yet
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """On a worker under `--dist loadgroup`, before its first test that bounds no wall time: the
    worker lowers its priority for good (nice 10; its child processes inherit it), so that the
    timed tests, on workers of their own, get the CPU when they want it however loaded the
    machine, and the kill matrix and the system tests use every cycle they leave."""
    if distributed(item.config) and not item.get_closest_marker("timed") and os.nice(0) < NICE:
        os.nice(NICE - os.nice(0))
