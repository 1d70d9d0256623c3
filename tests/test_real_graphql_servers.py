"""The graphql-ws profile judged against real servers written by others (tests/graphql_servers:
the graphql-ws reference server and Apollo Server from npm, strawberry-graphql and ariadne from
PyPI, each pinned, each configured only through its library's authentication hook), each
started as a separate process and run against as a user runs the suite against staging:
default settings, real waits, CI=true.

Every MUST and SHOULD verdict that is not PASS must be one tests/graphql_servers/expected.toml
lists for that server, with the reason it is a deviation; an entry that no longer deviates fails
too. No test may end in ERROR: a real server is no reason for the suite not to finish.
docs/graphql-ws-servers.md is the matrix these runs make (tests/graphql_servers_matrix.py).
"""

from __future__ import annotations

import pytest
from real_graphql_servers import SERVERS, expected, judge, missing

from wsconform.requirements import catalogue

JUDGED_LEVELS = ("MUST", "SHOULD")


@pytest.mark.system
@pytest.mark.parametrize("server", sorted(SERVERS))
def test_a_real_server_deviates_only_where_expected(server, tmp_path):
    if reason := missing(server):
        pytest.skip(reason)
    results = judge(server, tmp_path)
    errored = [t["nodeid"] for t in results["tests"] if t["outcome"] == "error"]
    assert not errored, [t["message"] for t in results["tests"] if t["outcome"] == "error"]
    deviations = {
        r["id"]: r["verdict"]
        for r in results["requirements"]
        if r["level"] in JUDGED_LEVELS and r["verdict"] != "PASS"
    }
    listed = {req: entry["verdict"] for req, entry in expected().get(server, {}).items()}
    unexpected = {r: v for r, v in deviations.items() if listed.get(r) != v}
    stale = {r: v for r, v in listed.items() if deviations.get(r) != v}
    assert not unexpected, f"{server}: deviations expected.toml does not list: {unexpected}"
    assert not stale, f"{server}: expected.toml lists deviations no longer seen: {stale}"


def test_every_expected_deviation_names_a_real_server_and_a_judged_requirement():
    requirements = catalogue("graphql-ws").requirements
    for server, entries in expected().items():
        assert server in SERVERS, server
        for req, entry in entries.items():
            assert requirements[req].level.value in JUDGED_LEVELS, req
            assert entry["verdict"] in ("FAIL", "WARN") and entry["reason"], (server, req)
