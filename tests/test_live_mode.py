"""Live mode, proven: every profile's suite runs against `wsconform mock` started as a separate
process, through --endpoint and --token-command exactly as against a vendor's staging, with real
waits (short-lived tokens of a few seconds) and default settings: one defect per profile turns
the tests of the requirement it breaks (--req) red. (The green runs, whole and against the mock
and the independent servers, are the README's own staging commands: tests/test_readme_staging.py.)
Token sources and --insecure, live."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from standalone import ROOT, WSCONFORM, StandaloneMock, run_pytest, standalone_mock

from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer
from wsconform.profiles import get_profile, installed

CLIENT_ID, CLIENT_SECRET = "wsconform-ci", "oauth-client-secret-value"

# Per profile: a defect a live run must catch, and the requirement it breaks. It involves real
# time (expiry), the part of live mode the embedded mock never exercises.
LIVE_DEFECT = {
    "paradex": ("private-data-stops-at-expiry", "PDX-EXP-01"),
    "zenith": ("subscriptions-forgotten-at-expiry", "ZEN-SUB-01"),
    "ethgas": ("private-data-after-expiry", "ETH-EXP-02"),
    "ethgas-op": ("accept-expired", "EOP-EXP-02"),
    "graphql-ws": ("accept-expired", "GQL-REJ-03"),
}

# Live waits kept short, for the tests about token sources and options (not about the verdicts
# of a default run): "no more data" is watched 0.5 s, the fuzzers draw a fifth of their examples.
PACE = ["--observation-window", "0.5", "--fuzz-budget", "0.2", "--op-timeout", "3"]
LIVE_RUN_TIMEOUT = 300  # seconds for a whole default run (measured 40-90 s)


def suite_command(profile: str, mock: StandaloneMock, key: Path, reports: Path) -> list[str]:
    args = [
        str(get_profile(profile).suite.relative_to(ROOT)),
        "--profile", profile,
        "--endpoint", mock.url,
        "--token-command", f"{WSCONFORM} mint {profile} --key-file {key}",
        "--report-dir", str(reports), "-q",
    ]  # fmt: skip
    geo_blocked = mock.line_after("geo-blocked endpoint:")
    if geo_blocked:
        args += ["--extra-endpoint", f"geo-blocked={geo_blocked}"]
    plain = mock.line_after("also plain ws on")
    if plain:
        args += ["--insecure-endpoint", plain]
    return args


def results(reports: Path, profile: str) -> dict:
    return json.loads((reports / profile / "results.json").read_text(encoding="utf-8"))


def test_every_profile_has_a_live_defect():
    assert set(LIVE_DEFECT) == set(installed())


@pytest.mark.system
@pytest.mark.parametrize("profile", sorted(installed()))
def test_a_defect_turns_the_live_run_red_with_default_settings(profile, tmp_path):
    defect, requirement = LIVE_DEFECT[profile]
    key, reports = tmp_path / "key.pem", tmp_path / "reports"
    with standalone_mock(profile, "--key-file", str(key), "--defect", defect) as mock:
        done = run_pytest(
            *suite_command(profile, mock, key, reports), "--req", requirement,
            timeout=LIVE_RUN_TIMEOUT,
        )  # fmt: skip
    assert done.returncode == 1, done.stdout[-4000:]
    verdicts = {r["id"]: r["verdict"] for r in results(reports, profile)["requirements"]}
    assert verdicts[requirement] == "FAIL", done.stdout[-4000:]


@pytest.fixture
def token_endpoint(tmp_path):
    """An RFC 6749 token endpoint (client-credentials grant) issuing the mock's own tokens."""
    key = tmp_path / "key.pem"
    issuer = TokenIssuer.from_key_file(MockClock(), key)
    expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    grants: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            grants.append(form["grant_type"][0])
            if self.headers.get("Authorization") != expected:
                status, body = 401, {"error": "invalid_client"}
            else:
                status = 200
                body = {"access_token": issuer.mint("valid"), "token_type": "Bearer"}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/connect/token", key, grants
    server.shutdown()
    server.server_close()


@pytest.mark.system
def test_oauth_and_static_tokens_drive_a_live_run(token_endpoint, tmp_path):
    """Valid tokens from a token endpoint, an expired one given statically; the kinds neither
    can give (short-lived) SKIP naming the option that would enable them. No secret leaks."""
    url, key, grants = token_endpoint
    reports = tmp_path / "reports"
    expired = TokenIssuer.from_key_file(MockClock(), key).mint("expired")
    with standalone_mock("paradex", "--key-file", str(key)) as mock:
        done = run_pytest(
            "suites/paradex", "--profile", "paradex", "--endpoint", mock.url,
            "--token-url", url, "--client-id", CLIENT_ID,
            "--expired-token", expired, "--report-dir", str(reports), "-rs", *PACE,
            env={"WSCONFORM_CLIENT_SECRET": CLIENT_SECRET},
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:]
    assert grants and set(grants) == {"client_credentials"}
    document = results(reports, "paradex")
    skipped = [t["message"] for t in document["tests"] if t["outcome"] == "skipped"]
    assert any("'short-lived'" in m and "--token-command" in m for m in skipped), skipped
    passed = {t["nodeid"].split("::")[1] for t in document["tests"] if t["outcome"] == "passed"}
    assert "test_expired_token_is_rejected_with_40111" in passed
    outputs = [done.stdout, done.stderr, *(p.read_text() for p in reports.rglob("*.*"))]
    assert not [o for o in outputs if CLIENT_SECRET in o or expired in o]
    assert "--client-secret=" in done.stdout  # the header says where it came from, masked


@pytest.mark.system
def test_insecure_is_said_loudly(tmp_path):
    key, reports = tmp_path / "key.pem", tmp_path / "reports"
    tls = ["--tls", "--ca-out", str(tmp_path / "ca.pem")]
    with standalone_mock("paradex", "--key-file", str(key), *tls) as mock:
        done = run_pytest(
            *suite_command("paradex", mock, key, reports), "--insecure", "-k", "valid_jwt", *PACE
        )
    assert done.returncode == 0, done.stdout[-4000:]
    assert "TLS CERTIFICATES ARE NOT VERIFIED (--insecure)" in done.stdout  # the run's header
    assert "TLS certificates were NOT verified" in done.stdout  # the verdict table
    document = results(reports, "paradex")
    assert document["tls_verified"] is False and "TLS NOT VERIFIED" in document["target"]
