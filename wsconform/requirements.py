"""The requirement catalogue (suites/<vendor>/requirements.toml) and verdict levels.

A requirement's level says what a violation means, as the doc's own words say:
  MUST   → FAIL          (the docs state it)
  SHOULD → WARN          (the docs recommend it, or a known field variant no document shows;
                          --strict turns WARN into FAIL)
  INFO   → INFO          (the docs are silent: the suite records what the server did)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

SUITES_ROOT = Path(__file__).resolve().parent.parent / "suites"
FAMILIES = ("authentication", "rejection", "expiry", "subscription replay", "envelope", "heartbeat")


class Level(StrEnum):
    MUST = "MUST"
    SHOULD = "SHOULD"
    INFO = "INFO"


class Verdict(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    WARN = "WARN"
    INFO = "INFO"
    SKIP = "SKIP"
    ERROR = "ERROR"  # the check could not finish (setup broke, token source failed)
    UNTESTED = "UNTESTED"  # no test names the requirement


class CatalogueError(Exception):
    pass


@dataclass(frozen=True)
class Requirement:
    id: str
    level: Level
    family: str
    title: str
    source: str  # document and clause: "PAGE § Authentication Errors"
    quote: str  # the clause's own words (or the fact sheet's, for [CODE]/[INF] sources)


@dataclass(frozen=True)
class Catalogue:
    profile: str
    doc_sources: dict[str, str]
    requirements: dict[str, Requirement]

    def __getitem__(self, req_id: str) -> Requirement:
        try:
            return self.requirements[req_id]
        except KeyError:
            raise CatalogueError(f"{req_id} is not in the {self.profile} catalogue") from None


def load(path: Path) -> Catalogue:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    reqs: dict[str, Requirement] = {}
    for raw in data.get("requirement", []):
        missing = {"id", "level", "family", "title", "source", "quote"} - raw.keys()
        if missing:
            raise CatalogueError(f"{path}: {raw.get('id', '?')} lacks {sorted(missing)}")
        if raw["id"] in reqs:
            raise CatalogueError(f"{path}: {raw['id']} is listed twice")
        if raw["family"] not in FAMILIES:
            raise CatalogueError(f"{path}: {raw['id']} family {raw['family']!r} not in {FAMILIES}")
        reqs[raw["id"]] = Requirement(
            id=raw["id"],
            level=Level(raw["level"]),
            family=raw["family"],
            title=raw["title"],
            source=raw["source"],
            quote=" ".join(raw["quote"].split()),
        )
    return Catalogue(data["profile"], dict(data.get("sources", {})), reqs)


@cache
def catalogue(profile: str) -> Catalogue:
    """The catalogue a profile's suite is judged by."""
    from wsconform.profiles import get_profile

    return load(SUITES_ROOT / get_profile(profile).suite_dir / "requirements.toml")
