"""Schema registry: every JSON Schema under schemas/<vendor>/, compiled once, refs resolved offline.

A schema's `$id` is `https://wsconform.dev/schemas/<vendor>/<file>`; `$ref`s between files use
those ids (or paths relative to them) and are resolved through `referencing`, never the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

import jsonschema_rs
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from wsconform.layout import SCHEMA_ROOT

ID_PREFIX = "https://wsconform.dev/schemas/"
# Keywords whose values are data, not schemas: a "$ref" key there is not a reference.
DATA_KEYWORDS = frozenset({"const", "enum", "examples", "default"})


class SchemaError(Exception):
    """A schema file is missing or broken: a defect of the suite, not of the server."""


def schema_id(vendor: str, name: str) -> str:
    return f"{ID_PREFIX}{vendor}/{name}.json"


class SchemaRegistry:
    """All schemas of one root directory; `validator(vendor, name)` compiles on first use, once."""

    def __init__(self, root: Path = SCHEMA_ROOT) -> None:
        self.root = root
        self._documents: dict[str, dict[str, Any]] = {}
        for path in sorted(root.glob("*/*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            expected = schema_id(path.parent.name, path.stem)
            if document.get("$id") != expected:
                raise SchemaError(
                    f"{path}: $id must be {expected!r}, found {document.get('$id')!r}"
                )
            self._documents[expected] = document
        self._registry: Registry = Registry().with_resources(
            (uri, Resource.from_contents(doc, default_specification=DRAFT202012))
            for uri, doc in self._documents.items()
        )
        self._validators: dict[str, Draft202012Validator] = {}
        self._fast: dict[str, jsonschema_rs.Draft202012Validator] = {}

    def names(self, vendor: str) -> list[str]:
        prefix = f"{ID_PREFIX}{vendor}/"
        return sorted(
            uri[len(prefix) : -len(".json")] for uri in self._documents if uri.startswith(prefix)
        )

    def document(self, vendor: str, name: str) -> dict[str, Any]:
        try:
            return self._documents[schema_id(vendor, name)]
        except KeyError:
            raise SchemaError(f"no schema {vendor}/{name}.json under {self.root}") from None

    def validator(self, vendor: str, name: str) -> Draft202012Validator:
        uri = schema_id(vendor, name)
        if uri not in self._validators:
            # Checked against the metaschema here, when first used, rather than all at start:
            # every pytest process makes a registry, and most use a few schemas of one vendor.
            Draft202012Validator.check_schema(self.document(vendor, name))
            inlined = self.inlined(self.document(vendor, name), uri, (uri,))
            self._validators[uri] = Draft202012Validator(inlined, registry=self._registry)
        return self._validators[uri]

    def reference_validator(self, vendor: str, name: str) -> Draft202012Validator:
        """The schema as written, its `$ref`s looked up as it validates (what the inlined
        validator must agree with: tests/test_schemas.py)."""
        return Draft202012Validator(self.document(vendor, name), registry=self._registry)

    def inlined(self, node: Any, base: str, chain: tuple[str, ...]) -> Any:
        """A copy of `node` with every `$ref` (resolved against `base`) replaced by its target.
        A `$ref` beside other keywords becomes an `allOf` entry: in 2020-12 the two mean the
        same. `chain` holds the references being inlined, to refuse a cycle."""
        if isinstance(node, list):
            return [self.inlined(item, base, chain) for item in node]
        if not isinstance(node, dict):
            return node
        out = {
            key: value if key in DATA_KEYWORDS else self.inlined(value, base, chain)
            for key, value in node.items()
            if key != "$ref"
        }
        if "$ref" not in node:
            return out
        target_uri = urljoin(base, node["$ref"])
        if target_uri in chain:
            raise SchemaError(f"$ref cycle: {' -> '.join((*chain, target_uri))}")
        document_uri, fragment = urldefrag(target_uri)
        target = self._pointer(document_uri, fragment)
        resolved = self.inlined(target, document_uri, (*chain, target_uri))
        if isinstance(resolved, dict):
            resolved = {k: v for k, v in resolved.items() if k not in ("$id", "$schema")}
        if not out:
            return resolved
        out["allOf"] = [*out.get("allOf", []), resolved]
        return out

    def _pointer(self, document_uri: str, fragment: str) -> Any:
        """The part of a schema document a JSON pointer fragment names."""
        if document_uri not in self._documents:
            raise SchemaError(f"$ref to {document_uri}, which is not a schema under {self.root}")
        node: Any = self._documents[document_uri]
        for token in filter(None, unquote(fragment).split("/")):
            key = token.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(key)] if isinstance(node, list) else node[key]
            except (KeyError, IndexError, ValueError):
                raise SchemaError(f"$ref to {document_uri}#{fragment}: no such part") from None
        return node

    def fast_validator(self, vendor: str, name: str) -> jsonschema_rs.Draft202012Validator:
        """jsonschema-rs, on the same inlined schema: what passes, quickly."""
        uri = schema_id(vendor, name)
        if uri not in self._fast:
            self._fast[uri] = jsonschema_rs.Draft202012Validator(
                self.validator(vendor, name).schema
            )
        return self._fast[uri]

    def errors(self, vendor: str, name: str, instance: Any) -> list[str]:
        """Human-readable violations, empty when `instance` is valid."""
        if self.is_valid(vendor, name, instance):
            return []
        found = sorted(
            self.validator(vendor, name).iter_errors(instance), key=lambda e: list(e.path)
        )
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found]

    def is_valid(self, vendor: str, name: str, instance: Any) -> bool:
        try:
            if self.fast_validator(vendor, name).is_valid(instance):
                return True
        except (ValueError, TypeError, OverflowError):  # what it cannot take: jsonschema judges
            pass
        return self.validator(vendor, name).is_valid(instance)

    def examples(self, vendor: str) -> Iterator[tuple[str, Any]]:
        """Every (schema name, example) the schemas carry: the docs' own examples."""
        for name in self.names(vendor):
            for example in self.document(vendor, name).get("examples", []):
                yield name, example


@cache
def registry(root: Path = SCHEMA_ROOT) -> SchemaRegistry:
    """The process-wide registry over a schemas directory: wsconform's own, or the one holding
    an installed vendor package's (Profile.schemas)."""
    return SchemaRegistry(root)
