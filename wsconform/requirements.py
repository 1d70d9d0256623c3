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
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from wsconform.layout import SUITES_ROOT

# "KEY § Section": the first source of a requirement (up to ";" or "(") names its clause.
_CLAUSE = re.compile(r"^\s*([A-Z][A-Z0-9-]*[A-Z0-9])\b(?:\s*§\s*([^;(]+?)\s*(?:[;(]|$))?")
WORDINGS = ("verbatim", "paraphrase")
BEHAVIOURS = SUITES_ROOT / "behaviours.toml"
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
    quote: str  # the clause's own words, or the project's account of it (wording says which)
    wording: str = "verbatim"  # "verbatim": the document's words, checked; "paraphrase": ours
    behaviour: str | None = None  # the shared behaviour it is an instance of (behaviours.toml)

    def clause(self) -> tuple[str, str | None]:
        """The document key and section of the requirement's first source."""
        match = _CLAUSE.match(self.source)
        if match is None:
            raise CatalogueError(f"{self.id}: source {self.source!r} does not start with a key")
        return match[1], match[2]


@dataclass(frozen=True)
class Document:
    """A document a profile is judged against: where it is public, and the digest of the text
    its quotes were taken from (the reference copy, when the project has one to check them)."""

    key: str
    title: str
    url: str  # its public address, pinned to a version where the host allows it
    sha256: str | None  # None only where the address itself is immutable (an RFC)
    copy: str | None = None  # the reference copy's name under ../shared/vendor-docs/
    anchors: str = "heading"  # how a section becomes a fragment: "heading" slug or "rfc" number

    def link(self, section: str | None) -> str:
        if not section:
            return self.url
        if self.anchors == "rfc":
            return f"{self.url}#section-{section.strip().lstrip('§ ')}"
        return f"{self.url}#{heading_slug(section)}"

    def as_dict(self) -> dict[str, str | None]:
        return {"title": self.title, "url": self.url, "sha256": self.sha256, "copy": self.copy}


def heading_slug(section: str) -> str:
    """A heading's fragment as GitHub and most docs sites make it: lower case, punctuation
    dropped, spaces to hyphens."""
    kept = re.sub(r"[^\w\- ]", "", section.strip().lower())
    return kept.replace(" ", "-")


@dataclass(frozen=True)
class Catalogue:
    profile: str
    documents: dict[str, Document]
    requirements: dict[str, Requirement]

    def link(self, req: Requirement) -> str | None:
        """The public address of the clause `req` cites: its document, at its section."""
        key, section = req.clause()
        document = self.documents.get(key)
        return document.link(section) if document else None

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
            wording=raw.get("wording", "verbatim"),
            behaviour=raw.get("behaviour"),
        )
        if (named := raw.get("behaviour")) is not None and named not in behaviours():
            raise CatalogueError(f"{path}: {raw['id']} behaviour {named!r} not in {BEHAVIOURS}")
        if reqs[raw["id"]].wording not in WORDINGS:
            raise CatalogueError(f"{path}: {raw['id']} wording not one of {WORDINGS}")
    documents = {key: _document(path, key, raw) for key, raw in data.get("documents", {}).items()}
    for req in reqs.values():
        if (key := req.clause()[0]) not in documents:
            raise CatalogueError(f"{path}: {req.id} cites {key}, which [documents] does not list")
    return Catalogue(data["profile"], documents, reqs)


def _document(path: Path, key: str, raw: dict[str, str]) -> Document:
    if missing := {"title", "url"} - raw.keys():
        raise CatalogueError(f"{path}: document {key} lacks {sorted(missing)}")
    return Document(
        key,
        raw["title"],
        raw["url"],
        raw.get("sha256"),
        raw.get("copy"),
        raw.get("anchors", "heading"),
    )


@dataclass(frozen=True)
class Behaviour:
    """What requirements of several profiles are instances of: a row of the matrix."""

    id: str
    family: str
    title: str


@cache
def behaviours() -> dict[str, Behaviour]:
    """The shared behaviours by id, in the order suites/behaviours.toml lists them."""
    data = tomllib.loads(BEHAVIOURS.read_text(encoding="utf-8"))
    return {
        key: Behaviour(key, family, title)
        for family, listed in data.items()
        for key, title in listed.items()
    }


def catalogue_path(profile: str) -> Path:
    from wsconform.profiles import get_profile

    return get_profile(profile).suite / "requirements.toml"


@cache
def catalogue(profile: str) -> Catalogue:
    """The catalogue a profile's suite is judged by."""
    return load(catalogue_path(profile))
