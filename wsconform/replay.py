"""Replay one recorded test: re-send its client frames to a target, show where the answers differ.

As Schemathesis' `st replay` does for HTTP. A bundle's transcript holds each client frame with
its secrets masked, and results.json says where each masked secret came from
(wsconform.provenance): a fresh secret of that kind, from the configured token sources, goes
where the mask was. Connections open in recorded order. Before each frame is sent, the replay
waits (up to the op timeout) for as many frames as had come on that connection by then, so that
the answers fall where they fell. Then, per connection, what came then and what comes now are
compared, with each secret labelled by its origin and the profile's volatile members blanked.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import json
import re
import ssl as ssl_module
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wsconform import provenance
from wsconform.profiles import UnknownProfile, get_profile
from wsconform.profiles.base import Profile
from wsconform.redact import Redactor, mask
from wsconform.report import bundle
from wsconform.report.results import Results, ResultsError, TestResult
from wsconform.session import (
    WITHHOLDS_PONGS,
    ExpectTimeout,
    HandshakeRejected,
    PeerClosed,
    ProbeSession,
    TargetUnreachable,
)
from wsconform.tokens import TokenSource, TokenSourceError, TokenUnavailable
from wsconform.transcript import Entry, Transcript

_LINE = re.compile(r" *(?P<ms>\d+\.\d) ms (?P<conn>\S+) (?P<kind>\S+) (?P<text>.*)")
_MASK = re.compile(r"…\[sha256:[0-9a-f]{8}\]")
_SHORTENED = re.compile(r"… \[\d+ chars in all, sha256:[0-9a-f]{12}\]$")
_CONTROL_FRAMES = ("<ping>", "<pong>")  # barrier and server pings: not counted as answers
# What a target may do instead of answering as recorded (stay silent, close): the replay goes on,
# and the comparison shows it.
OTHERWISE = (ExpectTimeout, PeerClosed)


class ReplayError(Exception):
    """A replay that cannot be made (exit 2); the message says why."""


@dataclass(frozen=True)
class Recorded:
    nodeid: str
    profile: Profile
    target_url: str  # the URL the recorded run tested
    entries: list[Entry]
    origins: dict[str, provenance.Origin]  # mask → where that secret came from


def load(path: Path, test_id: str) -> Recorded:
    """The recorded test `test_id` (a node ID or its end) of a bundle, a report directory of one
    profile, or a results.json."""
    path = bundle.resolve_latest(path)
    results = path / "results.json" if path.is_dir() else path
    try:
        run = Results.load(results)
        profile = get_profile(run.profile)
    except ResultsError as exc:
        if exc.strerror is not None:
            raise ReplayError(f"{path}: no results.json to read ({exc.strerror})") from None
        raise ReplayError(str(exc)) from None
    except UnknownProfile as exc:  # results of a profile this installation does not have
        raise ReplayError(f"{results}: not wsconform results ({exc})") from None
    target_url = str(run.target).split(" ")[0]
    test = _find(run.tests, test_id, results)
    if not test.transcript:
        raise ReplayError(f"{test.nodeid} has no transcript in {results}: nothing to replay")
    transcript = results.parent / test.transcript
    try:
        lines = transcript.read_text(encoding="utf-8").splitlines()[1:]  # the first: node ID
    except OSError as exc:
        raise ReplayError(f"{transcript}: cannot read the transcript ({exc.strerror})") from None
    return Recorded(test.nodeid, profile, target_url, _entries(lines), test.tokens)


def _find(tests: list[TestResult], test_id: str, results: Path) -> TestResult:
    nodeids = [t.nodeid for t in tests]
    found = [t for t in tests if t.nodeid == test_id]
    found = found or [t for t in tests if t.nodeid.endswith(("::" + test_id, "/" + test_id))]
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(t.nodeid for t in found)
        raise ReplayError(f"{test_id!r} names {len(found)} tests in {results}: {names}")
    names = [n.split("::")[-1] for n in nodeids]
    close = difflib.get_close_matches(test_id.split("::")[-1], names, n=3, cutoff=0.4)
    hint = f"; close: {', '.join(close)}" if close else f"; it has {len(nodeids)} tests"
    raise ReplayError(f"no test {test_id!r} in {results}{hint}")


def _entries(lines: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    for line in lines:
        match = _LINE.fullmatch(line)
        if match:
            at = float(match["ms"]) / 1000
            entries.append(Entry(at, match["conn"], match["kind"], match["text"]))
        elif entries:  # a frame that held a line break goes on on the next line
            last = entries[-1]
            entries[-1] = Entry(last.at, last.conn, last.kind, f"{last.text}\n{line}")
    return entries


class FreshSecrets:
    """A fresh secret for each recorded mask: one per mask, of the kind the mask's origin says."""

    def __init__(
        self, origins: dict[str, provenance.Origin], source: TokenSource, redactor: Redactor
    ) -> None:
        self.origins = origins
        self.source = source
        self.redactor = redactor
        self.labels: dict[str, str] = {}  # recorded mask, and fresh secret's mask → label
        self._fresh: dict[str, str] = {}

    def fill(self, text: str, where: str) -> str:
        """`text` with each mask replaced by its fresh secret."""
        for shown in dict.fromkeys(m.group(0) for m in _MASK.finditer(text)):
            recorded = next((o for o in self.origins if o.endswith(shown)), None)
            if recorded is None:
                raise ReplayError(
                    f"{where} holds {shown}, a secret whose kind the bundle does not record "
                    "(a --header value, or a run before token kinds were recorded): it cannot "
                    "be sent again"
                )
            text = text.replace(recorded, self._secret(recorded, where))
        return text

    def _secret(self, recorded: str, where: str) -> str:
        if recorded in self._fresh:
            return self._fresh[recorded]
        origin = self.origins[recorded]
        what = provenance.describe(origin)
        if "fuzzed" in origin:
            raise ReplayError(
                f"{where} holds {recorded}, {what}: a fuzzed token cannot be made again "
                "(rerun the test with the run's --hypothesis-seed instead)"
            )
        try:
            token = self.source.get(origin["kind"], origin.get("arg"))
        except (TokenUnavailable, TokenSourceError) as exc:
            raise ReplayError(f"{where} needs {what}: {exc}") from None
        fresh = provenance.redo(origin, token.value)
        self.redactor.add(fresh)  # a derived form (Base64, a forgery) masks whole, as recorded
        label = f"<{what} #{len(self._fresh) + 1}>"
        self._fresh[recorded] = fresh
        self.labels[recorded] = self.labels[mask(fresh)] = label
        return fresh


@dataclass(frozen=True)
class Endpoint:
    """Where the replay goes, and how it connects there."""

    url: str
    ssl: ssl_module.SSLContext | None
    op_timeout: float
    headers: list[tuple[str, str]]  # --header: replaces a recorded header of the same name


def replay(
    recorded: Recorded, target: Endpoint, secrets: FreshSecrets, redactor: Redactor
) -> Transcript:
    """Re-send the recorded client frames to `target`; the transcript of what happened now."""
    now = Transcript(redactor)
    sessions: dict[str, ProbeSession | None] = {}  # None: the upgrade was refused
    came: Counter[str] = Counter()  # per connection: answers recorded so far
    entries = recorded.entries
    try:
        for i, entry in enumerate(entries):
            conn, where = entry.conn, f"{entry.conn} (recorded at {entry.at * 1000:.1f} ms)"
            session = sessions.get(conn)
            if entry.kind == "connect":
                sessions[conn] = _open(recorded, entry, target, secrets, now)
            elif entry.kind == "←" and entry.text not in _CONTROL_FRAMES:
                came[conn] += 1
            elif session is None or session.closed:
                continue  # refused or closed: the comparison shows what came instead
            elif entry.kind == "→":
                _send(session, entry.text, came[conn], secrets, where)
            elif entry.kind == "close" and any(e.kind in ("→", "connect") for e in entries[i:]):
                # The server closed it mid-test (the closes at the test's end are the client's).
                with contextlib.suppress(*OTHERWISE):
                    session.wait_closed(f"the server's close of {where}")
        for conn, open_session in sessions.items():
            if open_session is not None and not open_session.closed:
                _await_answers(open_session, came[conn])
        ended = len(now.entries)
    finally:
        for open_session in sessions.values():
            if open_session is not None:
                open_session.close()
    # As recorded: a test's transcript is written when its call ends, before its connections
    # are closed.
    del now.entries[ended:]
    return now


def _open(
    recorded: Recorded, entry: Entry, target: Endpoint, secrets: FreshSecrets, now: Transcript
) -> ProbeSession | None:
    """The connection `entry` opened, opened again as it was: same path, headers, subprotocols,
    compression; None when the target refuses the upgrade (the transcript says how)."""
    if not entry.text.startswith(recorded.target_url):
        raise ReplayError(
            f"{entry.conn} connected to {entry.text}, not to the tested endpoint "
            f"{recorded.target_url}: where that is now is not known"
        )
    url = target.url + entry.text[len(recorded.target_url) :]
    mine = [e for e in recorded.entries if e.conn == entry.conn]
    given = {name.lower() for name, _ in target.headers}
    headers = [
        (name, secrets.fill(value, f"{entry.conn}'s {name} header"))
        for name, _, value in (e.text.partition(": ") for e in mine if e.kind == "header")
        if name.lower() not in given
    ]
    request = _request_headers(next((e.text for e in mine if e.kind == "request"), ""))
    offered = request.get("Sec-WebSocket-Protocol")
    session = ProbeSession(
        url,
        now,
        headers=[*headers, *target.headers],
        subprotocols=[p.strip() for p in offered.split(",")] if offered else None,
        ssl=target.ssl if url.startswith("wss:") else None,
        op_timeout=target.op_timeout,
        compression="deflate" if "Sec-WebSocket-Extensions" in request else None,
        answer_pings=not any(e.kind == "note" and e.text == WITHHOLDS_PONGS for e in mine),
    )
    try:
        return session.connect()
    except HandshakeRejected:
        return None
    except TargetUnreachable as exc:
        raise ReplayError(str(exc)) from None


def _request_headers(text: str) -> dict[str, str]:
    """The headers of a transcript's `request` entry: `GET /path {'Host': ..., ...}`."""
    _, _, shown = text.partition(" {")
    try:
        headers = ast.literal_eval("{" + shown) if shown else {}
    except (ValueError, SyntaxError):
        return {}
    return headers if isinstance(headers, dict) else {}


def _send(
    session: ProbeSession, text: str, answers: int, secrets: FreshSecrets, where: str
) -> None:
    if text.startswith("<binary ") or _SHORTENED.search(text):
        raise ReplayError(
            f"{where} sent a frame the transcript does not hold whole ({text[:60]}…): "
            "it cannot be sent again"
        )
    _await_answers(session, answers)
    with contextlib.suppress(*OTHERWISE):
        if text == "<ping>":
            session.barrier()
        else:
            session.send(secrets.fill(text, where))


def _await_answers(session: ProbeSession, count: int) -> None:
    """Wait until `count` frames have come, as many as had come by this point when recorded;
    one that does not come shows in the comparison."""
    with contextlib.suppress(*OTHERWISE):
        session.expect_received(count, f"answer {count} on {session.conn}, as recorded")


# -- comparison ----------------------------------------------------------------------------------


def differences(recorded: Recorded, now: Transcript, secrets: FreshSecrets) -> dict[str, list[str]]:
    """Per recorded connection, a unified diff of what came then and what comes now (empty when
    they agree); secrets labelled by origin, volatile members blanked."""
    replayed = _entries(now.render().splitlines())
    diffs = {}
    for conn in dict.fromkeys(e.conn for e in recorded.entries if e.kind == "connect"):
        then = _comparable(recorded.entries, conn, recorded.profile, secrets)
        current = _comparable(replayed, conn, recorded.profile, secrets)
        diffs[conn] = list(
            difflib.unified_diff(then, current, f"{conn} recorded", f"{conn} now", lineterm="")
        )
    return diffs


def _comparable(
    entries: list[Entry], conn: str, profile: Profile, secrets: FreshSecrets
) -> list[str]:
    lines = []
    for e in entries:
        if e.conn != conn:
            continue
        if e.kind == "handshake":  # the status: the headers hold dates and nonces
            lines.append("handshake " + " ".join(e.text.split()[:2]))
        elif e.kind in ("→", "←"):
            lines.append(f"{e.kind} {_normalised(e.text, profile, secrets)}")
        elif e.kind == "close":  # code and reason; the detail names sockets
            lines.append(f"close {e.text.split(' (')[0]}")
        elif e.kind == "unreachable":
            lines.append("unreachable")
    return lines


def _normalised(text: str, profile: Profile, secrets: FreshSecrets) -> str:
    for shown, label in secrets.labels.items():
        text = text.replace(shown, label)
    text = _MASK.sub("<secret>", text)
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return json.dumps(_blanked(value, profile.volatile), ensure_ascii=False)


def _blanked(value: Any, volatile: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: "…" if k in volatile else _blanked(v, volatile) for k, v in value.items()}
    if isinstance(value, list):
        return [_blanked(v, volatile) for v in value]
    return value
