"""Every catalogue cites its documents honestly: each document is named by its public address and
pinned by the SHA-256 of the text quoted; each verbatim quote is found, word for word, in the
reference copy of the document it cites (../shared/vendor-docs/, where it is present), and the
section it names is a heading there. Quotes the project words itself say so (wording =
"paraphrase"), and the certificate shows them as the project's account, not as the vendor's."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from wsconform import profiles
from wsconform.layout import CHECKOUT
from wsconform.requirements import Catalogue, Document, Requirement, catalogue

assert CHECKOUT is not None, "the repository's own tests run in its checkout"
VENDOR_DOCS = CHECKOUT.parent / "shared" / "vendor-docs"
ELISION = "…"


def _words(text: str) -> str:
    """The text as words: markdown emphasis, code marks and line-break backslashes dropped,
    whitespace collapsed (a quote spans lines and tables)."""
    return " ".join(re.sub(r"\*\*|`|\\$", "", text, flags=re.MULTILINE).split())


def _headings(text: str) -> set[str]:
    """Every line that could be a section title: markdown headings without their marks and
    anchors, and the short plain lines a page saved as text keeps its titles in."""
    found = set()
    for line in text.splitlines():
        line = re.sub(r"<[^>]*>|`", "", line).strip().lstrip("#").strip()
        if line and len(line) < 80:
            found.add(line.lower())
    return found


def _copy_path(profile: str, document: Document) -> Path:
    """Where the reference copy is: beside the catalogue, for a document a profile carries (its
    licence allows: graphql-ws's PROTOCOL.md), else in ../shared/vendor-docs/."""
    assert document.copy is not None
    beside = profiles.get_profile(profile).suite / document.copy
    return beside if beside.is_file() else VENDOR_DOCS / document.copy


def _copy(profile: str, document: Document) -> str:
    if document.copy is None:
        pytest.fail(f"{document.key} has no reference copy: a verbatim quote cannot be checked")
    path = _copy_path(profile, document)
    if not path.is_file() and not VENDOR_DOCS.is_dir():
        pytest.skip(f"no reference copies here ({VENDOR_DOCS} is absent)")
    return path.read_text(encoding="utf-8")


CASES = [
    pytest.param(name, req, id=req.id)
    for name in profiles.names()
    for req in catalogue(name).requirements.values()
]


@pytest.mark.parametrize("profile", profiles.names())
def test_every_document_is_public_and_pinned(profile: str) -> None:
    for document in catalogue(profile).documents.values():
        assert document.url.startswith(("https://", "http://")), f"{document.key}: {document.url}"
        if document.anchors == "rfc":
            continue  # an RFC is never changed once published: its number pins it
        assert document.sha256 and re.fullmatch(r"[0-9a-f]{64}", document.sha256), document.key
        path = _copy_path(profile, document) if document.copy is not None else None
        if path is not None and path.is_file():
            found = hashlib.sha256(path.read_bytes()).hexdigest()
            assert found == document.sha256, f"{document.key}: {document.copy} changed"


@pytest.mark.parametrize(("profile", "req"), CASES)
def test_quote_is_the_documents_own_words(profile: str, req: Requirement) -> None:
    cat: Catalogue = catalogue(profile)
    key, section = req.clause()
    document = cat.documents[key]
    if req.wording == "paraphrase":
        return  # the project's own words: the certificate says so
    text = _copy(profile, document)
    words = _words(text)
    for piece in filter(None, (p.strip() for p in req.quote.split(ELISION))):
        assert _words(piece) in words, f"{req.id}: not in {document.copy}: {piece!r}"
    if section is not None:
        assert section.strip().lower() in _headings(text), f"{req.id}: no section {section!r}"


def test_the_checker_refuses_a_quote_the_page_does_not_hold() -> None:
    """The check itself can fail: a word changed in a real quote is not found."""
    req = catalogue("zenith").requirements
    verbatim = next(r for r in req.values() if r.wording == "verbatim")
    changed = verbatim.quote.replace(" ", " never ", 1)
    text = _copy("zenith", catalogue("zenith").documents[verbatim.clause()[0]])
    assert _words(changed) not in _words(text)
