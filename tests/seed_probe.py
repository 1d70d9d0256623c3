"""A pytest plugin for test_xdist_seed: each process writes the hypothesis seed it runs with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.hookimpl(trylast=True)  # after wsconform's plugin has settled the seed
def pytest_configure(config: pytest.Config) -> None:
    name = os.environ.get("PYTEST_XDIST_WORKER", "controller")
    out = Path(os.environ["SEED_PROBE_DIR"]) / name
    out.write_text(str(config.getoption("hypothesis_seed")), encoding="utf-8")
