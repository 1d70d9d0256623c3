"""The pytest plugin: options, target resolution, verdict recording and the roll-up.

Registered through the `pytest11` entry point (pyproject.toml), so pytest loads it wherever
wsconform is installed; it brings the fixtures (wsconform.fixtures) and the hypothesis profiles
(wsconform.hypothesis_profiles), and registers the markers the suites use. Per test it records
which requirements were checked and how; at the end it writes reports/<profile>/results.json, one
redacted transcript per test, and prints the per-requirement verdict table. Outcomes travel in
`report.user_properties`, so the same code works under pytest-xdist, where tests run in worker
processes.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from hypothesis import settings

from wsconform import __version__, allure_evidence, hypothesis_profiles, progress, reproduce
from wsconform.checks import Checker, Unfinished, conformance_failure_in
from wsconform.config import ConfigError, add_options, resolve
from wsconform.preflight import RunImpossible
from wsconform.profiles import BrokenProfile, get_profile, profile_holding
from wsconform.profiles.base import Profile
from wsconform.redact import Redactor
from wsconform.report import baseline, bundle, completeness, rollup, signing
from wsconform.report.results import (
    AppliedBaseline,
    BaselineReport,
    RequirementResult,
    Results,
    TestResult,
)
from wsconform.report.table import verdict_table
from wsconform.requirements import CatalogueError, catalogue, catalogue_path
from wsconform.run import Run
from wsconform.tokens import (
    TokenSourceError,
)
from wsconform.transcript import Transcript

# The fixtures read this module's run state (RUN): they come with it, never on their own.
pytest_plugins = ["wsconform.fixtures"]
hypothesis_profiles.register()

PROPERTY = "wsconform"
# Registered here, not in an ini file: an installed suite runs where no pyproject.toml is.
MARKERS = (
    "req(*ids): the requirement IDs (suites/<vendor>/requirements.toml) a test checks",
    "feature(name): the test needs an optional feature of its profile (Profile.features), "
    "which a vendor's capability statement may declare absent (then it SKIPs, saying so)",
    "slow: minutes of real server timing against a live target (skipped there unless "
    "--run-slow; instant on the embedded mock, whose clock jumps)",
)
# A socket or task left unclosed is a defect of the suite's own cleanup, never noise.
WARNING_FILTERS = ("error::pytest.PytestUnraisableExceptionWarning",)
RUN = pytest.StashKey[Run]()
TRANSCRIPT = pytest.StashKey[Transcript]()
CHECKER = pytest.StashKey[Checker]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wsconform", "wsconform conformance suite")
    add_options(group.addoption)


def _bad_configuration(reason: str) -> NoReturn:
    pytest.exit(f"wsconform: the run could not be made: bad configuration: {reason}", 2)


def profile_of(node: pytest.Item | pytest.Collector) -> Profile | None:
    return profile_holding(Path(str(node.path)))


def _check_suite_dirs(config: pytest.Config) -> None:
    """Another profile's suite under --profile is a user's mistake, not an empty run: say which
    directory the profile wants (exit 2), before any preflight."""
    profile = config.stash[RUN].profile
    if profile is None:
        return
    here = config.invocation_params.dir
    for arg in config.args:
        given = profile_holding(here / arg.split("::")[0])
        if given is not None and given.name != profile:
            wanted = get_profile(profile).suite
            shown = wanted.relative_to(here) if wanted.is_relative_to(here) else wanted
            pytest.exit(
                f"wsconform: the run could not be made: --profile {profile} runs "
                f"{shown}, not {arg} (the {given.name} suite)",
                2,
            )


# -- configuration and collection -------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """A live run goes to pytest-xdist workers (--live-workers), so that tests waiting for the
    server's clock wait side by side. Sets what xdist's own hooks read, whichever runs first;
    not in a worker, nor when -n, --pdb, --collect-only or -p no:xdist says otherwise."""
    option = config.option
    if (
        _is_worker(config)
        or not config.pluginmanager.hasplugin("xdist")
        or getattr(option, "numprocesses", None) is not None
        or option.collectonly
        or option.usepdb
    ):
        return
    try:
        s = resolve(lambda name: config.getoption(f"wsconform_{name}"))
    except ConfigError:
        return  # pytest_configure ends the run saying why
    workers = s.live_worker_count(option.verbose) if s.endpoint else 1
    if workers > 1:
        option.numprocesses = workers
        option.tx = ["popen"] * workers
        if option.dist == "no":
            option.dist = "load"


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    for warning_filter in WARNING_FILTERS:
        config.addinivalue_line("filterwarnings", warning_filter)
    try:
        settings = resolve(lambda name: config.getoption(f"wsconform_{name}"))
        journal = config.workerinput.get(BREAKER) if _is_worker(config) else None  # type: ignore[attr-defined]
        config.stash[RUN] = Run(
            settings,
            strict=bool(config.getoption("strict", False)),
            breaker_journal=Path(journal) if journal else None,
        )
    except (ConfigError, CatalogueError, BrokenProfile) as exc:  # BrokenProfile: a profile's own
        _bad_configuration(str(exc))
    _check_suite_dirs(config)
    _describe_hypothesis(config)
    if allure_evidence.active(config):
        allure_evidence.install(config, config.stash[RUN].redactor)


def _describe_hypothesis(config: pytest.Config) -> None:
    """Say how hypothesis draws, for the header, the summary and the bundle: derandomized (ci),
    from the seed given (--hypothesis-seed, which `wsconform certify` always gives; workers get
    it with the command line), or at random with an example database (dev): a seed would turn
    the database off, and there it saves a failing example and tries it first next time (a
    failure also prints its @reproduce_failure, which replays it exactly)."""
    run = config.stash[RUN]
    profile = settings.get_current_profile_name()
    seed = config.getoption("hypothesis_seed", None)
    if settings.default.derandomize:
        run.hypothesis = f"profile {profile}, derandomized"
    elif seed is not None:
        run.hypothesis_seed = str(seed)
        run.hypothesis = f"profile {profile}, seed {seed} (replay: --hypothesis-seed={seed})"
    elif settings.default.database is not None:
        run.hypothesis = f"profile {profile}, random; failing examples saved in .hypothesis/"
    else:
        run.hypothesis = f"profile {profile}, random (give --hypothesis-seed to replay a run)"


def pytest_sessionstart(session: pytest.Session) -> None:
    run = session.config.stash[RUN]
    _install_progress(session.config)
    _apply_fuzz_budget(run)
    if run.endpoint and not session.config.option.collectonly and not _is_worker(session.config):
        # Fail fast, once, before any test: exit 2 when the run cannot be made at all.
        try:
            run.target(get_profile(run.profile or ""))
        except RunImpossible as exc:
            pytest.exit(f"wsconform: the run could not be made: {exc}", returncode=2)


def _install_progress(config: pytest.Config) -> None:
    """-v and -vv lines written as they happen, past pytest's capture of the test's output."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or _is_worker(config):
        return

    def write(line: str) -> None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)

    progress.install(write, config.option.verbose)


def _is_worker(config: pytest.Config) -> bool:
    """A pytest-xdist worker (the controller preflights and writes the results). Asked of the
    config, not the environment, which a pytest started from a worker would inherit."""
    return hasattr(config, "workerinput")


def _apply_fuzz_budget(run: Run) -> None:
    """--fuzz-budget scales the example counts of the hypothesis profile in force (hypothesis
    loads --hypothesis-profile in its own pytest_configure, so this runs after it)."""
    budget = run.settings.fuzz_budget
    if budget == 1.0:
        return
    current = settings.get_current_profile_name()
    examples = max(1, round(settings.default.max_examples * budget))
    settings.register_profile(
        f"{current}-budget", settings.get_profile(current), max_examples=examples
    )
    settings.load_profile(f"{current}-budget")
    run.hypothesis += f", --fuzz-budget {budget:g} ({examples} examples)"


def pytest_unconfigure(config: pytest.Config) -> None:
    progress.install(None, 0)
    if RUN in config.stash:
        config.stash[RUN].close()
        if allure_evidence.active(config):
            allure_evidence.uninstall()


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = config.stash[RUN]
    target = run.endpoint or "embedded reference mocks on 127.0.0.1"
    lines = [
        f"wsconform {__version__}: target {target}" + (" (strict)" if run.strict else ""),
        f"wsconform: hypothesis {run.hypothesis}",
    ]
    if run.settings.insecure:
        lines.append(f"wsconform: {INSECURE_BANNER}")
    if run.defect:
        lines.append(f"wsconform: mock defect {run.defect!r} switched on")
    lines += [f"wsconform: {line}" for line in run.settings.described()]
    return lines


INSECURE_BANNER = (
    "WARNING: TLS CERTIFICATES ARE NOT VERIFIED (--insecure): the target's identity is unproven"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run = config.stash[RUN]
    if run.baseline is not None:  # before -k and -m deselect: every test collected counts
        try:
            run.baseline.check_tests([item.nodeid for item in items], config.rootpath)
        except baseline.BaselineError as exc:
            _bad_configuration(str(exc))
    wanted = set(run.settings.requirement_ids)
    keep, drop = [], []
    for item in items:
        profile = profile_of(item)
        if profile is None:
            keep.append(item)
            continue
        if run.profile and profile.name != run.profile:
            drop.append(item)
            continue
        if item.get_closest_marker("timeout") is None:  # the hard bound on one test
            item.add_marker(pytest.mark.timeout(run.settings.hard_test_timeout))
        if item.get_closest_marker("slow") and run.endpoint and not run.settings.run_slow:
            # Minutes of real server timing; the embedded mock's clock makes them instant.
            item.add_marker(
                pytest.mark.skip(reason="slow (minutes of server timing): run with --run-slow")
            )
        marker = item.get_closest_marker("req")
        if marker is None or not marker.args:
            _suite_broken(f"{item.nodeid} names no requirement: add @pytest.mark.req(...)")
        try:
            for req_id in marker.args:
                catalogue(profile.name)[req_id]
        except CatalogueError as exc:
            _suite_broken(f"{item.nodeid}: {exc}")
        for feature in item.iter_markers("feature"):
            (name,) = feature.args
            if name not in profile.features:
                _suite_broken(f"{item.nodeid}: {profile.name} has no feature {name!r}")
            declared = run.declared(profile)
            if declared and (reason := declared.feature_declined(name)):
                item.add_marker(pytest.mark.skip(reason=f"not offered: {reason}"))
        if wanted and wanted.isdisjoint(marker.args):  # --req: only the tests that name them
            drop.append(item)
            continue
        if allure_evidence.active(config):
            allure_evidence.label(item, profile, catalogue(profile.name), list(marker.args))
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _suite_broken(reason: str) -> NoReturn:
    pytest.exit(f"wsconform: the run could not be made: the suite is broken: {reason}", 2)


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Record what -k, -m, --req or --lf left out; another profile's tests under --profile are
    not part of this run's suite."""
    run = items[0].config.stash[RUN] if items else None
    for item in items:
        profile = profile_of(item)
        if run is None or profile is None or run.profile not in (None, profile.name):
            continue
        marker = item.get_closest_marker("req")
        reqs = list(marker.args) if marker else []
        run.deselected.setdefault(profile.name, {})[item.nodeid] = reqs


DESELECTED = "wsconform_deselected"
BREAKER = "wsconform_breaker_journal"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, on the controller: the workers share its circuit breaker's journal."""
    run = node.config.stash.get(RUN, None)
    if run is not None:
        node.workerinput[BREAKER] = str(run.breaker.journal)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist, on the controller: workers collect and deselect, so they say what."""
    sent = getattr(node, "workeroutput", {}).get(DESELECTED)
    if sent:
        deselected = node.config.stash[RUN].deselected
        for profile, tests in json.loads(sent).items():
            deselected.setdefault(profile, {}).update(tests)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    progress.reset()
    run = item.config.stash[RUN]
    tripped = run.breaker.tripped if run.endpoint else None  # only a live run records
    if tripped and profile_of(item) is not None:
        raise Unfinished(tripped)


# -- recording ----------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


# trylast: the innermost wrapper, so that other plugins (junitxml, allure) see the report as this
# one leaves it: redacted, and a baselined failure shown as an expected one.
@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    run = item.config.stash[RUN]
    unfinished = _unfinished(call) if report.failed else None
    if unfinished is not None:  # one readable line, no stack: it is not the target's failure
        report.longrepr = f"ERROR, the test could not finish: {unfinished}"
    _redact_report(report, run.redactor)
    profile = profile_of(item)
    if profile is None:
        return
    final = report.when == "call" or (report.when == "setup" and not report.passed)
    if not final:
        return
    marker = item.get_closest_marker("req")
    failure = conformance_failure_in(call.excinfo.value) if call.excinfo is not None else None
    failed_req = failure.requirement.id if failure else None
    checker = item.stash.get(CHECKER, None)
    transcript = item.stash.get(TRANSCRIPT, None)
    if report.skipped:
        outcome_name = "skipped"
        message = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    elif report.failed:
        could_not = unfinished is not None or report.when != "call"
        outcome_name = "error" if could_not else "failed"
        message = unfinished or _failure_line(report)
    else:
        outcome_name, message = "passed", ""
    rendered = transcript.render() if transcript is not None and transcript.entries else None
    result = TestResult(
        nodeid=item.nodeid,
        profile=profile.name,
        reqs=list(marker.args) if marker else [],
        outcome=outcome_name,
        duration=report.duration,
        checks=list(checker.records) if checker else [],
        failed_req=failed_req,
        message=run.redactor.text(message),
        transcript=_write_transcript(run, profile, item, rendered),
        notes=list(checker.notes) if checker else [],
        tokens=transcript.origins_in(rendered) if transcript and rendered else {},
    )
    if outcome_name in ("failed", "error"):
        result.reproduce = _reproduction(item, run)
        report.sections.append(("wsconform: re-run this test", result.reproduce))
    if run.endpoint:
        heard = transcript is not None and transcript.heard_json()
        no_token = call.excinfo is not None and isinstance(call.excinfo.value, TokenSourceError)
        run.breaker.record(item.nodeid, outcome_name, result.message, heard, asked=not no_token)
    # Only a verdict can be known: a test that could not finish (ERROR) stays an error.
    if run.baseline is not None and outcome_name == "failed":
        result.baselined = run.baseline.reason_for(item.nodeid, rollup.failing_requirements(result))
        if result.baselined:  # a known failure: reported as pytest's xfail, so it does not gate
            report.outcome = "skipped"
            report.wasxfail = f"baselined: {result.baselined}"  # type: ignore[attr-defined]
    if allure_evidence.active(item.config):
        hypothesis_test = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        falsified = (
            allure_evidence.falsifying_example(str(report.longrepr), run.hypothesis)
            if report.failed and hypothesis_test
            else None
        )
        transcript_file = (
            run.report_dir / profile.name / result.transcript if result.transcript else None
        )
        allure_evidence.attach(transcript_file, falsified)
    report.user_properties.append((PROPERTY, json.dumps(result.as_dict())))


def _reproduction(item: pytest.Item, run: Run) -> str:
    config = item.config
    elsewhere = config.invocation_params.dir != config.rootpath
    line = reproduce.command(
        item.nodeid, run.settings, run.hypothesis_seed, run.strict,
        rootdir=config.rootpath if elsewhere else None,
    )  # fmt: skip
    return run.redactor.text(line)


TIMEOUT_FAILURE = "Timeout (>"  # how pytest-timeout's pytest.fail begins


def _unfinished(call: pytest.CallInfo[None]) -> str | None:
    """Why a failed test could not finish (ERROR), or None when it is a verdict (FAIL)."""
    if call.excinfo is None:
        return None
    error = call.excinfo.value
    if isinstance(error, BaseExceptionGroup):  # hypothesis' FlakyFailure: a replay differed
        found = error.subgroup(lambda e: isinstance(e, Unfinished))
        if found is not None:  # because the target could not be reached, say
            while isinstance(found, BaseExceptionGroup):
                found = found.exceptions[0]
            return f"{found} (and hypothesis' replay of the example differed)"
    if isinstance(error, Unfinished):
        return str(error)
    if isinstance(error, TokenSourceError):
        return f"no token: {error}"
    if isinstance(error, pytest.fail.Exception) and str(error).startswith(TIMEOUT_FAILURE):
        waited = progress.interrupted() or progress.current()
        doing = f", waiting for {waited}" if waited else ""
        return f"the test ran out of time ({error}, --test-timeout){doing}"
    return None


def _failure_line(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    return crash.message if crash is not None else str(report.longrepr)[-1000:]


def _redact_report(report: pytest.TestReport, redactor: Redactor) -> None:
    """Failure text, captured output and logs: no secret reaches the terminal or JUnit."""
    if report.longrepr is not None and not isinstance(report.longrepr, tuple):
        text = str(report.longrepr)
        redacted = redactor.text(text)
        if redacted != text:
            report.longrepr = redacted
    report.sections = [(title, redactor.text(body)) for title, body in report.sections]


def _write_transcript(
    run: Run, profile: Profile, item: pytest.Item, rendered: str | None
) -> str | None:
    if rendered is None:
        return None
    name = _UNSAFE.sub("_", item.nodeid.split("/")[-1].replace("::", "__"))[:150] + ".txt"
    path = run.report_dir / profile.name / "transcripts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{item.nodeid}\n{rendered}\n", encoding="utf-8")
    return f"transcripts/{name}"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for key, value in report.user_properties:
        if key == PROPERTY:
            _collected.append(TestResult.from_dict(json.loads(value)))


_collected: list[TestResult] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash[RUN]
    if _is_worker(session.config):  # the controller writes the results, from what workers send
        session.config.workeroutput[DESELECTED] = json.dumps(run.deselected)  # type: ignore[attr-defined]
        return
    run.results = list(_collected)
    _collected.clear()
    profiles = {r.profile for r in run.results}
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        run.summary.append("wsconform: the run could not be made: no test was selected")
        session.exitstatus = 2
    interrupted = _interruption(session, exitstatus)
    try:
        codes = [
            _write_results(run, get_profile(name), _selection(session.config, name), interrupted)
            for name in sorted(profiles)
        ]
    except (bundle.BundleError, signing.SigningError, OSError) as exc:
        run.summary.append(f"wsconform: the evidence could not be written: {exc}")
        session.exitstatus = 2
        return
    # One source of truth: the exit code says what the results and bundles say. pytest's own
    # status stays where it is worse (a failure among the suite's own tests/, an interruption).
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and codes:
        session.exitstatus = max(int(session.exitstatus), *codes)


def _interruption(session: pytest.Session, exitstatus: int) -> str | None:
    """Why the run stopped before its end, if it did (Ctrl-C, -x, --maxfail)."""
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        return "the run was interrupted (Ctrl-C or a signal) before its end"
    stopped = session.shouldstop or session.shouldfail
    return f"the run stopped early: {stopped}" if stopped else None


def _selection(config: pytest.Config, profile: str) -> completeness.Selection:
    option = config.option
    return completeness.Selection(
        paths=list(config.args),
        keyword=option.keyword or "",
        marks=option.markexpr or "",
        requirements=config.stash[RUN].settings.requirement_ids,
        last_failed=bool(getattr(option, "lf", False)),
        deselected=config.stash[RUN].deselected.get(profile, {}),
    )


def _write_results(
    run: Run, profile: Profile, selection: completeness.Selection, interrupted: str | None
) -> int:
    """Write the profile's results.json and signed bundle; the exit code they make."""
    tests = [r for r in run.results if r.profile == profile.name]
    rolled = rollup.roll_up(catalogue(profile.name), tests, strict=run.strict)
    target = run.targets.get(profile.name)
    complete = completeness.assess(rolled, selection, interrupted)
    verdict = rollup.certification(rolled, tests, complete)
    results = Results(
        profile=profile.name,
        title=profile.title,
        suite_version=__version__,
        target=target.describe() if target else (run.endpoint or "embedded mock"),
        tls_verified=not run.settings.insecure,
        settings=run.settings.described(),
        strict=run.strict,
        mock_defect=run.defect,
        capabilities=declared.as_dict() if (declared := run.declared(profile)) else None,
        hypothesis=run.hypothesis,
        started=run.started,
        finished=time.time(),
        requirements=rolled,
        baseline=_baseline_report(run, tests, rolled),
        selection=selection,
        interrupted=interrupted,
        completeness=complete,
        certification=verdict,
        tests=tests,
    )
    path = results.save(run.report_dir / profile.name / "results.json")
    run.summary.append(verdict_table(results))
    written = bundle.write(
        results,
        profile_report_dir=path.parent,
        schema_dir=profile.schemas,
        home=profile.home,
        catalogue_file=catalogue_path(profile.name),
        documents=catalogue(profile.name).documents,
        capabilities=run.declared(profile),
        hypothesis_seed=run.hypothesis_seed,
        key=run.signing_key(),
        leaks=run.redactor.leaks,
    )
    known = sum(1 for r in results.requirements if r.baselined)
    gate = f" ({known} baselined: known failures, not failing the run)" if known else ""
    run.summary.append(
        f"wsconform: {profile.name}: {verdict.verdict}{gate}; signed bundle {written}"
    )
    code = rollup.exit_code(results.requirements, results.tests)
    if not complete.complete and run.settings.require_complete:
        run.summary.append(
            f"wsconform: {profile.name}: INCOMPLETE fails the run (--require-complete): "
            f"{len(complete.reasons)} reasons, listed above"
        )
        code = max(code, 1)
    stale = results.baseline.stale if results.baseline else []
    if stale and run.settings.strict_baseline:  # the baseline must shrink as failures are fixed
        names = ", ".join(e.requirement or e.test or "" for e in stale)
        run.summary.append(
            f"wsconform: {profile.name}: {len(stale)} stale baseline entries fail the run "
            f"(--strict-baseline): {names}"
        )
        code = max(code, 1)
    return code


def _baseline_report(
    run: Run, tests: list[TestResult], requirements: list[RequirementResult]
) -> BaselineReport | None:
    if run.baseline is None:
        return None
    return BaselineReport(
        file=run.baseline.path,
        applied=[AppliedBaseline(t.nodeid, t.baselined) for t in tests if t.baselined is not None],
        stale=run.baseline.stale(tests, requirements),
    )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    run = config.stash[RUN]
    for block in run.summary:
        terminalreporter.write_line("")
        for line in block.splitlines():
            terminalreporter.write_line(line)
    if run.summary and run.hypothesis:  # the header says it too, but -q hides the header
        terminalreporter.write_line(f"wsconform: hypothesis {run.hypothesis}")
    if run.settings.insecure:  # last, where nobody can miss it, even under -q
        terminalreporter.write_line("")
        terminalreporter.write_line(f"wsconform: {INSECURE_BANNER}", red=True, bold=True)
