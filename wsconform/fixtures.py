"""The fixtures every suite uses: the target, its tokens, connections, checks and the shared
expectations (no data on a channel; one connection reused across a fuzz run). And one hook: a
target that times out or drops the connection gets a FAIL with the reason, not the suite's stack.

Loaded by wsconform.plugin (its pytest_plugins), whose run state (RUN) they read.
A suite's conftest adds its protocol's `client` fixture; `fuzz_client` builds on it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from hypothesis import strategies as st

from wsconform import fuzz, provenance
from wsconform.checks import (
    HIDE_CHECK_FRAMES,
    Checker,
    ConformanceFailure,
    Unfinished,
    fail_if_broken,
)
from wsconform.lifecycle import LifecycleEnv
from wsconform.pacing import TooManyConnections
from wsconform.plugin import CHECKER, RUN, TRANSCRIPT, profile_of
from wsconform.profiles.base import Profile
from wsconform.requirements import catalogue
from wsconform.schemas import registry
from wsconform.session import (
    ConnectionFailed,
    ExpectTimeout,
    HandshakeRejected,
    PeerClosed,
    ProbeSession,
    TargetSilent,
    TargetUnreachable,
)
from wsconform.target import Target, WaitTooLong
from wsconform.tokens import RedactingSource, Tokens, TokenUnavailable
from wsconform.transcript import Transcript

T = TypeVar("T")


@pytest.fixture
def profile(request: pytest.FixtureRequest) -> Profile:
    found = profile_of(request.node)
    if found is None:
        raise pytest.UsageError(f"{request.node.nodeid} is not under suites/<profile>/")
    return found


@pytest.fixture
def target(request: pytest.FixtureRequest, profile: Profile) -> Target:
    return request.config.stash[RUN].target(profile)


@pytest.fixture
def transcript(request: pytest.FixtureRequest) -> Iterator[Transcript]:
    t = Transcript(request.config.stash[RUN].redactor)
    request.node.stash[TRANSCRIPT] = t
    with provenance.recording(t.origins):  # the secrets this test makes are noted in it
        yield t


@pytest.fixture
def check(request: pytest.FixtureRequest, profile: Profile, transcript: Transcript) -> Checker:
    run = request.config.stash[RUN]
    checker = Checker(
        catalogue(profile.name),
        registry(profile.schemas.parent),
        run.redactor,
        vendor=profile.schema_vendor,
        strict=run.strict,
        transcript_tail=lambda: transcript.render(last=12),
    )
    request.node.stash[CHECKER] = checker
    return checker


@pytest.fixture
def tokens(request: pytest.FixtureRequest, target: Target) -> Tokens:
    run = request.config.stash[RUN]
    try:
        source = RedactingSource(run.token_source(target), run.redactor)
        declared = run.declared(target.profile)
        declined = declared.kind_declined if declared else lambda kind: None
        return Tokens(source, target, run.token_failures, declined)
    except TokenUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def connect(
    request: pytest.FixtureRequest, target: Target, transcript: Transcript, profile: Profile
) -> Iterator[Callable[..., ProbeSession]]:
    """A factory of connected probe sessions to the target, all closed after the test."""
    run = request.config.stash[RUN]
    sessions: list[ProbeSession] = []

    def open_session(
        headers: list[tuple[str, str]] | None = None,
        subprotocols: list[str] | None = None,
        url: str | None = None,
        refusal_expected: bool = False,
        answer_pings: bool = True,
    ) -> ProbeSession:
        """`refusal_expected`: an HTTP refusal of the upgrade is raised as HandshakeRejected
        for the test to check; otherwise it fails the test, like a connection that fails."""
        fail_if_broken(target)
        url = url or target.url
        session = ProbeSession(
            url,
            transcript,
            headers=[*run.settings.headers, *(headers or [])],
            ssl=target.ssl if url.startswith("wss:") else None,  # the ws:// twin has no TLS
            subprotocols=subprotocols or run.subprotocols(profile),
            op_timeout=run.settings.op_timeout,
            compression=target.compression,
            pacer=run.pacer,
            answer_pings=answer_pings,
        )
        try:
            session.connect()
        except TooManyConnections as exc:
            pytest.skip(str(exc))
        except HandshakeRejected as exc:
            if refusal_expected:
                raise
            pytest.fail(f"{session.url}: {exc} where an upgrade was expected", pytrace=False)
        except TargetUnreachable as exc:
            # It answered the preflight: now it takes no connection (gone, or overwhelmed).
            raise Unfinished(f"the target took no new connection: {exc}") from None
        sessions.append(session)
        return session

    yield open_session
    for session in sessions:
        session.close()


@pytest.fixture
def op_timeout(request: pytest.FixtureRequest) -> float:
    """--op-timeout: how long any one reply is awaited."""
    return request.config.stash[RUN].settings.op_timeout


@pytest.fixture
def wait_past(target: Target) -> Callable[[float], None]:
    """Move past an instant on the target's clock; SKIP when a live wait would be too long."""

    def wait(instant: float) -> None:
        try:
            target.wait_past(instant)
        except WaitTooLong as exc:
            pytest.skip(str(exc))

    return wait


@pytest.fixture
def expect_no_data(check: Checker, target: Target, profile: Profile) -> Callable[..., None]:
    """Let the target publish (exact on the mock, a window live), then check that no data on
    `channel` reached the client, attributed to `req`."""

    def expect(req: str, client: Any, channel: str, what: str) -> None:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        target.settle(client.session)
        leaked = client.session.pending(profile.data_on(channel))
        check.true(
            req, not leaked, what, expected="no data", actual=leaked[0].data if leaked else None
        )

    return expect


@pytest.fixture
def expect_pongs(check: Checker) -> Callable[..., None]:
    """`count` WebSocket pings on `session`, each answered with a pong, judged under `req`. On a
    connection the target just took, no pong is that requirement's miss (FAIL), not a target
    that stopped answering (which would have refused the connection first)."""

    def expect(req: str, session: ProbeSession, count: int = 3) -> None:
        what = f"a pong answers each of {count} pings"
        try:
            for _ in range(count):
                session.barrier()
        except (ExpectTimeout, PeerClosed) as exc:
            check.failed(req, what, "a pong", f"{type(exc).__name__}: {exc}")
            return
        check.passed(req, what)

    return expect


class FuzzClients:
    """One connection for all the examples of a fuzz run, as a real client reuses one; reopened
    when the server has closed it."""

    def __init__(self, client: Callable[[], Any]) -> None:
        self._client = client
        self._current: Any = None

    def __call__(self) -> Any:
        """The run's client, on an open connection."""
        if self._current is None or self._current.session.closed:
            self._current = self._client()
        return self._current

    def run(self, operation: Callable[[Any], T]) -> T:
        """`operation` on the run's client. A server may close a connection after answering the
        last example (closing after a refusal), and that close can cross this example's first
        frame: a reused connection found closed is replaced and `operation` tried once more, so
        only a close that this example provokes fails it."""
        reused = self._current is not None and not self._current.session.closed
        try:
            return operation(self())
        except PeerClosed:
            if not reused:
                raise
        return operation(self())


@pytest.fixture
def fuzz_client(client: Callable[[], Any]) -> FuzzClients:
    """The fuzz run's connection (FuzzClients). Needs the suite's `client` fixture."""
    return FuzzClients(client)


@pytest.fixture
def lifecycle_env(
    request: pytest.FixtureRequest,
    connect: Callable[..., ProbeSession],
    tokens: Tokens,
    target: Target,
    check: Checker,
    profile: Profile,
    wait_past: Callable[[float], None],
    expect_no_data: Callable[..., None],
    op_timeout: float,
    transcript: Transcript,
) -> Iterator[LifecycleEnv]:
    """What a lifecycle state machine (wsconform.lifecycle) acts through. The embedded mock's
    clock is held still meanwhile: the model and the mock then agree on every expiry, however
    slow the machine (a replay that differs as a shrink runs would be hypothesis' Flaky)."""
    run = request.config.stash[RUN]
    budget = run.settings.lifecycle_seconds(live=not target.embedded)
    with target.clock_held():
        yield LifecycleEnv(
            connect,
            tokens,
            target,
            check,
            profile,
            wait_past,
            expect_no_data,
            op_timeout,
            transcript,
            budget,
            functools.partial(run.offers, profile),
        )


@pytest.fixture
def observe_heartbeat(
    connect: Callable[..., ProbeSession],
    target: Target,
    profile: Profile,
    check: Checker,
    op_timeout: float,
) -> Callable[[str], None]:
    """Record, against `req` (INFO), the server's heartbeat beside what the docs say
    (profile.heartbeat): a ping within the interval, and what befalls a client that never
    pongs. The embedded mock's clock jumps; live, this waits about a minute and a half."""

    def observe(req: str) -> None:
        documented = profile.heartbeat
        assert documented is not None, f"{profile.name} documents no server heartbeat"
        every, silent_after = documented.ping_every, documented.close_silent_after
        talker, silent = connect(), connect(answer_pings=False)

        def let_pass(seconds: float) -> float:
            """Let `seconds` of the target's time pass; the timeout of the wait that follows."""
            if target.embedded:
                target.wait_past(target.clock() + seconds, margin=0)
                return op_timeout
            return seconds + op_timeout

        timeout = let_pass(every)
        for session, who in ((talker, "a client"), (silent, "a silent client")):
            try:
                session.expect_ping(f"server ping within {every:g} s", timeout)
                check.info(req, f"{who} got a server ping within {every:g} s, as documented")
            except (ExpectTimeout, PeerClosed) as exc:
                check.info(req, f"{who} got no server ping: {exc}")
            timeout = op_timeout  # the first wait was the real one
        silent.barrier()
        timeout = let_pass(silent_after - every)
        try:
            code = silent.wait_closed(f"close of a client silent for {silent_after:g} s", timeout)
            check.info(req, f"a client that never pongs was closed with code {code}")
        except ExpectTimeout as exc:
            check.info(req, f"a client that never pongs stayed open: {exc}")
        state = "closed" if talker.closed else "still open"
        check.info(req, f"a client that answers pings is {state}")

    return observe


@pytest.fixture
def base_token(tokens: Tokens) -> str:
    """One genuine token per test, that every structural mutation starts from."""
    return tokens.get("valid").value


def _public_key_pem(target: Target) -> bytes | None:
    """The target's public key, where known (the embedded mock's): for algorithm confusion."""
    return getattr(target, "public_key_pem", None)


@pytest.fixture
def fuzzed_tokens(base_token: str, target: Target) -> st.SearchStrategy[fuzz.FuzzToken]:
    """Every family of wsconform.fuzz built from `base_token`, with algorithm confusion where
    the target's public key is known (the embedded mock)."""
    strategy = fuzz.tokens_against(base_token, _public_key_pem(target)).map(_noted)
    # Hypothesis prints a failing test's arguments, fixtures included: this one's repr would be
    # the whole strategy tree (thousands of characters), the drawn token is what matters.
    strategy._repr_pretty_ = lambda printer, cycle: printer.text("<wsconform.fuzz tokens>")  # type: ignore[attr-defined]
    return strategy


def _noted(token: fuzz.FuzzToken) -> fuzz.FuzzToken:
    """A fuzzed token is noted in the transcript by its summary (a replay cannot redo it)."""
    provenance.fuzzed(token.value, f"{token.family}: {token.description}; {token.summary()}")
    return token


def each_known_bad(classes: tuple[str, ...] = tuple(fuzz.KNOWN_BAD)) -> pytest.MarkDecorator:
    """Run a test once per known-bad class (ids such as `[alg-none]`), its token given by the
    `known_bad_token` fixture.

    Why a test of its own beside the fuzz property, and not the property's first examples:
    hypothesis gives no strategy a fixed first draw, and @example cannot take a token built from
    a fixture's base token. The two tests call one check function per profile."""
    return pytest.mark.parametrize("known_bad_token", classes, indirect=True)


@pytest.fixture
def known_bad_token(
    request: pytest.FixtureRequest, base_token: str, target: Target
) -> fuzz.FuzzToken:
    """The token of the known-bad class `request.param` (see each_known_bad), from `base_token`."""
    found = fuzz.known_bad(base_token, _public_key_pem(target))
    if request.param not in found:
        pytest.skip(
            f"no {request.param} token for this target (alg confusion needs the server's "
            "public key, known for the embedded mock only)"
        )
    return _noted(found[request.param])


# -- the target's failures are verdicts, not crashes ---------------------------------------------


# What a test raises when it fails (pytest's skip, xfail and exit pass through untouched).
FAILURES = (Exception, pytest.fail.Exception)
VERDICTS = (ConformanceFailure, pytest.fail.Exception)  # a check's FAIL, a fixture's pytest.fail
TARGET_FAILURES = (ExpectTimeout, PeerClosed, TargetUnreachable)
# What a retry would wait out again: an op timeout, a close timeout, a connect timeout.
UNANSWERED = (ExpectTimeout, ConnectionFailed, TargetUnreachable)


class FuzzRunEnded(BaseException):
    """Ends a hypothesis run at the first example the target leaves unanswered.

    A BaseException, as pytest's own outcomes are, so that hypothesis neither shrinks nor replays
    the example: every retry would wait --op-timeout (or the close timeout) again for an answer
    that does not come, dozens of times: minutes, past the hard test timeout. The test FAILs
    with what ended the run."""

    def __init__(self, failure: BaseException, example: int) -> None:
        super().__init__(str(failure))
        self.failure = failure
        self.example = example


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """`exc` and the exceptions it was raised from or while handling."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _made_of(exc: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    """`exc` is one of `kinds`, or a verdict made of one (a check.scope's FAIL, `connect`'s
    pytest.fail). Any other exception is the suite's own: its stack stays."""
    if isinstance(exc, kinds):
        return True
    return isinstance(exc, VERDICTS) and any(isinstance(e, kinds) for e in _chain(exc))


def _ending_when_unanswered(inner: Callable[..., Any]) -> Callable[..., Any]:
    """A hypothesis inner test (HypothesisHandle.inner_test, reassignable for wrappers) that
    ends the run at the first example the target leaves unanswered."""
    examples = itertools.count(1)

    @functools.wraps(inner)
    def example(*args: Any, **kwargs: Any) -> Any:
        number = next(examples)
        try:
            return inner(*args, **kwargs)
        except FAILURES as exc:
            if not _made_of(exc, UNANSWERED):
                raise
            failure = exc
        raise FuzzRunEnded(failure, number)

    return example


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A suite's test: a timeout or a dropped connection is the target's failure, shown as a
    verdict; a fuzz run ends at the first example the target leaves unanswered."""
    if profile_of(item) is None:
        return (yield)
    handle = getattr(getattr(item, "obj", None), "hypothesis", None)
    inner = handle.inner_test if handle is not None else None
    if handle is not None:
        handle.inner_test = _ending_when_unanswered(inner)
    try:
        return (yield)
    except FuzzRunEnded as ended:
        failure = ended.failure
        note = (
            f"the fuzz run ended at example {ended.example}, which the target left unanswered "
            "(not shrunk: each retry would wait out a timeout again)"
        )
    except FAILURES as exc:
        if not _made_of(exc, TARGET_FAILURES):
            raise
        failure, note = exc, ""
    finally:
        if handle is not None:
            handle.inner_test = inner
    raise _as_verdict(item, failure, note) from None  # the timeout's own stack is not the point


def _as_verdict(item: pytest.Item, failure: BaseException, note: str) -> BaseException:
    """A ConformanceFailure (a check.scope's) or pytest.fail already is a verdict, and keeps its
    requirement. A closed connection FAILs with its reason and the latest wire entries, as a
    check's failure shows them. A time-out no check attributed, or a target that stopped
    answering altogether, is no verdict: the test could not finish (Unfinished, an ERROR)."""
    if note:
        failure.add_note(note)
    silent = any(isinstance(e, TargetSilent) for e in _chain(failure))
    if isinstance(failure, VERDICTS) and not silent:
        return failure
    lines = [f"{type(failure).__name__}: {failure}", *getattr(failure, "__notes__", [])]
    transcript = item.stash.get(TRANSCRIPT, None)
    if transcript is not None and transcript.entries:
        tail = transcript.render(last=12).splitlines()
        lines += ["  wire (latest entries):", *("    " + line for line in tail)]
    # Redacted here, whole: hypothesis' notes are not, and a report redacted later is cut short.
    text = item.config.stash[RUN].redactor.text("\n".join(lines))
    if silent or isinstance(failure, ExpectTimeout):
        return Unfinished(text)
    return pytest.fail.Exception(text, pytrace=False)
