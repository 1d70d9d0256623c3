"""Each profile's AsyncAPI 3.0 document (wsconform.asyncapi) is valid by the official AsyncAPI
JSON Schemas (npm @asyncapi/specs, pinned in tools/asyncapi, installed by `make test`), every
reference in it resolves, it carries every message schema, and the standalone mock serves it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from standalone import ROOT, standalone_mock

from wsconform import asyncapi
from wsconform.profiles import get_profile, installed
from wsconform.schemas import registry

SPEC = (
    ROOT / "tools" / "asyncapi" / "node_modules" / "@asyncapi" / "specs" / "schemas" / "3.0.0.json"
)
TIMEOUT = 10.0


@pytest.fixture(scope="module")
def official() -> Draft7Validator:
    if not SPEC.is_file():
        pytest.skip(
            f"{SPEC.relative_to(ROOT)} is missing: make tools/asyncapi/node_modules/.installed"
        )
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    resources = Registry().with_resource(spec["$id"], Resource.from_contents(spec, DRAFT7))
    return Draft7Validator(spec, registry=resources.crawl())


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for token in pointer.removeprefix("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


@pytest.mark.parametrize("profile", sorted(installed()))
def test_the_document_is_valid_asyncapi_3(profile, official):
    document = asyncapi.document(get_profile(profile), "wss://example.test/path")
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in official.iter_errors(document)]
    assert not problems, problems[:5]
    # The official schemas do not follow references; every one here must land somewhere.
    for ref in refs({k: v for k, v in document.items() if k != "components"}):
        assert ref.startswith("#/") and resolve(document, ref) is not None, ref


def test_a_broken_document_is_refused_by_the_official_schemas(official):
    broken = asyncapi.document(get_profile("paradex"))
    broken["operations"] = {"onAuthRequest": {"action": "shout"}}
    assert list(official.iter_errors(broken))


@pytest.mark.parametrize("profile", sorted(installed()))
def test_every_message_schema_is_a_message_and_every_request_an_operation(profile):
    chosen = get_profile(profile)
    document = asyncapi.document(chosen)
    schemas = registry(chosen.schemas.parent)
    vendor = chosen.schema_vendor
    directed = [n for n in schemas.names(vendor) if asyncapi.direction(schemas.document(vendor, n))]
    messages = document["components"]["messages"]
    assert sorted(m["name"] for m in messages.values()) == sorted(directed)
    received = [
        op["messages"][0]["$ref"].rsplit("/", 1)[1]
        for op in document["operations"].values()
        if op["action"] == "receive"
    ]
    requests = [
        n
        for n in directed
        if asyncapi.direction(schemas.document(vendor, n)) == asyncapi.CLIENT_TO_SERVER
    ]
    assert sorted(messages[key]["name"] for key in received) == sorted(requests)
    auth = [op for op in document["operations"].values() if op["action"] == "receive"]
    assert any("reply" in op for op in auth)  # authentication, with its reply
    expiry = document["x-wsconform-expiry"]
    assert expiry and all(r["level"] in ("MUST", "SHOULD", "INFO") for r in expiry)


@pytest.mark.system
def test_the_standalone_mock_serves_its_document(tmp_path: Path):
    with standalone_mock("ethgas-op", "--key-file", str(tmp_path / "key.pem")) as mock:
        http = mock.line_after("http on ")
        assert http is not None, mock.lines
        with urllib.request.urlopen(f"{http.split()[0]}/asyncapi.json", timeout=TIMEOUT) as got:
            served = json.loads(got.read())
    assert served["asyncapi"] == asyncapi.VERSION
    assert served["servers"]["target"]["host"] == mock.url.split("/")[2]
