"""The profiles: one protocol each, named as on the command line (`--profile paradex`).

Every profile registers through the `wsconform.profiles` entry point group, wsconform's own four
(wsconform/vendors/<v>/profile.py, in pyproject.toml) like any a vendor ships in its own package
(docs/writing-a-profile.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from wsconform.profiles.base import Profile

ENTRY_POINTS = "wsconform.profiles"


class UnknownProfile(KeyError):
    pass


class BrokenProfile(RuntimeError):
    """An installed profile whose entry point does not load a Profile named as registered."""


@cache
def installed() -> dict[str, Profile]:
    """Every registered profile by name, loaded once."""
    return load(entry_points(group=ENTRY_POINTS))


@cache
def names() -> list[str]:
    """Every registered profile's name, sorted, none loaded: a command that needs only one
    (`wsconform mint`, run once per token of a live run) loads only that one."""
    return sorted(point.name for point in entry_points(group=ENTRY_POINTS))


def load(points: Iterable[EntryPoint]) -> dict[str, Profile]:
    """The profiles these entry points name, by name; BrokenProfile for one that is not the
    Profile it is registered as."""
    found: dict[str, Profile] = {}
    for point in sorted(points, key=lambda p: p.name):
        profile = point.load()
        if not isinstance(profile, Profile) or profile.name != point.name:
            raise BrokenProfile(
                f"entry point {point.name} = {point.value} ({ENTRY_POINTS}) is not the Profile "
                f"named {point.name!r}"
            )
        found[point.name] = profile
    return found


@cache
def get_profile(name: str) -> Profile:
    """The profile registered as `name`, loaded alone."""
    points = entry_points(group=ENTRY_POINTS, name=name)
    if not points:
        raise UnknownProfile(f"unknown profile {name!r}; profiles: {', '.join(names())}")
    return load(points)[name]


@cache  # asked of every test item and report, and each answer resolves paths
def profile_holding(path: Path) -> Profile | None:
    """The profile whose suite holds `path`, if any."""
    return next((p for p in installed().values() if p.holds(path)), None)
