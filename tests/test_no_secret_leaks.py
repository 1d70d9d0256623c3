"""No token or signature reaches any output in full: terminal, JUnit, results, transcripts, the
signed certification bundle and its certificate page, the matrix and the Allure results.

Known tokens are planted through a --token-command that logs every token it hands out; each
profile's suite runs with a defect switched on, so failure messages (which show wire values) are
exercised too, and every connection carries a --header credential. Then every byte the run wrote
is searched for those tokens, their Base-64 (Zenith's AccessToken form), their signatures and
the header's value."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest
from standalone import ROOT, clean_env

from wsconform.profiles import get_profile

API_KEY = "x-api-key-credential-0042"  # a credential header no redactor knows by name
# A signing secret given to the token command as an argument, as people do (issue 21 §4): the
# run records its settings (results, certificate page), and must record this one masked.
COMMAND_SECRET = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
PAIR_SECRET = "hunter2-but-longer"  # a KEY=VALUE argument whose key says it is one
ENV_SECRET = "env-client-secret-7731"  # a secret setting the run read from its environment

# Per profile, a defect that makes tests fail with tokens on the wire (accepted where refused).
DEFECT = {
    "paradex": "accept-forged-signature",
    "zenith": "accept-any-token",
    "ethgas": "accept-any-token",
    "ethgas-op": "accept-any-token",
    "graphql-ws": "accept-any-token",
}


def test_every_profile_is_searched():
    from wsconform.profiles import installed

    assert set(DEFECT) == set(installed())


@pytest.mark.system
@pytest.mark.parametrize("profile", sorted(DEFECT))
def test_no_planted_token_appears_in_any_output(profile: str, tmp_path: Path) -> None:
    key, log, reports = tmp_path / "key.pem", tmp_path / "minted.log", tmp_path / "reports"
    wsconform = Path(sys.executable).with_name("wsconform")
    subprocess.run(
        [wsconform, "mint", profile, "valid", "--key-file", key], check=False, capture_output=True
    )  # creates the key file on first use
    script = tmp_path / "token.sh"
    script.write_text(
        "#!/bin/sh\nshift 3  # --secret, its value and api_key=: taken, as a signing script would\n"
        f't=$("{wsconform}" mint {profile} "$@" --key-file "{key}") || exit $?\n'
        f'echo "$t" >> "{log}"\necho "$t"\n'
    )
    script.chmod(0o755)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(get_profile(profile).suite.relative_to(ROOT)),
         "--profile", profile, "--mock-defect", DEFECT[profile], "--mock-key-file", str(key),
         "--token-command", f"{script} --secret {COMMAND_SECRET} api_key={PAIR_SECRET}",
         "--header", f"X-Api-Key:{API_KEY}",
         "--report-dir", str(reports), "--junitxml", str(reports / "junit.xml"), "-p",
         "no:cacheprovider", "-rA", "--tb=long", "--alluredir", str(reports / "allure"),
         "--signing-key", str(tmp_path / "signing-key.pem")],
        cwd=ROOT, capture_output=True, text=True,
        env=clean_env(WSCONFORM_CLIENT_SECRET=ENV_SECRET),
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:]  # the defect must show up as failures
    subprocess.run(
        [wsconform, "compare", reports / profile / "results.json", "-o", reports / "matrix"],
        check=True, capture_output=True,
    )  # fmt: skip
    assert (reports / "matrix.html").is_file()
    (bundle,) = (reports / "certification").glob(f"{profile}-2*")  # searched with the rest
    assert (bundle / "attestation.intoto.json").is_file()
    assert any((reports / "allure").glob("*-result.json"))
    planted = {line for line in log.read_text().split() if line}
    assert len(planted) >= 10
    secrets = (
        planted
        | {API_KEY, COMMAND_SECRET, PAIR_SECRET, ENV_SECRET}
        | {base64.b64encode(t.encode()).decode() for t in planted}
        | {
            t.rsplit(".", 1)[1]
            for t in planted
            if t.count(".") == 2 and len(t.rsplit(".", 1)[1]) >= 8
        }
    )
    outputs = {"stdout": done.stdout, "stderr": done.stderr}
    outputs |= {str(p): p.read_text(errors="replace") for p in reports.rglob("*") if p.is_file()}
    assert len(outputs) > 10
    leaks = [(name, s[:8]) for name, text in outputs.items() for s in secrets if s in text]
    assert not leaks, f"secrets in output: {leaks[:5]}"
