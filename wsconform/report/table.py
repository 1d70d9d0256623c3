"""The per-requirement verdict table printed at the end of a run."""

from __future__ import annotations

import textwrap

from wsconform.report.results import Results

LEVEL_ORDER = {"MUST": 0, "SHOULD": 1, "INFO": 2}


SHOWN_REASONS = 12


def verdict_table(results: Results, width: int = 100) -> str:
    """Render one profile's results as a fixed-width table."""
    reqs = sorted(results.requirements, key=lambda r: (LEVEL_ORDER[r.level], r.id))
    id_w = max([len(r.id) for r in reqs] + [2])
    lines = [
        f"wsconform verdicts — {results.title} — {results.target}",
    ]
    if not results.tls_verified:
        lines.append("WARNING: TLS certificates were NOT verified (--insecure)")
    lines.append(f"{'ID':{id_w}}  LEVEL   VERDICT   TITLE")
    title_w = max(20, width - id_w - 20)
    for r in reqs:
        title = textwrap.shorten(r.title, title_w, placeholder="…")
        verdict = r.verdict + ("*" if r.baselined else "")
        lines.append(f"{r.id:{id_w}}  {r.level:6}  {verdict:8}  {title}")
    counts = []
    for level, verdicts in sorted(results.summary.items(), key=lambda kv: LEVEL_ORDER[kv[0]]):
        counts.append(f"{level}: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    lines.append("; ".join(counts))
    if results.untested:
        lines.append("untested (no test ran a check of them): " + ", ".join(results.untested))
    if any(r.baselined for r in reqs):
        lines.append("* baselined: a known failure (--baseline), reported but not failing the run")
    reasons = results.completeness.reasons if results.completeness else []
    if reasons:
        lines.append(f"INCOMPLETE ({len(reasons)}):")
        lines += [f"  - {reason}" for reason in reasons[:SHOWN_REASONS]]
        if len(reasons) > SHOWN_REASONS:
            lines.append(f"  … and {len(reasons) - SHOWN_REASONS} more in results.json")
    for entry in results.baseline.stale if results.baseline else []:
        key = entry.requirement or entry.test
        lines.append(f"stale baseline entry (no longer fails): {key}: {entry.reason}")
    return "\n".join(lines)
