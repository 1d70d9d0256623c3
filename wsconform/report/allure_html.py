"""Render allure-pytest results as one self-contained HTML file with Allure Report 3.

The tool is the npm package `allure`, pinned by tools/allure/package-lock.json and installed
there with `npm ci` on first use. Rendering itself needs no network: the single-file report
inlines its scripts, styles and data, and strip_analytics() removes the one thing that would
still reach out (Google Analytics, which the report template always emits).
`wsconform certify` calls render() after the run; without Node.js it says so and goes on.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from wsconform.layout import CHECKOUT, DATA

# The repository pins the tool here; an installed wheel has no tools/: _ensure_tool says so.
TOOL_DIR = (CHECKOUT or DATA) / "tools" / "allure"
CLI = TOOL_DIR / "node_modules" / "allure" / "cli.js"
REPORT_NAME = "wsconform certify"
REPORT_FILE = "index.html"
# allure 3.18's dependencies (chokidar, readdirp) declare node >= 20.19.
MIN_NODE = (20, 19)
INSTALL_TIMEOUT = 300.0
RENDER_TIMEOUT = 300.0

# A script or link whose src/href is absolute http(s) or protocol-relative loads from a host.
_TAG = re.compile(r"<(script|link)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)
_URL_ATTR = re.compile(r"\b(?:src|href)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
_REMOTE = re.compile(r"\s*(?:https?:)?//", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
# Inline code that sets up analytics; matched narrowly so report data is never touched.
_ANALYTICS = re.compile(
    r"function\s+gtag\s*\(|gtag\s*\(\s*['\"]config|googletagmanager\.com|google-analytics\.com",
    re.IGNORECASE,
)


class AllureUnavailable(RuntimeError):
    """Node.js, npm or the pinned tool cannot be had here: skip the HTML report, don't fail."""


class AllureFailed(RuntimeError):
    """The tool ran and did not produce a report."""


def _loads_remote(attrs: str) -> bool:
    for m in _URL_ATTR.finditer(attrs):
        value = next(g for g in m.groups() if g is not None)
        if _REMOTE.match(value):
            return True
    return False


def strip_analytics(html: str) -> str:
    """Drop script/link tags that load from http(s) hosts and inline analytics scripts."""
    out: list[str] = []
    pos = 0
    while m := _TAG.search(html, pos):
        tag, attrs = m.group(1).lower(), m.group(2)
        end = m.end()
        body = ""
        if tag == "script":
            close = _SCRIPT_END.search(html, end)
            body = html[end : close.start()] if close else html[end:]
            end = close.end() if close else len(html)
        drop = _loads_remote(attrs) or bool(_ANALYTICS.search(body))
        out.append(html[pos : m.start()] if drop else html[pos:end])
        pos = end
    out.append(html[pos:])
    return "".join(out)


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _run(cmd: list[str], timeout: float, env: dict[str, str], what: str) -> str:
    """Run cmd in the tool's directory; AllureFailed with the stderr tail if it fails."""
    try:
        proc = subprocess.run(
            cmd, cwd=TOOL_DIR, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise AllureFailed(f"{what} timed out after {timeout:.0f}s") from exc
    if proc.returncode != 0:
        detail = _tail(proc.stderr) or _tail(proc.stdout)
        raise AllureFailed(f"{what} exited {proc.returncode}:\n{detail}")
    return proc.stdout


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Honoured by allure's allure2 plugin only; the awesome template ignores it (3.18), hence
    # strip_analytics(). Kept so a later version that honours it emits no analytics at all.
    env["ALLURE_NO_ANALYTICS"] = "true"
    env["NO_COLOR"] = "1"  # plain text in the stderr tail of an error
    env["npm_config_update_notifier"] = "false"  # npm ci: no registry look-up for npm itself
    return env


def _pinned_version() -> str:
    return json.loads((TOOL_DIR / "package.json").read_text())["dependencies"]["allure"]


def _installed_version() -> str | None:
    try:
        return json.loads((CLI.parent / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def _ensure_tool(env: dict[str, str]) -> str:
    """Return the node executable, installing the pinned tool if absent or another version."""
    if CHECKOUT is None:
        raise AllureUnavailable(
            "the Allure tool is pinned in the repository (tools/allure), not in an installed "
            "wsconform: render the Allure results with your own Allure"
        )
    node = shutil.which("node")
    if node is None:
        raise AllureUnavailable("Node.js (node) not found on PATH")
    version = _run([node, "--version"], 30, env, "node --version").strip()
    major, minor = (int(p) for p in version.lstrip("v").split(".")[:2])
    if (major, minor) < MIN_NODE:
        raise AllureUnavailable(f"Node.js {version} is older than {MIN_NODE[0]}.{MIN_NODE[1]}")
    if _installed_version() != _pinned_version():
        npm = shutil.which("npm")
        if npm is None:
            raise AllureUnavailable("npm not found on PATH (needed once to install allure)")
        # --prefer-offline: a warm npm cache installs with no network (the lock pins hashes).
        cmd = [npm, "ci", "--prefix", str(TOOL_DIR), "--no-audit", "--no-fund", "--silent"]
        cmd += ["--prefer-offline"]
        try:
            _run(cmd, INSTALL_TIMEOUT, env, "npm ci (tools/allure)")
        except AllureFailed as exc:
            # Typically no registry access: the HTML report is an extra, so skip it.
            raise AllureUnavailable(str(exc)) from exc
    return node


def render(results_dir: Path, out_dir: Path) -> Path:
    """Render results_dir (allure-pytest JSON) to out_dir/index.html; return that path."""
    results_dir = Path(results_dir).resolve()
    out_dir = Path(out_dir).resolve()
    if not results_dir.is_dir():
        raise AllureFailed(f"no allure results directory: {results_dir}")
    env = _env()
    node = _ensure_tool(env)
    # allure also writes summary.json and test-results.json beside the HTML; the single-file
    # report needs neither, so it is built in a scratch directory and only the HTML is kept.
    with tempfile.TemporaryDirectory(prefix="allure-html-") as scratch:
        # cwd is tools/allure, which has no allurerc: the flags below are the whole config.
        cmd = [node, str(CLI), "awesome", "--single-file", "--report-name", REPORT_NAME]
        cmd += ["--output", scratch, str(results_dir)]
        _run(cmd, RENDER_TIMEOUT, env, "allure awesome")
        built = Path(scratch) / REPORT_FILE
        if not built.is_file():
            raise AllureFailed(f"allure awesome wrote no {REPORT_FILE}")
        html = strip_analytics(built.read_text(encoding="utf-8"))
    if _ANALYTICS.search(html):
        raise AllureFailed("analytics survived strip_analytics(): the allure template changed")
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / REPORT_FILE
    report.write_text(html, encoding="utf-8")
    return report
