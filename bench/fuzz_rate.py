"""Fuzzing throughput (figures, not a timed test). Prints, measured in one run against one
embedded Paradex mock: fuzzed auth attempts per second through the suite's stack (probe
session, transcript, redaction, schema-validated checks, as test_no_fuzzed_token_authenticates
does), next to a bare hypothesis loop sending the same messages over a raw websockets
connection, and their ratio (goal >= 0.6).

    .venv/bin/python bench/fuzz_rate.py [--examples N]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import connect as raw_connect

from wsconform import fuzz
from wsconform.checks import Checker
from wsconform.mock.server import MockContext, MockServer
from wsconform.redact import Redactor
from wsconform.requirements import catalogue
from wsconform.schemas import registry
from wsconform.session import ProbeSession
from wsconform.transcript import Transcript
from wsconform.vendors.paradex.client import ParadexClient
from wsconform.vendors.paradex.mock import ParadexMock
from wsconform.vendors.paradex.protocol import DOCUMENTED_CODES, error_code

ROOT = Path(__file__).resolve().parent.parent


def rate(loop, examples: int) -> float:
    """Examples per second of a hypothesis-driven loop (generation included, as in the suite)."""
    run = settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )(given(data=st.data())(loop))
    start = time.perf_counter()
    run()
    return examples / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--examples", type=int, default=500, help="fuzzed auth attempts per loop (500)")
    examples = ap.parse_args().examples

    server = MockServer(ParadexMock, MockContext()).start()
    assert server.ctx.issuer is not None
    base = server.ctx.issuer.mint("valid")
    strategy = fuzz.tokens(base)

    redactor = Redactor()
    transcript = Transcript(redactor)
    client = ParadexClient(ProbeSession(server.url, transcript).connect())
    check = Checker(catalogue("paradex"), registry(), redactor, vendor="paradex")

    def suite_loop(data: st.DataObject) -> None:  # the body of test_no_fuzzed_token_authenticates
        token = data.draw(strategy)
        reply = client.auth(token.value)
        check.true("PDX-REJ-06", "error" in reply, "refused", expected="error", actual=reply)
        check.schema("PDX-REJ-06", reply, "error")
        check.one_of("PDX-REJ-06", error_code(reply), list(DOCUMENTED_CODES), what="code")

    with raw_connect(server.url, compression=None) as raw:
        ids = iter(range(1, 10**9))

        def bare_loop(data: st.DataObject) -> None:
            token = data.draw(strategy)
            raw.send(
                json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "auth",
                        "params": {"bearer": token.value},
                        "id": next(ids),
                    }
                )
            )
            json.loads(raw.recv(timeout=5))

        bare = rate(bare_loop, examples)
    ours = rate(suite_loop, examples)
    server.stop()
    print(f"fuzzed auth attempts/s, bare hypothesis + raw websockets: {bare:8.0f}")
    print(f"fuzzed auth attempts/s, wsconform probe + checks:        {ours:8.0f}")
    print(f"ratio wsconform/bare: {ours / bare:.2f} (goal >= 0.6)")


if __name__ == "__main__":
    main()
