"""The one line that re-runs a failed test exactly: the same test, target, options and seed.

Settings that came from the environment or a target file come from there again (the line is run
where the job ran); a secret given as an option (a token, a client secret, a header) is referred
to by its WSCONFORM_* variable, never written out.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from wsconform.config import SETTINGS, Settings, env_name, option_name

# Settings whose values may hold a credential although they are not tokens themselves.
CARRIES_SECRETS = frozenset({"header"})


def command(
    nodeid: str,
    settings: Settings,
    seed: str | None,
    strict: bool,
    rootdir: Path | None = None,
) -> str:
    """`pytest <nodeid> <options as given> --hypothesis-seed=<seed>`, ready for a shell;
    `rootdir`, when the run was started elsewhere: node IDs are relative to it."""
    words = ["pytest", shlex.quote(nodeid)]
    for f in SETTINGS:
        if settings.origin.get(f.name) != "option":
            continue
        flag, value = option_name(f.name), getattr(settings, f.name)
        if f.metadata["secret"] or f.name in CARRIES_SECRETS:
            words.append(f'{flag}="${env_name(f.name)}"')  # set it there: never inline
        elif f.metadata["kind"] is bool:
            words += [flag] if value else []
        elif f.metadata["many"]:
            words += [f"{flag}={shlex.quote(str(item))}" for item in value]
        else:
            words.append(f"{flag}={shlex.quote(str(value))}")
    if seed is not None:
        words.append(f"--hypothesis-seed={seed}")
    if strict:
        words.append("--strict")
    line = " ".join(words)
    return f"cd {shlex.quote(str(rootdir))} && {line}" if rootdir else line
