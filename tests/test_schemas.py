"""Checks every vendor's JSON Schemas share: files, metadata, and that the docs' examples validate.

Vendor-specific checks (mutations, accepted variants, annotations) live in
tests/vendors/<v>/test_schemas.py.
Adding a vendor: list its schemas in EXPECTED_NAMES (and WITHOUT_DOC_EXAMPLES if some have none).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from schema_cases import REGISTRY, derived_examples, examples

from wsconform.requirements import catalogue
from wsconform.schemas import SCHEMA_ROOT

# Explicit on purpose: a schema deleted or renamed by accident fails here, not silently elsewhere.
EXPECTED_NAMES: dict[str, list[str]] = {
    "ethgas": [
        "common",
        "data-frame",
        "error-frame",
        "login-error",
        "login-request",
        "login-success",
        "ping",
        "pong",
        "response",
        "subscribe-request",
        "token-expired",
        "unsubscribe-request",
    ],
    "ethgas-op": [
        "channel-data",
        "common",
        "data-frame",
        "error-event",
        "login-ack",
        "login-reply",
        "login-request",
        "query-data",
        "query-reply",
        "query-request",
        "subscribe-ack",
        "subscribe-request",
        "unsubscribe-ack",
        "unsubscribe-request",
    ],
    "graphql-ws": [
        "complete",
        "connection-ack",
        "connection-request",
        "ping",
        "pong",
        "subscribe-complete",
        "subscribe-error",
        "subscribe-next",
        "subscribe-request",
    ],
    "paradex": [
        "auth-request",
        "auth-success",
        "common",
        "error",
        "subscribe-request",
        "subscribe-result",
        "subscription-notification",
        "unsubscribe-request",
        "unsubscribe-result",
    ],
    "zenith": [
        "auth-token-reply",
        "auth-token-request",
        "container",
        "data-frame",
        "error-frame",
        "identify-data",
        "identify-data-frame",
        "identify-sub-request",
        "query-identify-reply",
        "query-identify-request",
        "server-unsub",
        "sub-confirm",
        "sub-failed-confirm",
        "sub-request",
        "unsub-reply",
        "unsub-request",
    ],
}
# Messages no document shows: no `examples`, but x-derived-examples (and the reason in the
# description). A vendor's "common" holds shared $defs only and needs neither.
WITHOUT_DOC_EXAMPLES: dict[str, set[str]] = {
    "ethgas": {"data-frame", "ping", "pong"},
    "ethgas-op": {"error-event", "subscribe-ack", "unsubscribe-ack"},
    # PROTOCOL.md gives each message as a TypeScript interface, none as an instance.
    "graphql-ws": set(EXPECTED_NAMES["graphql-ws"]),
    "paradex": set(),
    "zenith": {"sub-failed-confirm"},
}
VENDORS = sorted(EXPECTED_NAMES)
SCHEMAS = [
    pytest.param(vendor, name, id=f"{vendor}/{name}")
    for vendor in VENDORS
    for name in EXPECTED_NAMES[vendor]
]


def _per_vendor(params_of: Callable[[str], list[Any]]) -> list[Any]:
    return [
        pytest.param(vendor, *param.values, id=f"{vendor}/{param.id}")
        for vendor in VENDORS
        for param in params_of(vendor)
    ]


def test_every_vendor_directory_is_listed() -> None:
    on_disk = sorted(p.name for p in SCHEMA_ROOT.iterdir() if p.is_dir())
    assert on_disk == VENDORS
    assert sorted(WITHOUT_DOC_EXAMPLES) == VENDORS


@pytest.mark.parametrize("vendor", VENDORS)
def test_all_files_load_with_expected_names(vendor: str) -> None:
    assert REGISTRY.names(vendor) == EXPECTED_NAMES[vendor]
    on_disk = sorted(p.stem for p in (SCHEMA_ROOT / vendor).glob("*.json"))
    assert on_disk == EXPECTED_NAMES[vendor]
    assert WITHOUT_DOC_EXAMPLES[vendor] <= set(EXPECTED_NAMES[vendor])


@pytest.mark.parametrize(("vendor", "name"), SCHEMAS)
def test_schema_metadata(vendor: str, name: str) -> None:
    document = REGISTRY.document(vendor, name)
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"https://wsconform.dev/schemas/{vendor}/{name}.json"
    assert document["title"]
    # It cites where the frame is documented: a document of its profile's catalogue, or the
    # project's account of the facts (docs/facts/).
    cited = catalogue(vendor).documents
    described = document["description"]
    assert "docs/facts/" in described or any(re.search(rf"\b{k}\b", described) for k in cited)
    REGISTRY.validator(vendor, name)  # compiles, refs resolve
    if name == "common":
        assert document["$defs"], f"{vendor}/common holds no shared definitions"
    elif name in WITHOUT_DOC_EXAMPLES[vendor]:
        assert "examples" not in document
        assert document["x-derived-examples"]
    else:
        assert document["examples"], f"{vendor}/{name} carries no doc examples"


@pytest.mark.parametrize(("vendor", "name", "example"), _per_vendor(examples))
def test_doc_example_validates(vendor: str, name: str, example: Any) -> None:
    assert REGISTRY.errors(vendor, name, example) == []


@pytest.mark.parametrize(("vendor", "name", "example"), _per_vendor(derived_examples))
def test_derived_example_validates(vendor: str, name: str, example: Any) -> None:
    assert REGISTRY.errors(vendor, name, example) == []


def _variants(instance: Any) -> Iterator[Any]:
    """`instance`, and copies of it with one member or item dropped or given another type."""
    yield instance
    if isinstance(instance, dict | list):
        keys = list(instance) if isinstance(instance, dict) else list(range(len(instance)))
        for key in keys:
            for replacement in (_DROP, None, "x", 12345, [], {}):
                changed = copy.deepcopy(instance)
                if replacement is _DROP:
                    del changed[key]
                else:
                    changed[key] = replacement
                yield changed
            for inner in _variants(instance[key]):
                changed = copy.deepcopy(instance)
                changed[key] = inner
                yield changed


_DROP = object()


def _errors(validator: Draft202012Validator, instance: Any) -> list[tuple[str, str]]:
    return sorted(
        ("/".join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(instance)
    )


@pytest.mark.parametrize("vendor", sorted(EXPECTED_NAMES))
def test_the_fast_validators_judge_as_the_schemas_as_written(vendor: str) -> None:
    """Messages are checked against schemas whose $refs were inlined once, and what passes is
    recognised by jsonschema-rs (both for speed). On every example of the vendor, against every
    schema, and on thousands of variants of them, the inlined schema gives the same errors as
    the schema as written (its refs looked up as it validates), and jsonschema-rs passes
    nothing those errors fail."""
    instances = [i for _, i in REGISTRY.examples(vendor)] or [  # graphql-ws: none in the docs
        i
        for n in REGISTRY.names(vendor)
        for i in REGISTRY.document(vendor, n)["x-derived-examples"]
    ]
    compared = passed = 0
    for name in REGISTRY.names(vendor):
        inlined = REGISTRY.validator(vendor, name)
        written = REGISTRY.reference_validator(vendor, name)
        fast = REGISTRY.fast_validator(vendor, name)
        assert '"$ref":' not in json.dumps(inlined.schema)
        for example in instances:
            for instance in _variants(example):
                errors = _errors(written, instance)
                assert _errors(inlined, instance) == errors, (name, instance)
                assert fast.is_valid(instance) == (not errors), (name, instance, errors)
                compared += 1
                passed += not errors
    assert compared > 1000 and passed > 10, (compared, passed)
