"""The lifecycle state machines (suites/<dir>/test_lifecycle.py) find the kill matrix's lifecycle
defects on their own: run alone against the mock with each defect, a profile's machine turns
red a requirement the defect breaks (tests/kills.py). On the clean mock and every conforming
variant the machines run in the kill matrix's whole-suite runs, which must stay green.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from kills import EXPECTED_KILLS, LIFECYCLE_DEFECTS, broken_by

from wsconform.killmatrix import Run, run_suite
from wsconform.profiles import PROFILES, get_profile

MODULE = "test_lifecycle.py"
CASES = [(p, d) for p, defects in sorted(LIFECYCLE_DEFECTS.items()) for d in defects]
# 63 runs, most a second or two (104 s on 2 cores in all). Built in the first test.
pytestmark = pytest.mark.timeout(1200)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Run]:
    def one(case: tuple[str, str]) -> Run:
        profile, defect = case
        work = tmp_path_factory.mktemp(f"lifecycle-{profile}-{defect}")
        return run_suite(get_profile(profile), defect, work, module=MODULE)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(CASES, pool.map(one, CASES), strict=True))


def test_every_lifecycle_defect_is_a_killed_defect_of_the_mock():
    for name, lifecycle in LIFECYCLE_DEFECTS.items():
        assert name in PROFILES
        assert set(lifecycle) <= set(EXPECTED_KILLS[name]), set(lifecycle) - set(
            EXPECTED_KILLS[name]
        )


@pytest.mark.parametrize(("profile", "defect"), CASES)
def test_the_state_machine_alone_kills_the_defect(runs, profile, defect):
    run = runs[profile, defect]
    broken = broken_by(profile, defect)
    assert broken & set(run.red_requirements), (
        f"{profile} machine alone, defect {defect!r}: none of {sorted(broken)} red; red: "
        f"{run.red_requirements}\n{run.output_tail}"
    )
