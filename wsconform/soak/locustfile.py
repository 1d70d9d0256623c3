"""The Locust side of `wsconform soak`, loaded by `locust -f` in the master and in every worker.

SessionUser lives one session through the documented lifecycle (the profile's Flow); BadTokenUser
presents bad tokens on connections of its own at the configured rate. Workers count outcomes per
requirement and send the counts with each Locust report; the master adds them up, triggers the
mock's mass expiry once every user is spawned (and tells the workers, whose token clocks follow
the mock's), and writes the report when it quits."""

from __future__ import annotations

import itertools
import json
import ssl
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import gevent
from gevent.event import Event
from locust import User, constant, constant_throughput, events, task
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from wsconform.profiles import get_profile
from wsconform.soak import report
from wsconform.soak.config import SoakConfig
from wsconform.soak.flow import BAD_KINDS, Flow, SoakContext
from wsconform.soak.report import BAD_SESSION, SESSION
from wsconform.soak.tally import Tally
from wsconform.soak.tokens import worker_tokens
from wsconform.soak.wire import WireError

CONFIG = SoakConfig.from_environment()
PROFILE = get_profile(CONFIG.profile)
FLOW: type[Flow] = PROFILE.soak_flow()
EXPIRED_MESSAGE = "wsconform-expired"

TALLY = Tally()  # a worker's counts since its last report; the master's totals
EXPIRED = Event()  # set in a worker when the master says every token expired (mass expiry)
TOKENS = worker_tokens(CONFIG, PROFILE)
STATE: dict[str, Any] = {}  # the master's: when the run started, when the mass expiry happened
REPORTED: dict[str, float] = {}  # the master's: each worker's last report, monotonic time
LAST_REPORTS = 15.0  # seconds the master waits after the stop for each worker's last counts


def timed(environment: Environment) -> Callable[[str, Callable[[], Any]], Any]:
    """Run a step and report it to Locust's statistics (failures by exception type only: no
    text of the server's, hence no token, reaches Locust's files)."""

    def run(name: str, act: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        failure: Exception | None = None
        try:
            return act()
        except Exception as exc:
            failure = RuntimeError(type(exc).__name__)
            raise
        finally:
            environment.events.request.fire(
                request_type="WS",
                name=name,
                response_time=(time.perf_counter() - began) * 1000,
                response_length=0,
                exception=failure,
                context={},
            )

    return run


def context(environment: Environment) -> SoakContext:
    return SoakContext(
        url=CONFIG.url,
        token=TOKENS.get,
        tally=TALLY,
        timed=timed(environment),
        public_channel=CONFIG.public_channel,
        private_channel=CONFIG.private_channel,
        ca_file=CONFIG.ca_file,
        headers=CONFIG.headers,
        op_timeout=CONFIG.op_timeout,
        resume_within=CONFIG.resume_within,
        quiet_after_expiry=CONFIG.quiet_after_expiry,
    )


class SessionUser(User):
    """One session, connected, authenticated and subscribed, through expiry and re-auth."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.flow = FLOW(context(self.environment))
        self.started = False
        try:
            self.flow.start()
            self.started = self.flow.wire is not None and self.flow.wire.closed is None
        except WireError:
            pass
        TALLY.record(SESSION, None if self.started else "could not connect")

    @task
    def live(self) -> None:
        if not self.started:
            EXPIRED.wait()  # nothing to live through: stay counted as a user until the end
            return
        self.flow.before_expiry()
        self.keep_alive_until(self.expiry, EXPIRED)
        self.flow.after_expiry()
        self.keep_alive_until(lambda: False, Event())  # to the end of the run

    def expiry(self) -> bool:
        """Whether the token has expired: the master's word on the mock (mass expiry), else
        the valid token's own exp."""
        if CONFIG.control_url:
            return EXPIRED.is_set()
        exp = TOKENS.valid_expiry()
        return exp is not None and time.time() >= exp

    def keep_alive_until(self, done: Callable[[], bool], wake: Event) -> None:
        """Keep alive as documented until `done`; `wake` ends a wait early (the expiry)."""
        every = FLOW.KEEPALIVE or 1.0  # without a keepalive, only look at the clock each second
        while not done():
            wake.wait(every)  # at once when `wake` is set, else after a keepalive period
            if FLOW.KEEPALIVE and not done():
                try:
                    self.flow.keepalive()
                except WireError:
                    return  # counted by the keepalive's own requirement

    def on_stop(self) -> None:
        self.flow.close()


if CONFIG.bad_users:  # Locust runs every User class a locustfile defines

    class BadTokenUser(User):
        """Bad tokens, one connection each, alternately forged and expired."""

        fixed_count = CONFIG.bad_users
        wait_time = constant_throughput(CONFIG.bad_token_rate / CONFIG.bad_users)
        kinds = itertools.cycle(BAD_KINDS)

        @task
        def present(self) -> None:
            try:
                FLOW(context(self.environment)).bad_token(next(self.kinds))
            except WireError:
                TALLY.record(BAD_SESSION, "could not connect")


# -- the master and the workers ---------------------------------------------------------------


@events.init.add_listener
def on_init(environment: Environment, **_: Any) -> None:
    if isinstance(environment.runner, WorkerRunner):
        environment.runner.register_message(EXPIRED_MESSAGE, on_expired)


def on_expired(msg: Any, **_: Any) -> None:
    """In a worker: the mock's clock jumped past every token; fresh tokens follow it."""
    TOKENS.follow_clock(msg.data["clock"])
    EXPIRED.set()


@events.report_to_master.add_listener
def on_report_to_master(client_id: str, data: dict[str, Any]) -> None:
    data["wsconform"] = TALLY.drain()


@events.worker_report.add_listener
def on_worker_report(client_id: str, data: dict[str, Any]) -> None:
    TALLY.merge(data.get("wsconform", {}))
    REPORTED[client_id] = time.monotonic()


@events.spawning_complete.add_listener
def on_spawning_complete(user_count: int, **_: Any) -> None:
    runner = STATE.get("runner")
    if CONFIG.control_url and isinstance(runner, MasterRunner) and "expired_at" not in STATE:
        STATE["expired_at"] = None  # once, even if spawning completes again
        gevent.spawn_later(CONFIG.expire_after, mass_expiry, runner)


@events.test_start.add_listener
def on_test_start(environment: Environment, **_: Any) -> None:
    STATE["runner"] = environment.runner
    STATE["started"] = time.time()
    if isinstance(environment.runner, MasterRunner):
        STATE["workers"] = environment.runner.worker_count  # they are gone by the report
        gevent.spawn_later(CONFIG.run_time, finish, environment.runner)


def finish(runner: MasterRunner) -> None:
    """The run's end: the users stop, every worker's last counts come in, then all quit.
    (Locust's own --run-time quits at once and may lose the counts still on their way.)"""
    stopped = time.monotonic()
    runner.stop()
    while any(last < stopped for last in REPORTED.values()):
        if time.monotonic() - stopped > LAST_REPORTS:
            STATE["lost"] = f"a worker's last counts did not come within {LAST_REPORTS:g} s"
            break
        gevent.sleep(0.1)  # polled: Locust has no event for "every worker reported again"
    runner.quit()


def mass_expiry(runner: MasterRunner) -> None:
    """Every token the mock gave out expires at once, on its clock; the workers are told."""
    request = urllib.request.Request(f"{CONFIG.control_url}/expire", data=b"{}", method="POST")
    tls = ssl.create_default_context(cafile=CONFIG.ca_file) if CONFIG.ca_file else None
    try:
        with urllib.request.urlopen(request, timeout=CONFIG.op_timeout, context=tls) as answer:
            clock = json.loads(answer.read())["clock"]
    except (OSError, ValueError, KeyError) as exc:  # said in the report: nothing expired
        STATE["expiry_failed"] = f"POST {CONFIG.control_url}/expire: {exc}"
        return
    STATE["expired_at"] = time.time()
    runner.send_message(EXPIRED_MESSAGE, {"clock": clock})


@events.quitting.add_listener
def on_quitting(environment: Environment, **_: Any) -> None:
    if isinstance(environment.runner, MasterRunner):
        report.write(environment, TALLY, CONFIG, FLOW, STATE)
