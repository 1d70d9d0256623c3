"""The wire log of one test: handshakes, every frame with direction and time offset, closes;
and where each secret it shows came from (wsconform.provenance), for a replay.

Entries are stored raw and redacted when rendered, so a secret registered after it was sent (a
token a test learns late) is still hidden. Very long frames are shortened in the rendering: the
evidence is their size and hash, not 64 KiB of fuzz.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from wsconform.provenance import Origin
from wsconform.redact import Redactor

MAX_SHOWN_CHARS = 2000


@dataclass(frozen=True)
class Entry:
    at: float  # seconds since the transcript started
    conn: str  # which connection of the test: c1, c2, ...
    kind: str  # "→" sent, "←" received, or an event name: connect, handshake, close, note
    text: str


def _shorten(text: str) -> str:
    if len(text) <= MAX_SHOWN_CHARS:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    head = text[: MAX_SHOWN_CHARS // 2]
    return f"{head}… [{len(text)} chars in all, sha256:{digest}]"


@dataclass
class Transcript:
    redactor: Redactor
    started: float = field(default_factory=time.monotonic)
    entries: list[Entry] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)  # mask → where that secret came from
    _connections: int = 0

    def new_connection(self) -> str:
        self._connections += 1
        return f"c{self._connections}"

    def record(self, conn: str, kind: str, text: str) -> None:
        self.entries.append(Entry(time.monotonic() - self.started, conn, kind, text))

    def note(self, text: str) -> None:
        self.record("--", "note", text)

    def heard_json(self) -> bool:
        """Did the target send any JSON frame (an answer of any protocol here) in this test?"""
        return any(e.kind == "←" and e.text.lstrip()[:1] in ("{", "[") for e in self.entries)

    def origins_in(self, rendered: str) -> dict[str, Origin]:
        """The origins of the secrets that `rendered` (this transcript) shows."""
        return {shown: origin for shown, origin in self.origins.items() if shown in rendered}

    def render(self, last: int | None = None) -> str:
        """Redacted text, one line per entry; `last` keeps only the final entries."""
        shown = self.entries if last is None else self.entries[len(self.entries) - last :]
        lines = []
        if last is not None and len(self.entries) > last:
            lines.append(f"  … {len(self.entries) - last} earlier entries")
        for e in shown:
            text = _shorten(self.redactor.text(e.text))
            lines.append(f"{e.at * 1000:9.1f} ms {e.conn} {e.kind} {text}")
        return "\n".join(lines)
