"""The README's "Run against staging" commands, verbatim, work: each profile's command is taken
from README.md (its ```sh block under the profile's heading), only the vendor-specific values
are swapped for a conforming server started in another process (the SUBSTITUTIONS table says
which and why), and the run must be green: exit 0, no FAIL, ERROR or WARN requirement, and
CERTIFIED (or INCOMPLETE only because of SKIPs). Two conforming servers per profile: `wsconform
mock <profile>`, and the profile's independent server (tests/independent: written from the
documents alone, on another server library, making the other choices the documents allow), so
that no test relies on a choice of the mock's. Default settings, real waits and CI=true, as a
user's nightly job runs it: each run takes about a minute.

Also: every `--option` in those commands and in the nightly GitHub Actions example is one that
`pytest --help` lists, and the nightly `run:` line names a suite directory that exists.

    .venv/bin/pytest tests/test_readme_staging.py -q -p no:cacheprovider
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from standalone import ROOT, SERVERS, WSCONFORM, StandaloneMock, run_pytest

from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer
from wsconform.profiles import get_profile

README = ROOT / "README.md"

# The README heading each profile's staging command sits under (a prefix of the heading).
HEADINGS = {
    "paradex": "### Paradex",
    "zenith": "### Zenith",
    "ethgas": "### ETHGas, the seed page",
    "ethgas-op": "### ETHGas, the official protocol",
}

# Everything the test changes in a README command, and why; any other word stays as written.
# (profile or "*", option, what it becomes, why)
SUBSTITUTIONS: list[tuple[str, str, str, str]] = [
    ("*", ".venv/bin/pytest", "this interpreter's `-m pytest -p no:cacheprovider`",
     "the same pytest, from the venv running this test, leaving no cache behind"),
    ("*", "--endpoint", "the mock's URL (the README's query string kept)",
     "the vendor's staging host is not reachable from a test"),
    ("*", "--token-command", "`wsconform mint <profile> --key-file K`",
     "the user's token script signs in to the vendor; mint signs for the mock"),
    ("*", "--report-dir", "added: a temporary directory",
     "results.json is read from there; the checkout's reports/ stays untouched"),
    ("zenith", "--insecure-endpoint", "the mock's plain ws:// twin (--plain-port 0)",
     "the vendor's ws:// host, like --endpoint"),
    ("zenith", "--ca-file", "added: the mock's CA (--ca-out)",
     "the mock's certificate comes from a fresh local CA; staging's is publicly trusted"),
    ("zenith", "--token-url", "dropped, with --client-id, --scope, --limited-scope; "
     "--token-command added instead",
     "the OAuth server is the vendor's; the token command gives every kind, as the README "
     "says expired and short-lived tokens need"),
    ("zenith", "--client-id", "dropped (see --token-url)", "see --token-url"),
    ("zenith", "--scope", "dropped (see --token-url)", "see --token-url"),
    ("zenith", "--limited-scope", "dropped (see --token-url)", "see --token-url"),
    ("zenith", "--private-channel", "<account> → the profile's default account",
     "a placeholder for the user's own account"),
]  # fmt: skip
DROPPED = {"--token-url", "--client-id", "--scope", "--limited-scope"}


def section(text: str, heading: str) -> str:
    """The README text under the heading that starts with `heading`, to the next heading (lines
    starting with "#" inside a fenced block, comments, are not headings)."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(heading))
    fenced, end = False, len(lines)
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("```"):
            fenced = not fenced
        elif not fenced and lines[i].startswith("#"):
            end = i
            break
    return "\n".join(lines[start + 1 : end])


def fenced_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)


def command_words(block: str) -> list[str]:
    """A shell block as one command's words: backslash-continued lines joined, then split as
    the shell does, `# comments` stripped (outside quotes, as the shell does)."""
    words = shlex.split(re.sub(r"\\\n", " ", block), comments=True)
    assert not [w for w in words if not w.strip()], words  # no stray newline words
    return words


def staging_command(profile: str) -> list[str]:
    blocks = fenced_blocks(section(README.read_text(encoding="utf-8"), HEADINGS[profile]), "sh")
    assert blocks, f"no ```sh block under {HEADINGS[profile]!r}"
    return command_words(blocks[0])


def options_of(words: list[str]) -> list[str]:
    """The `--options` among `words` (also in the synopsis' `[--option <value>]` form)."""
    bare = [w.lstrip("[").split("=", 1)[0] for w in words]
    return [w for w in bare if re.fullmatch(r"--[a-z][a-z0-9-]*", w)]


def aimed(value: str, url: str) -> str:
    """`url` (the mock's), keeping the query string the README's URL `value` has."""
    query = urlsplit(value).query
    return url + (f"?{query}" if query else "")


def mint(profile: str, key: Path) -> str:
    return shlex.join([WSCONFORM, "mint", profile, "--key-file", str(key)])


def substitute(
    profile: str, words: list[str], mock: StandaloneMock, key: Path, ca: Path, reports: Path
) -> tuple[list[str], list[str]]:
    """The README command aimed at the mock: (pytest's arguments, what was substituted)."""
    assert words[0] == ".venv/bin/pytest", words
    applied = [".venv/bin/pytest"]
    out: list[str] = []
    rest = iter(words[1:])
    for word in rest:
        if word in DROPPED:
            next(rest)
            applied.append(word)
        elif word == "--endpoint":
            out += [word, aimed(next(rest), mock.url)]
            applied.append(word)
        elif word == "--insecure-endpoint":
            plain = mock.line_after("also plain ws on")
            assert plain, mock.lines
            out += [word, aimed(next(rest), plain)]
            applied.append(word)
        elif word == "--token-command":
            next(rest)
            out += [word, mint(profile, key)]
            applied.append(word)
        elif word in ("--public-channel", "--private-channel"):
            value = next(rest)
            if re.search(r"<\w+>", value):
                default = getattr(get_profile(profile), word[2:].replace("-", "_"))
                pattern = re.sub(r"<\w+>", ".+", re.escape(value))
                assert re.fullmatch(pattern, default), (value, default)  # only the placeholder
                value = default
                applied.append(word)
            out += [word, value]
        else:
            out.append(word)
    if DROPPED & set(applied):
        out += ["--token-command", mint(profile, key)]
    if get_profile(profile).tls_only_rights:
        out += ["--ca-file", str(ca)]
        applied.append("--ca-file")
    out += ["--report-dir", str(reports)]
    applied.append("--report-dir")
    return out, applied


@pytest.fixture(scope="module")
def real_options() -> set[str]:
    """The options `pytest --help` lists (the suite's under "wsconform", and pytest's own)."""
    done = run_pytest("--help", timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", done.stdout))


def unknown(options: set[str], listed: set[str], tmp_path: Path) -> set[str]:
    """Those of `options` pytest rejects: not in its help, nor accepted by its parser (the help
    shows one spelling of some: --junit-xml, not its alias --junitxml)."""
    rejected = set()
    for option in options - listed:
        done = run_pytest("--co", "-q", option, str(tmp_path / "value"), "README.md", timeout=120)
        if "unrecognized arguments" in done.stdout + done.stderr:
            rejected.add(option)
    return rejected


def allowed_for(profile: str) -> set[str]:
    return {option for who, option, _, _ in SUBSTITUTIONS if who in ("*", profile)}


def test_the_substitutions_are_few_explained_and_all_used(tmp_path):
    """Offline: the table is small, every row has its reason, and applying it to the four
    README commands (against a stand-in mock) uses each row, and nothing outside it."""
    assert len(SUBSTITUTIONS) <= 12
    assert all(len(row) == 4 and all(row) for row in SUBSTITUTIONS)
    mock = StandaloneMock(
        "wss://127.0.0.1:1/x", ["m listening on wss://127.0.0.1:1/x", "also plain ws on ws://h/x"]
    )
    used: set[str] = set()
    for profile in HEADINGS:
        words = staging_command(profile)
        assert words[0] == ".venv/bin/pytest"
        assert str(get_profile(profile).suite.relative_to(ROOT)) in words
        assert words[words.index("--profile") + 1] == profile
        args, applied = substitute(profile, words, mock, tmp_path / "k", tmp_path / "c", tmp_path)
        assert set(applied) <= allowed_for(profile), set(applied) - allowed_for(profile)
        assert not [w for w in args if "<" in w or "$" in w or "paritech.com" in w], args
        used |= set(applied)
    assert used == {option for _, option, _, _ in SUBSTITUTIONS}


@pytest.mark.system
@pytest.mark.parametrize("server", sorted(SERVERS))
@pytest.mark.parametrize("profile", sorted(HEADINGS))
def test_readme_staging_command_is_green(profile, server, tmp_path):
    key, ca, reports = tmp_path / "key.pem", tmp_path / "ca.pem", tmp_path / "reports"
    TokenIssuer.from_key_file(MockClock(), key)  # the key file the server and mint share
    words = staging_command(profile)
    tls = ["--tls", "--ca-out", str(ca), "--plain-port", "0"]  # zenith: wss:// and its ws:// twin
    tls = tls if get_profile(profile).tls_only_rights else []
    with SERVERS[server](profile, "--key-file", str(key), *tls) as mock:
        args, applied = substitute(profile, words, mock, key, ca, reports)
        done = run_pytest(*args, env={"CI": "true"}, timeout=600)
    allowed = allowed_for(profile)
    assert set(applied) <= allowed, set(applied) - allowed
    # Every option the README wrote and the table does not name went through unchanged.
    kept = [o for o in options_of(words[1:]) if o not in allowed]
    for option in kept:
        i = words.index(option)
        j = args.index(option)
        assert args[j : j + 2] == words[i : i + 2], option
    output = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, output
    document = json.loads((reports / profile / "results.json").read_text(encoding="utf-8"))
    red = {r["id"]: r["verdict"] for r in document["requirements"] if r["verdict"] in (
        "FAIL", "ERROR", "WARN")}  # fmt: skip
    assert not red, (red, output)
    certification = document["certification"]
    if certification["verdict"] != "CERTIFIED":
        assert certification["verdict"] == "INCOMPLETE", certification
        not_skips = [
            r for r in certification["reasons"] if not re.match(r"\S+ \[MUST\] skipped", r)
        ]
        assert not not_skips, certification
        unfinished = [
            r for r in document["requirements"]
            if r["level"] == "MUST" and r["verdict"] not in ("PASS", "INFO")
        ]  # fmt: skip
        assert all(r["verdict"] == "SKIP" for r in unfinished), unfinished


def nightly_run_line() -> tuple[list[str], dict[str, str]]:
    """The nightly example's `run: .venv/bin/pytest ...` words and its WSCONFORM_* env."""
    text = section(README.read_text(encoding="utf-8"), "### A nightly gate in GitHub Actions")
    (yaml,) = fenced_blocks(text, "yaml")
    runs = [
        ln.split("run:", 1)[1] for ln in yaml.splitlines() if re.match(r"\s*(- )?run: \.venv", ln)
    ]
    assert len(runs) == 1, runs
    env = dict(re.findall(r"^\s+(WSCONFORM_\w+): *(\S+)", yaml, flags=re.M))
    return shlex.split(runs[0], comments=True), env


@pytest.mark.system
def test_nightly_example_runs_a_real_suite_with_real_options(real_options, tmp_path):
    words, env = nightly_run_line()
    assert words[0] == ".venv/bin/pytest"
    assert (ROOT / words[1]).is_dir(), words[1]
    assert not unknown(set(options_of(words[1:])), real_options, tmp_path)
    # Each WSCONFORM_* variable is the twin of a real option of the suite.
    twins = {"--" + name.removeprefix("WSCONFORM_").lower().replace("_", "-") for name in env}
    assert env and not twins - real_options, twins - real_options


@pytest.mark.system
def test_every_option_in_the_staging_commands_is_real(real_options, tmp_path):
    text = section(README.read_text(encoding="utf-8"), "## Run against staging")
    commands = [command_words(block) for block in fenced_blocks(text, "sh")]
    for profile in HEADINGS:
        commands.append(staging_command(profile))
    used = {o for words in commands for o in options_of(words)}
    assert {"--endpoint", "--token-command", "--profile"} <= used
    assert not unknown(used, real_options, tmp_path)
