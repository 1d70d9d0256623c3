"""The lifecycle state machines (suites/<dir>/test_lifecycle.py) find the kill matrix's lifecycle
defects on their own (those its mock declares `lifecycle=True`): run alone against the mock with
each defect, a profile's machine turns red a requirement the defect breaks. On the clean mock and
every conforming variant the machines run in the kill matrix's whole-suite runs, which must stay
green.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from wsconform.killmatrix import Run, run_suite
from wsconform.profiles import get_profile, installed

MODULE = "test_lifecycle.py"
CASES = [
    (p, name)
    for p in sorted(installed())
    for name, defect in sorted(get_profile(p).mock.DEFECTS.items())
    if defect.lifecycle
]
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


@pytest.mark.parametrize(("profile", "defect"), CASES)
def test_the_state_machine_alone_kills_the_defect(runs, profile, defect):
    run = runs[profile, defect]
    broken = get_profile(profile).mock.DEFECTS[defect].broken
    assert broken & set(run.red_requirements), (
        f"{profile} machine alone, defect {defect!r}: none of {sorted(broken)} red; red: "
        f"{run.red_requirements}\n{run.output_tail}"
    )
