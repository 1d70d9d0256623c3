"""Model-based testing of a profile's authentication lifecycle, as hypothesis state machines.

A profile's machine (suites/<dir>/test_lifecycle.py) subclasses LifecycleMachine. Its rules act on
the target: connect, authenticate with each kind of token through each documented path,
subscribe and unsubscribe (public and private), let time pass beyond a token's expiry,
re-authenticate, reconnect. Each rule also moves a model of what the requirement catalogue says
every connection is entitled to, and the invariants compare the target with the model: private
data only while entitled, public data whenever subscribed, every reply schema-valid, the
documented expiry and replay signals in the documented order. Where the documents are silent the
model allows every behaviour and records (INFO) which was seen.

A failure on the embedded mock shrinks to a minimal sequence of steps, which hypothesis prints
(with the `@reproduce_failure` blob, or the run's seed) beside the check's message and the wire.
"""

from __future__ import annotations

import functools
import time
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar, cast

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, precondition, run_state_machine_as_test

from wsconform import progress
from wsconform.checks import Checker
from wsconform.jwt_forge import FORGED
from wsconform.lifecycle_kit import LIFETIME, REUSE_MARGIN
from wsconform.profiles.base import Profile
from wsconform.session import ExpectTimeout, Frame, Predicate, ProbeSession
from wsconform.target import Target
from wsconform.tokens import Token, Tokens
from wsconform.transcript import Transcript

# A lifecycle example is a sequence of steps, each a few round trips: a fifth of the hypothesis
# profile's examples (ci: 20 sequences), each of at most STEPS steps.
EXAMPLES_DIVISOR = 5
STEPS = 12
F = TypeVar("F", bound=Callable[..., None])


@dataclass(frozen=True)
class LifecycleEnv:
    """What a machine acts through: the test's fixtures."""

    connect: Callable[..., ProbeSession]
    tokens: Tokens
    target: Target
    check: Checker
    profile: Profile
    wait_past: Callable[[float], None]
    expect_no_data: Callable[..., None]
    op_timeout: float
    transcript: Transcript  # the test's: the machine marks where each example and step begin
    budget: float | None = None  # seconds of exploration (--lifecycle-budget); None: no limit
    # Whether the server offers an optional feature of the profile (the capability statement):
    # a rule that needs one it lacks takes another path.
    offers: Callable[[str], bool] = lambda feature: True


class BudgetSpent(BaseException):
    """Ends a machine's exploration once its wall-clock budget is spent. A BaseException, as
    pytest's own outcomes are, so that hypothesis neither replays nor shrinks the example it
    ends: the checks made so far stand, and run_lifecycle returns as hypothesis would."""


RULE = "execute:rule:"  # hypothesis' key for a rule's run time in a step's runtimes
SHOWN_STATES = 6  # model states named in the summary (all are counted)


@dataclass
class Exploration:
    """How far a machine got: sequences and steps run, rules reached, model states seen."""

    budget: float | None
    started: float = field(default_factory=time.monotonic)
    sequences: int = 0
    steps: int = 0
    rules: set[str] = field(default_factory=set)
    states: set[str] = field(default_factory=set)
    all_rules: list[str] = field(default_factory=list)  # the machine's rules, by name
    spent: bool = False

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return float("inf") if self.budget is None else self.budget - self.elapsed()

    def stop_if_spent(self, before: float = 0.0) -> None:
        """Stop exploring when the budget is spent, or would be after `before` more seconds."""
        if self.remaining() < before or self.remaining() <= 0:
            self.spent = True
            raise BudgetSpent()

    def summary(self) -> str:
        missed = sorted(set(self.all_rules) - self.rules)
        stop = (
            f"stopped when its {self.budget:g} s budget (--lifecycle-budget) was spent"
            if self.spent
            else "ran every example"
        )
        return (
            f"lifecycle exploration: {self.sequences} sequences, {self.steps} steps in "
            f"{self.elapsed():.1f} s ({stop}); rules reached {len(self.rules)} of "
            f"{len(self.all_rules)}"
            + (f" (not reached: {', '.join(missed)})" if missed else "")
            + f"; model states seen {len(self.states)}"
            + (f", e.g. {'; '.join(sorted(self.states)[:SHOWN_STATES])}" if self.states else "")
        )


_exploring: Exploration | None = None  # set while run_lifecycle runs (one test at a time)


def at_most(times: int) -> Callable[[F], F]:
    """A rule that runs at most `times` in an example. Hypothesis likes to repeat a rule, and
    an example's dozen steps should reach different parts of the lifecycle."""

    def budgeted(rule_function: F) -> F:
        name = rule_function.__name__

        @functools.wraps(rule_function)
        def counted(self: LifecycleMachine, *args: Any, **kwargs: Any) -> None:
            self.used[name] += 1
            rule_function(self, *args, **kwargs)

        return cast(F, precondition(lambda self: self.used[name] < times)(counted))

    return budgeted


class LifecycleMachine(RuleBasedStateMachine):
    """The shared part of every profile's machine: its environment, the connections one example
    opened (closed when the example ends, so examples do not pile up connections), and time."""

    def __init__(self, env: LifecycleEnv) -> None:
        super().__init__()
        self.env = env
        self.sessions: list[ProbeSession] = []
        # The exploration of the run_lifecycle in progress: this machine is one more sequence.
        self.exploration = _exploring or Exploration(None)
        self.exploration.stop_if_spent()
        self.exploration.sequences += 1
        state = self.setup_state()
        self.exploration.all_rules = [
            r.function.__name__ for r in (*state.initializers, *state.rules)
        ]
        self._ran: dict[str, float] = {}
        self.used: Counter[str] = Counter()  # rule → runs in this example (at_most)
        env.transcript.note(f"── lifecycle example {self.exploration.sequences} ──")

    def model_state(self) -> str:
        """The model's state in a few words, for the exploration's coverage (per machine)."""
        return ""

    def check_invariants(
        self, run_settings: Any, output: Callable[[str], object], runtimes: dict[str, float]
    ) -> None:
        """After every step: the invariants, then the coverage, then the budget."""
        super().check_invariants(run_settings, output, runtimes)
        exploration = self.exploration
        ran = [k for k, v in runtimes.items() if k.startswith(RULE) and self._ran.get(k) != v]
        self._ran = dict(runtimes)
        if ran:  # hypothesis checks once before the first step too
            exploration.steps += 1
            exploration.rules.update(k.removeprefix(RULE) for k in ran)
            state = self.model_state()
            if state:
                exploration.states.add(state)
            step = ", ".join(k.removeprefix(RULE) for k in ran)
            progress.say(progress.STEPS, f"lifecycle step {exploration.steps}: {step} → {state}")
            # Ends the step whose frames are above it, and so begins the next one's.
            said = f"── step {exploration.steps} done: {step}" + (f" → {state}" if state else "")
            self.env.transcript.note(said)
        exploration.stop_if_spent()

    def open(self, **connect_args: Any) -> ProbeSession:
        """A new connection, closed at the end of this example."""
        session = self.env.connect(**connect_args)
        self.sessions.append(session)
        return session

    def let_time_pass(self, instant: float) -> None:
        """Move past `instant` on the target's clock: a jump of the embedded mock's clock, a
        bounded real wait on a live target (--max-expiry-wait, or the test SKIPs). A wait past
        what is left of the budget ends the exploration instead."""
        if not self.env.target.embedded:
            self.exploration.stop_if_spent(before=instant - self.env.target.clock())
        self.env.wait_past(instant)

    def expect_settled(self, session: ProbeSession, predicate: Predicate, what: str) -> Frame:
        """The first frame `predicate` matches: what must have come. Live, the op timeout is
        waited. On the embedded mock nothing is: a barrier brings a reply already sent, a
        settle what comes when the mock publishes, and what has not come by then will not
        (expect_no_data relies on the same). So a failing example, replayed dozens of times
        as it shrinks, costs no op timeout."""
        if not self.env.target.embedded:
            return session.expect(predicate, what)
        if not session.pending(predicate):
            session.barrier()  # a reply already sent: no publishing in between
        if not session.pending(predicate):
            self.env.target.settle(session)
        try:
            return session.expect(predicate, what, timeout=0)
        except ExpectTimeout:
            raise ExpectTimeout(f"no {what} once the mock had settled") from None

    def teardown(self) -> None:
        for session in self.sessions:
            session.close()


def run_lifecycle(
    env: LifecycleEnv, factory: Callable[[], LifecycleMachine], steps: int = STEPS
) -> None:
    """Run a machine under the hypothesis profile in force (so --fuzz-budget, the seed and
    derandomization apply), with a fifth of its examples, each up to `steps` steps.

    A live target's failure is reported as found, not shrunk: every replay would wait for real
    expiries again (one shrink took three minutes), and the mock's runs shrink the same rules.
    With a budget (env.budget), exploration stops when it is spent; either way the test's report
    says how far it got."""
    current = settings.default
    dropped = {Phase.explain} if env.target.embedded else {Phase.explain, Phase.shrink}
    global _exploring
    exploration = _exploring = Exploration(env.budget)
    try:
        # `factory` itself, unwrapped: hypothesis derives a derandomized run's seed from it.
        run_state_machine_as_test(
            factory,
            settings=settings(
                current,
                max_examples=max(1, current.max_examples // EXAMPLES_DIVISOR),
                stateful_step_count=steps,
                # One bug, shrunk, is the verdict: several would come as an ExceptionGroup that
                # names no requirement. The explain phase replays steps for minutes and adds
                # nothing here.
                report_multiple_bugs=False,
                phases=[phase for phase in current.phases if phase not in dropped],
            ),
        )
    except BudgetSpent:
        pass  # exploration ends as hypothesis' would: the checks made so far are the verdict
    finally:
        _exploring = None
        env.check.note(exploration.summary())
        progress.say(progress.WAITS, exploration.summary())


class TokenPool:
    """The tokens of one test, shared by its examples while they are fit for use.

    Each new token is one more secret the run's redactor scans every frame for, and a shrinking
    run has hundreds of examples: so a valid, limited or expired token is kept (a valid one while
    it has `keep_for` seconds to live: REUSE_MARGIN, or less where the vendor's tokens live
    less), and a forgery is made once per valid token. A short-lived token is always new: its
    exp is the point. Get the test's pool with `TokenPool.of(tokens, clock)`.
    """

    _pools: ClassVar[weakref.WeakKeyDictionary[Tokens, TokenPool]] = weakref.WeakKeyDictionary()

    def __init__(
        self, tokens: Tokens, clock: Callable[[], float], keep_for: float = REUSE_MARGIN
    ) -> None:
        self.tokens = tokens
        self.clock = clock
        self.keep_for = keep_for
        self._kept: dict[str, Token] = {}
        self._forged: dict[tuple[str, str], str] = {}
        self._unavailable: set[str] = set()

    @classmethod
    def of(
        cls, tokens: Tokens, clock: Callable[[], float], keep_for: float = REUSE_MARGIN
    ) -> TokenPool:
        """The pool of the test whose token source is `tokens` (one per test)."""
        pool = cls._pools.get(tokens)
        if pool is None:
            pool = cls._pools[tokens] = cls(tokens, clock, keep_for)
        return pool

    def get(self, kind: str, lifetime: float = LIFETIME) -> Token | None:
        """A token of `kind` (`short-lived` ones live `lifetime` seconds), or None when the source
        cannot give it: the rule that wanted it then does nothing. Without valid tokens the
        test SKIPs, as every other test of the suite."""
        if kind in self._unavailable:
            return None
        kept = self._kept.get(kind)
        if kept is not None and self._fit(kept):
            return kept
        try:
            token = self.tokens.get(kind, lifetime if kind == "short-lived" else None)
        except pytest.skip.Exception:
            if kind == "valid":
                raise
            self._unavailable.add(kind)
            return None
        if kind != "short-lived":
            self._kept[kind] = token
        return token

    def valid(self) -> Token:
        token = self.get("valid")
        assert token is not None  # get("valid") SKIPs rather than return None
        return token

    def forged(self, kind: str) -> str:
        """A FORGED forgery of the current valid token."""
        valid = self.valid().value
        key = (kind, valid)
        if key not in self._forged:
            self._forged[key] = FORGED[kind](valid)
        return self._forged[key]

    def bad(self, kind: str) -> str | None:
        """A token the server must refuse: the expired one (None where the source has none), or
        a FORGED forgery of the valid one."""
        if kind != "expired":
            return self.forged(kind)
        expired = self.get("expired")
        return None if expired is None else expired.value

    def _fit(self, token: Token) -> bool:
        if token.kind == "expired" or token.expires_at is None:
            return True
        return token.expires_at > self.clock() + self.keep_for
