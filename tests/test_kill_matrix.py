"""Kill matrix: every defect of every profile's mock turns the requirements it declares red, every
MUST and SHOULD requirement is turned red by some defect, and each clean mock and each conforming
variant is all green. A defect that kills nothing means the suite lacks a check; a variant that
turns anything red is a false alarm.

The matrix here is `selected` (wsconform.killmatrix): each defect's run has the tests of the
requirements it declares. `make kill-matrix` runs the whole suite for every defect
(docs/kill-matrix.md). The lifecycle state machines are held to finding the lifecycle defects
(`lifecycle=True`) on their own: a requirement the defect breaks red by the machine's test alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from standalone import ROOT

from wsconform.killmatrix import (
    UNKILLABLE,
    Run,
    kill_matrices,
    markdown,
    unkilled,
    variants,
)
from wsconform.profiles import get_profile, installed
from wsconform.requirements import catalogue

# The matrices are built once, inside the first test's time (about 120 pytest runs), on one
# pytest-xdist worker (its group), against pytest-timeout's default of 300 s per test.
pytestmark = [pytest.mark.timeout(1800), pytest.mark.xdist_group("kill-matrix")]
LIFECYCLE = "test_lifecycle.py"

VARIANT_CASES = [(p, v) for p in sorted(installed()) for v in variants(get_profile(p))]
CASES = [(p, d) for p in sorted(installed()) for d in sorted(get_profile(p).mock.DEFECTS)]
LIFECYCLE_CASES = [(p, d) for p, d in CASES if get_profile(p).mock.DEFECTS[d].lifecycle]
NOTE = (
    "Written by `make test`: each defect's run had the tests of the requirements it declares "
    "(`--req`); `make kill-matrix` runs the whole suite for each (docs/kill-matrix.md).\n\n"
)


@pytest.fixture(scope="module")
def matrices(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str | None, Run]]:
    """Every profile's matrix, run once and written to reports/kill-matrix/<profile>.md."""
    profiles = [get_profile(name) for name in sorted(installed())]
    work = tmp_path_factory.mktemp("kill-matrix")
    found = kill_matrices(profiles, work, selected=True)
    out = ROOT / "reports" / "kill-matrix"
    out.mkdir(parents=True, exist_ok=True)
    for profile in profiles:
        text = NOTE + markdown(profile, found[profile.name])
        (out / f"{profile.name}.md").write_text(text, encoding="utf-8")
    return found


@pytest.mark.parametrize("profile", sorted(installed()))
def test_every_defect_names_requirements_of_its_catalogue(profile):
    """A typo in a Defect's declaration would expect a requirement no run can turn red."""
    known = catalogue(profile).requirements
    for name, defect in get_profile(profile).mock.DEFECTS.items():
        unknown = defect.broken - known.keys()
        assert not unknown, f"{name}: {sorted(unknown)}"


@pytest.mark.system
@pytest.mark.parametrize("profile", sorted(installed()))
def test_clean_mock_is_all_green(matrices, profile):
    clean = matrices[profile][None]
    assert clean.exit_code == 0 and not clean.failed_tests and not clean.red_requirements, (
        clean.output_tail
    )


@pytest.mark.system
@pytest.mark.parametrize(("profile", "defect"), CASES)
def test_defect_is_killed(matrices, profile, defect):
    run = matrices[profile][defect]
    declared = get_profile(profile).mock.DEFECTS[defect]
    requirement = declared.breaks
    assert requirement in run.red_requirements, (
        f"defect {defect!r} did not turn {requirement} red; red: {run.red_requirements}\n"
        f"{run.output_tail}"
    )
    if run.red_requirements[requirement] == "FAIL":  # a MUST violation makes the run red
        assert run.exit_code == 1 and run.failed_tests, run.output_tail
    also = declared.broken - set(run.red_requirements)
    assert not also, f"defect {defect!r}: its declaration names {also} too, not red here"


@pytest.mark.system
@pytest.mark.parametrize(("profile", "defect"), LIFECYCLE_CASES)
def test_the_state_machine_alone_kills_the_defect(matrices, profile, defect):
    run = matrices[profile][defect]
    broken = get_profile(profile).mock.DEFECTS[defect].broken
    alone = run.red_by_file.get(LIFECYCLE, {})
    assert broken & set(alone), (
        f"{profile} machine alone, defect {defect!r}: none of {sorted(broken)} red; red: "
        f"{alone}\n{run.output_tail}"
    )


@pytest.mark.system
@pytest.mark.parametrize(("profile", "variant"), VARIANT_CASES)
def test_conforming_variant_is_green(matrices, profile, variant):
    run = matrices[profile][variant]
    assert run.exit_code == 0 and not run.failed_tests and not run.red_requirements, (
        f"variant {variant} (a choice the docs allow) turned {run.red_requirements} red\n"
        f"{run.output_tail}"
    )


@pytest.mark.system
@pytest.mark.parametrize("profile", sorted(installed()))
def test_every_must_and_should_requirement_is_killable(matrices, profile):
    missed = unkilled(get_profile(profile), matrices[profile])
    assert set(missed) == set(UNKILLABLE.get(profile, {})), (
        f"no defect of the {profile} mock breaks {missed}: add one, or say in UNKILLABLE why "
        "none can"
    )


@pytest.mark.system
@pytest.mark.parametrize("profile", sorted(installed()))
def test_matrix_is_written(matrices, profile):
    table = (Path(ROOT) / "reports" / "kill-matrix" / f"{profile}.md").read_text(encoding="utf-8")
    assert all(defect in table for defect in get_profile(profile).mock.DEFECTS)
    assert all(variant in table for variant in variants(get_profile(profile)))


@pytest.mark.parametrize("profile", sorted(installed()))
def test_the_documented_matrix_names_every_defect_and_variant(profile):
    """docs/kill-matrix.md is generated (make kill-matrix); this catches it going stale."""
    document = (Path(ROOT) / "docs" / "kill-matrix.md").read_text(encoding="utf-8")
    section = document.split(f"## {profile}\n", 1)[1].split("\n## ", 1)[0]
    named = {line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ")}
    expected = {*get_profile(profile).mock.DEFECTS, *variants(get_profile(profile))}
    assert expected <= named, f"make kill-matrix: missing {sorted(expected - named)}"


def test_the_summary_names_what_no_defect_breaks_and_every_false_alarm():
    """The figures above each table, on a synthetic matrix: one defect that kills one
    requirement, and a variant that goes red."""
    profile = get_profile("paradex")
    green = Run(None, 0, [], {}, 1.0, "")
    runs: dict[str | None, Run] = {
        None: green,
        "accept-expired": Run("accept-expired", 1, ["t"], {"PDX-REJ-03": "FAIL"}, 1.0, ""),
        "reply-delay=25ms": Run("reply-delay=25ms", 1, ["t"], {"PDX-ENV-01": "FAIL"}, 1.0, ""),
    }
    lines = "\n".join(markdown(profile, runs).splitlines()[2:6])
    assert "- defects: 1, killed (turn a requirement red): 1" in lines
    assert "without a defect: PDX-AUTH-01," in lines  # the first of many
    assert "PDX-REJ-03," not in lines.split("without a defect:")[1]
    assert "false alarms (clean mock or a variant not all green): 1: reply-delay=25ms" in lines
