"""The requirement catalogue (suites/<vendor>/requirements.toml) and verdict levels.

A requirement's level says what a violation means, as the doc's own words say:
  MUST   → FAIL          (the docs state it)
  SHOULD → WARN          (the docs recommend it, or a known field variant no document shows;
                          --strict turns WARN into FAIL)
  INFO   → INFO          (the docs are silent: the suite records what the server did)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

_SOURCE_KEY = re.compile(r"\b([A-Z][A-Z0-9]+)\b")
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
    links: dict[str, str] = field(default_factory=dict)  # source key → where the doc is public

    def link(self, req: Requirement) -> str | None:
        """The public address of the first source of `req` that has one."""
        return next(
            (self.links[k] for k in _SOURCE_KEY.findall(req.source) if k in self.links), None
        )

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
    links = dict(data.get("links", {}))
    if unknown := links.keys() - data.get("sources", {}).keys():
        raise CatalogueError(f"{path}: links for unknown sources {sorted(unknown)}")
    return Catalogue(data["profile"], dict(data.get("sources", {})), reqs, links)


def catalogue_path(profile: str) -> Path:
    from wsconform.profiles import get_profile

    return get_profile(profile).suite / "requirements.toml"


@cache
def catalogue(profile: str) -> Catalogue:
    """The catalogue a profile's suite is judged by."""
    return load(catalogue_path(profile))
