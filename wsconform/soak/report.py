"""The soak's report: the counts per requirement, Locust's latencies (its own statistics, merged
across workers as histograms, not averages of percentiles), and the verdicts against the user's
thresholds. The master writes the figures (`write`); `wsconform soak` judges them (`judge`) and
renders reports/soak/soak.json and soak.html beside Locust's CSV files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wsconform import __version__
from wsconform.report import html
from wsconform.requirements import Level, catalogue

if TYPE_CHECKING:
    from locust.env import Environment

    from wsconform.soak.config import SoakConfig
    from wsconform.soak.flow import Flow
    from wsconform.soak.tally import Tally

FIGURES = "soak-figures.json"  # the master's, before judging
# What the harness counts besides the requirements: a session that never got going, or a
# bad-token connection that could not be made, is the soak's failure, judged at 100 %.
SESSION, BAD_SESSION = "sessions", "bad-token connections"
HARNESS = {SESSION: "connected and started", BAD_SESSION: "made"}
# "EOP-EXP-01/stop": an observation under an INFO requirement (what the server did), not judged.
OBSERVATION = "/"
PERCENTILES = (0.5, 0.95, 0.99)


def write(
    environment: Environment,
    tally: Tally,
    config: SoakConfig,
    flow: type[Flow],
    state: dict[str, Any],
) -> None:
    options = environment.parsed_options
    counted = {**{req: "" for req in tally.counts}, **flow.WHAT, SESSION: HARNESS[SESSION]}
    counted |= {key: HARNESS[key] for key in counted if key in HARNESS}
    figures = {
        "run": {
            "profile": config.profile,
            "target": config.url,
            "users": getattr(options, "num_users", None),
            "spawn_rate": getattr(options, "spawn_rate", None),
            "run_time": config.run_time,
            "workers": state.get("workers"),
            "started": state.get("started"),
            "mass_expiry": state.get("expired_at"),
            "lost": state.get("lost"),
            "expiry_failed": state.get("expiry_failed"),
            "suite_version": __version__,
        },
        "requirements": [
            {
                "id": req,
                "what": what,
                "attempts": tally.attempts(req),
                "succeeded": tally.succeeded(req),
                "failures": tally.failures(req),
                "line": tally.line(req, what),
            }
            for req, what in counted.items()
        ],
        "latencies": [
            {
                "name": entry.name,
                "count": entry.num_requests,
                "failures": entry.num_failures,
                **{
                    f"p{round(p * 100)}": entry.get_response_time_percentile(p) for p in PERCENTILES
                },
                "max": entry.max_response_time,
            }
            for entry in sorted(environment.stats.entries.values(), key=lambda e: e.name)
        ],
    }
    path = Path(config.report_dir) / FIGURES
    path.write_text(json.dumps(figures, indent=2), encoding="utf-8")


@dataclass(frozen=True)
class Judged:
    document: dict[str, Any]
    failed: list[str]  # one line per threshold not met


def judge(figures: dict[str, Any], thresholds: dict[str, float]) -> Judged:
    """Each counted requirement against its threshold (percent of attempts that succeeded):
    the user's, else 100 % for MUST and SHOULD (and the harness's own counts), none for INFO
    and its observations; a requirement the run did not exercise at all fails unless its
    threshold is 0."""
    levels = {r.id: r.level for r in catalogue(figures["run"]["profile"]).requirements.values()}
    failed = []
    for row in figures["requirements"]:
        level = levels.get(row["id"].split(OBSERVATION)[0])
        informative = level == Level.INFO or OBSERVATION in row["id"]
        default = None if informative else 100.0
        wanted = thresholds.get(row["id"], default)
        share = 100.0 * row["succeeded"] / row["attempts"] if row["attempts"] else None
        met = wanted is None or wanted == 0 or (share is not None and share >= wanted)
        row |= {"level": str(level or ""), "share": share, "threshold": wanted, "met": met}
        if not met:
            said = "not exercised" if share is None else f"{share:.2f} %"
            failed.append(f"{row['line']}: {said}, threshold {wanted:g} %")
    run = figures["run"]
    failed += (
        [f"the mass expiry failed: {run['expiry_failed']}"] if run.get("expiry_failed") else []
    )
    failed += [f"counts lost: {run['lost']}"] if run.get("lost") else []
    figures["verdict"] = "PASS" if not failed else "FAIL"
    figures["failed"] = failed
    return Judged(figures, failed)


def render(judged: Judged, report_dir: Path) -> tuple[Path, Path]:
    json_path, html_path = report_dir / "soak.json", report_dir / "soak.html"
    json_path.write_text(json.dumps(judged.document, indent=2) + "\n", encoding="utf-8")
    html_path.write_text(html.render("soak.html.j2", soak=judged.document), encoding="utf-8")
    return json_path, html_path
