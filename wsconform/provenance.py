"""Where each secret a test sent came from, so that a replay can make a fresh one like it.

Transcripts hold no secret in full, only its mask. So a test's transcript keeps, per mask, the
secret's origin: the token kind a source gave (`{"kind": "short-lived", "arg": "5"}`) and the
steps that made what was sent from it (a jwt_forge forgery, Zenith's Base64 form:
`"steps": [["tampered_claims", [], {"sub": "admin"}]]`); or, for a token hypothesis fuzzed, its
summary only (`{"fuzzed": ...}`: no source gives that again). Origins are noted as they happen,
into the map that `recording` installs for the test.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from wsconform.redact import MIN_SECRET_LENGTH, mask

Origin = dict[str, Any]
F = TypeVar("F", bound=Callable[..., str])

_origins: ContextVar[dict[str, Origin] | None] = ContextVar("origins", default=None)
STEPS: dict[str, Callable[..., str]] = {}  # every step by name, for a replay to redo


@contextmanager
def recording(origins: dict[str, Origin]) -> Iterator[None]:
    """Within the block, origins are noted into `origins` (mask → origin)."""
    reset = _origins.set(origins)
    try:
        yield
    finally:
        _origins.reset(reset)


def _note(value: object, origin: Origin) -> None:
    origins = _origins.get()
    if origins is not None and isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
        origins.setdefault(mask(value), origin)  # the first, most exact account stays


def source(value: str, kind: str, arg: str | None) -> None:
    """`value` came from a token source as a token of `kind` (and `arg`)."""
    _note(value, {"kind": kind, "arg": arg, "steps": []})


def fuzzed(value: object, summary: str) -> None:
    """`value` was drawn by hypothesis: only its summary can be told."""
    _note(value, {"fuzzed": summary})


def step(derive: F) -> F:
    """Note what `derive(secret, ...)` makes as one step beyond `secret`'s origin. Arguments
    that are not JSON values (a key's bytes, DELETE) cannot be recorded: such a result stays
    unnoted, and a replay says it cannot make it."""
    STEPS[derive.__name__] = derive

    @functools.wraps(derive)
    def noted(secret: str, *args: Any, **kwargs: Any) -> str:
        made = derive(secret, *args, **kwargs)
        origins = _origins.get()
        known = origins.get(mask(secret)) if origins and isinstance(secret, str) else None
        if known is not None and "kind" in known:
            try:
                recorded = json.loads(json.dumps([derive.__name__, list(args), kwargs]))
            except (TypeError, ValueError):
                return made
            _note(made, {**known, "steps": [*known["steps"], recorded]})
        return made

    return noted  # type: ignore[return-value]


def redo(origin: Origin, fresh: str) -> str:
    """The secret `origin` describes, made again from `fresh`, a new token of its kind."""
    for name, args, kwargs in origin["steps"]:
        fresh = STEPS[name](fresh, *args, **kwargs)
    return fresh


def describe(origin: Origin) -> str:
    """`bad_signature of a valid token`, `a short-lived 5 token`, `fuzzed: …`."""
    if "fuzzed" in origin:
        return f"fuzzed ({origin['fuzzed']})"
    kind = " ".join(filter(None, (origin["kind"], origin.get("arg"))))
    made = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} token"
    for name, _, _ in origin["steps"]:
        made = f"{name} of {made}"
    return made
