"""The hypothesis profiles of a run, registered by the plugin wherever pytest loads it.

`ci` (derandomized, fixed example counts; the default when CI=true), `dev` (the default
elsewhere: random, a failing example is saved and replayed), `seeded` (dev without the example
database: a run depends on its --hypothesis-seed alone, as bench/fuzz_seeds.py needs),
`thorough` (many more examples). Choose one with HYPOTHESIS_PROFILE=<name> or pytest's
--hypothesis-profile.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, Verbosity, settings


def register() -> None:
    """Register the profiles and load the default one (hypothesis's own pytest plugin loads
    --hypothesis-profile later, in its pytest_configure)."""
    # Fixtures of a fuzz test (its connection, its transcript) are meant to live across examples.
    common = {
        "deadline": None,
        "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        "print_blob": True,  # a failure prints @reproduce_failure(...) to replay it exactly
    }
    # Each profile derives from hypothesis' own "default", not from what it loads on a CI machine
    # (derandomized, no example database): dev means random and saving examples, there too.
    base = settings.get_profile("default")
    settings.register_profile(
        "ci", base, max_examples=100, derandomize=True, database=None, **common
    )
    settings.register_profile("dev", base, max_examples=100, **common)
    settings.register_profile("seeded", settings.get_profile("dev"), database=None)
    settings.register_profile(
        "thorough",
        base,
        max_examples=2000,
        verbosity=Verbosity.normal,
        phases=list(Phase),
        **common,
    )
    settings.load_profile(
        os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
    )
