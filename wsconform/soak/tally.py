"""What the soak users saw, counted per requirement: the attempts, the successes, and each
failure by its reason ("ZEN-EXP-03 re-auth after expiry: 9,998 / 10,000 succeeded (2 timed
out)"). Workers send their counts to the master with each Locust report (drain), and the master
adds them up (merge): counts add, so the totals are exact across any number of workers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

OK = "ok"


@dataclass
class Tally:
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # requirement → outcome → n

    def record(self, req: str, failure: str | None = None) -> None:
        """One attempt at `req`: a success, or a failure for the reason given (a few words)."""
        self.counts.setdefault(req, Counter())[failure or OK] += 1

    def drain(self) -> dict[str, dict[str, int]]:
        """The counts since the last drain, as plain JSON, and start again from zero."""
        sent = {req: dict(outcomes) for req, outcomes in self.counts.items()}
        self.counts = {}
        return sent

    def merge(self, sent: dict[str, dict[str, int]]) -> None:
        for req, outcomes in sent.items():
            self.counts.setdefault(req, Counter()).update(outcomes)

    def attempts(self, req: str) -> int:
        return sum(self.counts.get(req, Counter()).values())

    def succeeded(self, req: str) -> int:
        return self.counts.get(req, Counter())[OK]

    def failures(self, req: str) -> dict[str, int]:
        return {why: n for why, n in self.counts.get(req, Counter()).most_common() if why != OK}

    def line(self, req: str, what: str) -> str:
        """E.g. "ZEN-EXP-03 re-auth after expiry: 9,998 / 10,000 succeeded (2 timed out)"."""
        failed = ", ".join(f"{n:,} {why}" for why, n in self.failures(req).items())
        tail = f" ({failed})" if failed else ""
        return f"{req} {what}: {self.succeeded(req):,} / {self.attempts(req):,} succeeded{tail}"
