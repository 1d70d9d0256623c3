"""Probe cost benchmark (figures, not a timed test). Prints, measured in one run against one
embedded Paradex mock (in-process, on its own thread, as a pytest run embeds it):

1. raw: µs per round trip of a websockets sync client, for a ping/pong (a floor) and for a
   JSON-RPC request and its reply;
2. probe: µs per request through the suite's stack: ProbeSession (transcript, pending frames),
   ParadexClient's request path, Checker.schema on the reply, and the transcript rendered (so
   redacted, by a redactor holding the run's tokens) as the suite writes it at a test's end;
3. where the probe's time goes (each piece timed alone), and the ratio probe/raw with its goal.

Each figure is the median of --repeats runs of --requests requests (their minimum beside it),
the figures interleaved repeat by repeat so that the machine's noise falls on all of them alike.

    .venv/bin/python bench/probe_cost.py [--requests N] [--repeats R] [--method subscribe|auth]
    .venv/bin/python bench/probe_cost.py --profile   # the probe path's hotspots (cProfile)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import connect as async_connect
from websockets.sync.client import connect as raw_connect

from wsconform.checks import Checker
from wsconform.mock.server import MockContext, MockServer
from wsconform.redact import Redactor
from wsconform.requirements import catalogue
from wsconform.schemas import registry
from wsconform.session import ProbeSession, event_loop
from wsconform.transcript import Transcript
from wsconform.vendors.paradex.client import ParadexClient
from wsconform.vendors.paradex.mock import ParadexMock
from wsconform.vendors.paradex.profile import PROFILE as PARADEX

GOAL = 1.5  # probe µs per request / raw µs per request
TIMEOUT = 5.0  # seconds: every wait of this script is bounded (the suite's default --op-timeout)
WARMUP = 300  # requests per figure before timing: imports, schema compilation, caches
CHANNEL = PARADEX.public_channel  # data flows on it only while subscribed: a stray frame is rare
# The token kinds a Paradex run mints (and so its redactor holds) besides the valid one.
OTHER_KINDS = ("expired", "limited", "bad-signature", "alg-none", "wrong-key")


@dataclass(frozen=True)
class Call:
    """One JSON-RPC request of the measured loop, and how the suite checks its reply."""

    method: str
    params: dict[str, Any]
    req: str  # requirement the schema check is attributed to (suites/paradex/requirements.toml)
    schema: str


def calls(method: str, token: str) -> list[Call]:
    """The cycle of requests: subscribe/unsubscribe alternate (each answered at once, and the
    mock's state back where it began), or auth with the valid token again and again."""
    if method == "auth":
        return [Call("auth", {"bearer": token}, "PDX-AUTH-01", "auth-success")]
    channel = {"channel": CHANNEL}
    return [
        Call("subscribe", channel, "PDX-SUB-01", "subscribe-result"),
        Call("unsubscribe", channel, "PDX-SUB-02", "unsubscribe-result"),
    ]


def cycle(items: list[Call], n: int) -> Iterator[Call]:
    return (items[i % len(items)] for i in range(n))


def per_request_us(seconds: float, n: int) -> float:
    return seconds / n * 1e6


# -- raw websockets -----------------------------------------------------------------------------


def raw_ping(url: str, n: int) -> float:
    """µs per ping/pong round trip, sync client: the floor of any request/reply."""
    with raw_connect(url, compression=None) as ws:
        start = time.perf_counter()
        for _ in range(n):
            if not ws.ping().wait(TIMEOUT):
                raise TimeoutError(f"no pong within {TIMEOUT:g} s")
        return per_request_us(time.perf_counter() - start, n)


def raw_requests(url: str, cyc: list[Call], n: int) -> float:
    """µs per request/reply, sync client, doing what a minimal client must: build, encode,
    send, receive, decode."""
    with raw_connect(url, compression=None) as ws:
        start = time.perf_counter()
        for i, call in enumerate(cycle(cyc, n), 1):
            message = {"jsonrpc": "2.0", "method": call.method, "params": call.params, "id": i}
            ws.send(json.dumps(message))
            while "id" not in json.loads(ws.recv(timeout=TIMEOUT)):
                pass  # a data notification the mock's pump sent while subscribed: not the reply
        return per_request_us(time.perf_counter() - start, n)


def driven_requests(url: str, cyc: list[Call], n: int) -> float:
    """µs per request/reply, websockets' asyncio client driven as ProbeSession drives it: one
    run_until_complete for the send and one for the reply, on the suite's event loop. The
    difference from raw is the driving model's; the rest of the probe's cost is the suite's."""
    loop = event_loop()
    ws = loop.run_until_complete(async_connect(url, compression=None, open_timeout=TIMEOUT))

    async def reply() -> None:
        while "id" not in json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT)):
            pass

    try:
        start = time.perf_counter()
        for i, call in enumerate(cycle(cyc, n), 1):
            message = {"jsonrpc": "2.0", "method": call.method, "params": call.params, "id": i}
            loop.run_until_complete(asyncio.wait_for(ws.send(json.dumps(message)), TIMEOUT))
            loop.run_until_complete(reply())
        return per_request_us(time.perf_counter() - start, n)
    finally:
        loop.run_until_complete(asyncio.wait_for(ws.close(), TIMEOUT))


# -- the suite's stack --------------------------------------------------------------------------


class Probe:
    """One test's worth of the suite's stack: a fresh transcript, checker and connection, with
    the run's redactor, authenticated as the suite's `authenticate` fixture does."""

    def __init__(self, url: str, redactor: Redactor, token: str) -> None:
        self.transcript = Transcript(redactor)
        self.session = ProbeSession(url, self.transcript, op_timeout=TIMEOUT).connect()
        self.client = ParadexClient(self.session)
        self.check = Checker(
            catalogue("paradex"),
            registry(),
            redactor,
            vendor="paradex",
            transcript_tail=lambda: self.transcript.render(last=12),
        )
        reply = self.client.auth(token)  # puts the token on the wire and in the transcript
        self.check.schema("PDX-AUTH-01", reply, "auth-success", what="a valid JWT authenticates")

    def request(self, call: Call) -> dict[str, Any]:
        """ParadexClient's request path, as a test calls it (auth() also registers the bearer
        with the redactor and counts the attempt against --max-rate)."""
        if call.method == "auth":
            return self.client.auth(call.params["bearer"])
        return self.client.call(call.method, call.params)

    def close(self) -> None:
        self.session.close()


def probe_requests(
    url: str, redactor: Redactor, token: str, cyc: list[Call], n: int, *, schema: bool
) -> tuple[float, float]:
    """(µs per request of the loop, µs per request of rendering its transcript, redaction
    included); the loop checks each reply's schema when `schema`."""
    probe = Probe(url, redactor, token)
    try:
        start = time.perf_counter()
        for call in cycle(cyc, n):
            reply = probe.request(call)
            if schema:
                probe.check.schema(call.req, reply, call.schema)
        looped = time.perf_counter() - start
        start = time.perf_counter()
        rendered = probe.transcript.render()  # the suite's _write_transcript, at the test's end
        render = time.perf_counter() - start
    finally:
        probe.close()
    if token in rendered:
        raise AssertionError("the rendered transcript holds the token: redaction did not run")
    return per_request_us(looped, n), per_request_us(render, n)


def schema_alone(check: Checker, replies: list[tuple[Call, dict[str, Any]]], n: int) -> float:
    """µs per Checker.schema on replies the probe received (validation and the pass record)."""
    start = time.perf_counter()
    for i in range(n):
        call, reply = replies[i % len(replies)]
        check.schema(call.req, reply, call.schema)
    return per_request_us(time.perf_counter() - start, n)


def redact_alone(redactor: Redactor, texts: list[str], n: int) -> float:
    """µs per request for Redactor.text over the request's and the reply's frames."""
    start = time.perf_counter()
    for i in range(n):
        redactor.text(texts[(2 * i) % len(texts)])
        redactor.text(texts[(2 * i + 1) % len(texts)])
    return per_request_us(time.perf_counter() - start, n)


# -- the run ------------------------------------------------------------------------------------


def replies_of(probe: Probe, cyc: list[Call]) -> list[tuple[Call, dict[str, Any]]]:
    """One reply per call of the cycle, from the probe's own connection (still open)."""
    return [(call, probe.request(call)) for call in cyc]


def run_redactor(server: MockServer) -> tuple[Redactor, str]:
    """The run's redactor, holding the tokens a Paradex run's token source hands out (each
    registered as a credential, as RedactingSource does), and the valid token."""
    assert server.ctx.issuer is not None
    redactor = Redactor()
    token = server.ctx.issuer.mint("valid")
    for secret in (token, *(server.ctx.issuer.mint(kind) for kind in OTHER_KINDS)):
        redactor.add_credential(secret)
    return redactor, token


def measure(
    url: str, redactor: Redactor, token: str, method: str, n: int, repeats: int
) -> dict[str, list[float]]:
    """µs per request of every figure in each repeat, the figures interleaved repeat by repeat
    (so that a burst of other load on the machine falls on all of them alike)."""
    cyc = calls(method, token)
    figures: dict[str, list[float]] = {}

    def one_repeat(size: int) -> dict[str, float]:
        full_loop, full_render = probe_requests(url, redactor, token, cyc, size, schema=True)
        bare_loop, _ = probe_requests(url, redactor, token, cyc, size, schema=False)
        probe = Probe(url, redactor, token)
        try:
            replies = replies_of(probe, cyc)
            texts = [e.text for e in probe.transcript.entries if e.kind in ("→", "←")][-4:]
            schema = schema_alone(probe.check, replies, size)
        finally:
            probe.close()
        return {
            "raw ping": raw_ping(url, size),
            "raw": raw_requests(url, cyc, size),
            "driven": driven_requests(url, cyc, size),
            "probe request": bare_loop,
            "probe request + schema": full_loop,
            "render": full_render,
            "probe": full_loop + full_render,
            "schema alone": schema,
            "redact alone": redact_alone(redactor, texts, size),
        }

    one_repeat(WARMUP)
    for _ in range(repeats):
        for name, value in one_repeat(n).items():
            figures.setdefault(name, []).append(value)
    return figures


def profile_probe(
    url: str, redactor: Redactor, token: str, method: str, n: int, top: int = 18
) -> None:
    """The probe path alone under cProfile (this thread only: the mock's thread is not in it):
    the functions with the most time, in µs per request and in share of the profiled loop.
    cProfile inflates Python-heavy code, so shares are the figure to read, not absolute µs."""
    cyc = calls(method, token)
    probe_requests(url, redactor, token, cyc, WARMUP, schema=True)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(probe_requests, url, redactor, token, cyc, n, schema=True)
    total = time.perf_counter() - start
    # pstats' table: (file, line, function) -> (primitive calls, calls, own time, cumulative, ...)
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    print(f"cProfile of the probe path: {per_request_us(total, n):.1f} µs per request, profiled")
    for title, column in (("own time", 2), ("cumulative time", 3)):
        print(f"  {'µs/request':>10} {'share':>6} {'calls/req':>9}  function, by {title}")
        ranked = sorted(table.items(), key=lambda item: item[1][column], reverse=True)
        for (file, line, name), row in ranked[:top]:
            where = f"{file.rsplit('/', 2)[-1]}:{line}({name})" if line else name
            us, share = per_request_us(row[column], n), row[column] / total * 100
            print(f"  {us:10.1f} {share:5.1f}% {row[1] / n:9.2f}  {where}")


def report(figures: dict[str, list[float]], method: str, n: int) -> None:
    """Each figure as the median of the repeats (the headline) and their minimum (the least
    disturbed by other load on the machine)."""
    med = {name: statistics.median(values) for name, values in figures.items()}
    low = {name: min(values) for name, values in figures.items()}
    med["session"] = med["probe request"] - med["driven"]
    low["session"] = low["probe request"] - low["driven"]

    def line(label: str, key: str, note: str = "") -> None:
        print(f"  {label:50} {med[key]:8.1f} {low[key]:8.1f}{note}")

    what = "subscribe/unsubscribe, alternating" if method == "subscribe" else "auth, valid token"
    repeats = len(figures["raw"])
    print(f"request: {what}; {repeats} repeats of {n} requests; µs per request")
    print(f"  {'':50} {'median':>8} {'min':>8}")
    print("raw websockets sync client:")
    line("ping/pong round trip (reference floor)", "raw ping")
    line("JSON-RPC request/reply", "raw")
    print("probe (ProbeSession + ParadexClient + Checker.schema + transcript render):")
    line("per request", "probe")
    print("breakdown:")
    line("asyncio client driven by run_until_complete", "driven", "  the driving model")
    line("probe request (session, transcript, client)", "probe request")
    line("  + Checker.schema on the reply", "probe request + schema")
    line("  + transcript render at the end (redaction)", "render")
    line("Checker.schema alone", "schema alone")
    line("Redactor.text alone, request + reply frames", "redact alone")
    line("session + client over the driven client", "session", "  by difference")
    for label, fig in (("median", med), ("min", low)):
        ratio, driven = fig["probe"] / fig["raw"], fig["driven"] / fig["raw"]
        print(
            f"ratio probe/raw ({label}): {ratio:.2f} (goal <= {GOAL:g}); "
            f"driven/raw: {driven:.2f} (the driving model alone)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--requests", type=int, default=2000, help="requests per repeat (2000)")
    ap.add_argument("--repeats", type=int, default=5, help="repeats; the median is shown (5)")
    ap.add_argument(
        "--method",
        choices=("subscribe", "auth"),
        default="subscribe",
        help="the request: subscribe/unsubscribe to a public channel (cheapest on the mock), "
        "or auth with a valid token (an ES256 verification on the mock each time)",
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="instead of the figures, profile the probe path (cProfile) and print its hotspots",
    )
    args = ap.parse_args()
    if args.requests < 2 or args.repeats < 1:
        ap.error("--requests must be >= 2 and --repeats >= 1")

    server = MockServer(ParadexMock, MockContext()).start(timeout=TIMEOUT)
    try:
        redactor, token = run_redactor(server)
        if args.profile:
            profile_probe(server.url, redactor, token, args.method, args.requests)
            return
        figures = measure(server.url, redactor, token, args.method, args.requests, args.repeats)
    finally:
        server.stop()
    report(figures, args.method, args.requests)


if __name__ == "__main__":
    main()
