"""Select and list by requirement: `--req ID[,ID...]` runs exactly the tests that name those IDs
(the others deselected), an unknown ID is a one-line usage error (exit 2), and `wsconform
requirements <profile>` lists the catalogue with the tests covering each requirement, running
nothing. Collection-only child runs: seconds, no test is run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from standalone import ROOT, run_pytest

from wsconform.cli import requirement_listing
from wsconform.requirements import Catalogue, Level, Requirement, catalogue

COLLECTED = re.compile(r"(\d+)(?:/\d+)? tests? collected(?: \((\d+) deselected\))?")


def collected(*args: str, env: dict[str, str] | None = None) -> tuple[list[str], int]:
    """The node IDs a collection-only run keeps, and how many it deselected."""
    done = run_pytest(
        "suites/paradex", "--profile", "paradex", "--collect-only", "-q", *args, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    counts = COLLECTED.search(done.stdout)
    assert counts is not None, done.stdout
    nodeids = [line for line in done.stdout.splitlines() if "::" in line]
    assert len(nodeids) == int(counts[1])
    return nodeids, int(counts[2] or 0)


def naming(nodeids: list[str], ids: set[str]) -> set[str]:
    """The tests among the paradex suite's that name any of `ids`, by their markers."""
    listing = requirements("paradex").stdout
    by_req: dict[str, set[str]] = {}
    current = None
    for line in listing.splitlines():
        if re.match(r"PDX-\S+ ", line):
            current = line.split()[0]
        elif line.strip().startswith("test:") and current is not None:
            by_req.setdefault(current, set()).add(line.split("test:", 1)[1].strip())
    return set().union(*(by_req.get(i, set()) for i in ids)) & set(nodeids)


def requirements(profile: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wsconform.cli", "requirements", profile],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.system
def test_req_runs_exactly_the_tests_naming_those_ids(tmp_path: Path) -> None:
    everything, none_dropped = collected()
    assert none_dropped == 0
    wanted = {"PDX-REJ-03", "PDX-ENV-02"}
    expected = naming(everything, wanted)
    assert expected and len(expected) < len(everything)
    # One comma-separated option, the option repeated, the environment, the target file.
    target = tmp_path / "t.toml"
    target.write_text('req = ["PDX-REJ-03", "PDX-ENV-02"]\n')
    for args, env in [
        (("--req", "PDX-REJ-03,PDX-ENV-02"), None),
        (("--req", "PDX-REJ-03", "--req", "PDX-ENV-02"), None),
        ((), {"WSCONFORM_REQ": "PDX-REJ-03,PDX-ENV-02"}),
        (("--target-file", str(target)), None),
    ]:
        kept, deselected = collected(*args, env=env)
        assert set(kept) == expected, args or env
        assert deselected == len(everything) - len(expected)  # reported, as -k reports them


@pytest.mark.system
def test_an_unknown_requirement_id_is_one_line_and_exit_2() -> None:
    done = run_pytest("suites/paradex", "--profile", "paradex", "--req", "PDX-REJ-03,PDX-NOPE-99")
    assert done.returncode == 2
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert said == [
        "Exit: wsconform: the run could not be made: bad configuration: --req PDX-NOPE-99: "
        "no such requirement in the paradex catalogue"
    ]


@pytest.mark.system
def test_requirements_lists_the_catalogue_and_its_tests_without_running_anything() -> None:
    done = requirements("paradex")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    cat = catalogue("paradex")
    assert out.splitlines()[0].startswith(
        f"paradex: Paradex (JSON-RPC 2.0): {len(cat.requirements)}"
    )
    for req in cat.requirements.values():
        assert f"{req.id}  {req.level:6}  {req.title}\n    clause: {req.source}\n" in out
    assert "suites/paradex/test_rejection.py::test_expired_token_is_rejected_with_40111" in out
    assert "passed" not in out and "collected" not in out and not done.stderr
    # The listing and --req agree: the tests listed under an ID are the ones --req selects.
    kept, _ = collected("--req", "PDX-REJ-03")
    assert naming(kept, {"PDX-REJ-03"}) == set(kept)


def test_a_requirement_no_test_names_is_listed_as_such() -> None:
    def req(id_: str) -> Requirement:
        return Requirement(id_, Level.MUST, "rejection", f"title {id_}", "PAGE § X", "quote")

    cat = Catalogue("unit", {}, {"UT-A": req("UT-A"), "UT-B": req("UT-B")})
    listing = requirement_listing(cat, {"UT-A": ["suites/unit/test_a.py::test_a"]})
    assert listing.splitlines()[0] == "2 requirements, 1 tests; named by no test: UT-B"
    assert "UT-A  MUST    title UT-A\n    clause: PAGE § X\n    test:   suites/unit/" in listing
    assert listing.endswith("UT-B  MUST    title UT-B\n    clause: PAGE § X\n"
                            "    test:   none: no test names this requirement")  # fmt: skip


@pytest.mark.system
@pytest.mark.parametrize("profile", ["zenith", "ethgas-op"])
def test_every_profile_lists(profile: str) -> None:
    done = requirements(profile)
    assert done.returncode == 0, done.stderr
    assert f"{len(catalogue(profile).requirements)} requirements" in done.stdout.splitlines()[0]
