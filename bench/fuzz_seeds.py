"""Fuzzing that does not depend on luck (figures, not a timed test). For every fuzz-related defect
of every profile's mock, runs that profile's fuzz test module against its embedded mock with the
defect switched on, once per random hypothesis seed (the same seeds for every defect), and prints
profile | defect | requirements | killed n/N: a run kills the defect when it turns every listed
requirement red. Each profile's clean mock runs under the same seeds as a control (green n/N).

    .venv/bin/python bench/fuzz_seeds.py [--seeds N] [--workers W] [--profile P]

One pytest process per seed and defect, under the `seeded` hypothesis profile (random, no example
database: a failure one run found is not replayed by the next). 280 runs at 20 seeds: about 12
minutes on 2 cores, hence not in `make bench`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from wsconform.killmatrix import Run, run_suite
from wsconform.profiles import get_profile

MODULE = "test_fuzzed_tokens.py"
# profile → defect → the requirements its fuzz module must turn red. The fuzz-related defects are
# those a fuzzed token exposes: a token accepted that must be refused, a refusal answered with
# the wrong code, a token that stops the server serving others. (Each mock's Defect declaration
# gives its kill in the whole suite, where example-based tests usually catch it first.) Left out:
# accept-expired (a fuzzed exp keeps the original signature: refused all the same) and
# malformed-as-invalid (PDX-REJ-07 allows 40111 for a string token).
FUZZ_KILLS: dict[str, dict[str, tuple[str, ...]]] = {
    "paradex": {
        "accept-alg-none": ("PDX-REJ-06",),
        "accept-forged-signature": ("PDX-REJ-06",),
        "accept-any-bearer": ("PDX-REJ-06",),
        "string-token-as-invalid-params": ("PDX-REJ-07",),
        "crash-on-huge-bearer": ("PDX-REJ-08",),
    },
    "zenith": {
        "accept-any-token": ("ZEN-REJ-05",),
        "bad-header-token-upgraded": ("ZEN-REJ-06",),
    },
    "ethgas": {
        "accept-any-token": ("ETH-REJ-06",),
        "invalid-token-answered-403": ("ETH-REJ-06",),
    },
    "ethgas-op": {
        "accept-any-token": ("EOP-REJ-06", "EOP-REJ-07"),
    },
    "graphql-ws": {
        "accept-any-token": ("GQL-REJ-05",),
        "accept-alg-none": ("GQL-REJ-05", "GQL-REJ-07"),
        "accept-forged-signature": ("GQL-REJ-05", "GQL-REJ-07"),
        "header-token-unchecked": ("GQL-REJ-07",),
    },
}


def killed(run: Run, requirements: tuple[str, ...]) -> bool:
    return all(req in run.red_requirements for req in requirements)


def green(run: Run) -> bool:
    return run.exit_code == 0 and not run.red_requirements


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seeds", type=int, default=20, help="random seeds per defect (20)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="parallel runs")
    ap.add_argument("--profile", choices=sorted(FUZZ_KILLS), help="this profile only (all)")
    args = ap.parse_args()
    profiles = {n: d for n, d in FUZZ_KILLS.items() if args.profile in (None, n)}
    for name, defects in FUZZ_KILLS.items():  # a renamed defect fails here, not as a miss
        unknown = set(defects) - set(get_profile(name).mock.DEFECTS)
        assert not unknown, f"{name} mock has no defect {unknown}"
    seeds = [str(secrets.randbelow(2**32)) for _ in range(args.seeds)]
    print(f"seeds: {' '.join(seeds)}")
    cases = [
        (name, defect, seed)
        for name, defects in profiles.items()
        for defect in [None, *defects]
        for seed in seeds
    ]

    with tempfile.TemporaryDirectory() as work:

        def one(case: tuple[str, str | None, str]) -> Run:
            name, defect, seed = case
            return run_suite(
                get_profile(name),
                defect,
                Path(work) / name / (defect or "clean") / seed,
                module=MODULE,
                hypothesis_profile="seeded",
                args=("--hypothesis-seed", seed, "-p", "no:randomly"),
            )

        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            runs = dict(zip(cases, pool.map(one, cases), strict=True))

    rows = [("profile", "defect", "requirements", "killed")]
    misses: list[str] = []

    def tally(name: str, case: str, passed: dict[str, bool]) -> str:
        """n/N, noting each seed that did not pass (to replay it: --hypothesis-seed)."""
        misses.extend(
            f"{name} {case}: not as expected under seed {s}" for s, ok in passed.items() if not ok
        )
        return f"{sum(passed.values())}/{len(passed)}"

    for name, defects in profiles.items():
        control = {seed: green(runs[name, None, seed]) for seed in seeds}
        rows.append((name, "(clean mock)", "-", "green " + tally(name, "clean mock", control)))
        for defect, requirements in defects.items():
            outcome = {seed: killed(runs[name, defect, seed], requirements) for seed in seeds}
            rows.append((name, defect, ", ".join(requirements), tally(name, defect, outcome)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    for miss in misses:
        print(miss)
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
