"""Shared scaffolding of the schema tests (not a test module).

`examples(vendor)` gives the docs' examples of every schema of a vendor as pytest params;
`Mutations(vendor)` builds invalid (or accepted-variant) instances from those examples, and
`rejection_test` / `acceptance_test` turn them into a vendor module's parametrized tests:

    M = Mutations("paradex")
    M.case("error", "code missing", M.mutate("error", drop("error", "code")))
    M.variant("error", "null id", M.mutate("error", set_("id", None)))
    ...
    test_mutation_rejected = rejection_test(M)
    test_documented_variant_accepted = acceptance_test(M)

Every helper deep-copies the example it starts from, so no case can change a schema document.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from wsconform.schemas import SchemaRegistry

REGISTRY = SchemaRegistry()

Change = Callable[[Any], None]


def examples(vendor: str, registry: SchemaRegistry = REGISTRY) -> list[Any]:
    """pytest.param(name, example, id="name[index]") for every doc example of every schema."""
    params = []
    for name in registry.names(vendor):
        for index, example in enumerate(registry.document(vendor, name).get("examples", [])):
            params.append(pytest.param(name, example, id=f"{name}[{index}]"))
    return params


def derived_examples(vendor: str, registry: SchemaRegistry = REGISTRY) -> list[Any]:
    """pytest.param(name, example, id=...) for every x-derived-examples entry (not from a doc)."""
    params = []
    for name in registry.names(vendor):
        derived = registry.document(vendor, name).get("x-derived-examples", [])
        for index, example in enumerate(derived):
            params.append(pytest.param(name, example, id=f"{name}[derived {index}]"))
    return params


def _walk(instance: Any, path: tuple[Any, ...]) -> Any:
    target = instance
    for key in path:
        target = target[key]
    return target


def set_(*path_and_value: Any) -> Change:
    """A change setting the member at `path` (keys and list indices) to the last argument."""
    *path, value = path_and_value

    def change(instance: Any) -> None:
        _walk(instance, tuple(path[:-1]))[path[-1]] = value

    return change


def drop(*path: Any) -> Change:
    """A change deleting the member at `path`."""

    def change(instance: Any) -> None:
        del _walk(instance, path[:-1])[path[-1]]

    return change


class Mutations:
    """Instances derived from one vendor's doc examples, collected as pytest params."""

    def __init__(self, vendor: str, registry: SchemaRegistry = REGISTRY) -> None:
        self.vendor = vendor
        self.registry = registry
        self.cases: list[Any] = []
        self.variants: list[Any] = []

    def first(self, name: str, index: int = 0) -> Any:
        """A deep copy of doc example `index` of schema `name`."""
        return copy.deepcopy(self.registry.document(self.vendor, name)["examples"][index])

    def derived(self, name: str, index: int = 0) -> Any:
        """A deep copy of x-derived-examples entry `index` of schema `name`."""
        document = self.registry.document(self.vendor, name)
        return copy.deepcopy(document["x-derived-examples"][index])

    def mutate(self, name: str, change: Change, index: int = 0) -> Any:
        """Doc example `index` of `name`, with `change` applied."""
        instance = self.first(name, index)
        change(instance)
        return instance

    def case(self, name: str, what: str, instance: Any) -> None:
        """Record `instance` as one schema `name` must reject, with the id "name: what"."""
        self.cases.append(pytest.param(name, instance, id=f"{name}: {what}"))

    def variant(self, name: str, what: str, instance: Any) -> None:
        """Record `instance` as a documented variant schema `name` accepts, id "name: what"."""
        self.variants.append(pytest.param(name, instance, id=f"{name}: {what}"))


def rejection_test(m: Mutations) -> Callable[[str, Any], None]:
    """A test that schema `name` rejects each of `m.cases`, with errors to say why.

    It is parametrized over the list itself, read at collection: no case may be missed.
    """

    @pytest.mark.parametrize(("name", "instance"), m.cases)
    def test_mutation_rejected(name: str, instance: Any) -> None:
        assert not m.registry.is_valid(m.vendor, name, instance)
        assert m.registry.errors(m.vendor, name, instance)

    return test_mutation_rejected


def acceptance_test(m: Mutations) -> Callable[[str, Any], None]:
    """A test that schema `name` accepts each of `m.variants` without an error."""

    @pytest.mark.parametrize(("name", "instance"), m.variants)
    def test_documented_variant_accepted(name: str, instance: Any) -> None:
        assert m.registry.errors(m.vendor, name, instance) == []

    return test_documented_variant_accepted
