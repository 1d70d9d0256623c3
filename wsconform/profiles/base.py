"""What every profile declares: where its suite, schemas and mock live, and its defaults."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the description depends on neither the mock nor the probe: they depend on it
    from wsconform.mock.server import MockApp
    from wsconform.session import Frame


@dataclass(frozen=True)
class Heartbeat:
    """A vendor's documented server heartbeat, on the mock's clock: a ping every `ping_every`
    seconds, and a connection that has answered no ping for `close_silent_after` seconds closed
    with `close_code`. The clock may jump (tests), so a ping also counts as unanswered only once
    `pong_grace` seconds of wall time have passed without its pong."""

    ping_every: float
    close_silent_after: float
    close_code: int = 1008
    pong_grace: float = 1.0  # wall seconds: a responsive client answers in milliseconds


@dataclass(frozen=True)
class Profile:
    name: str  # the --profile value
    title: str
    suite: Path  # the directory of its tests and their requirements.toml
    # The directory of its JSON schemas, named as the vendor part of their $id
    # (<root>/<vendor>/<name>.json; see wsconform.schemas).
    schemas: Path
    mock: type[MockApp]
    public_channel: str  # defaults for --public-channel / --private-channel
    private_channel: str
    data_on: Callable[[str], Callable[[Frame], bool]]  # channel → "is data on it"
    token_lifetime: float  # what the vendor's docs say a fresh token lives, in seconds
    subprotocols: tuple[str, ...] = ()
    # Some rights are granted only over TLS (Zenith's Trading/OrderPad): the embedded mock then
    # serves wss:// and its ws:// twin, and live runs want --insecure-endpoint.
    tls_only_rights: bool = False
    # The server heartbeat the docs describe (pings, and the close of a silent connection).
    heartbeat: Heartbeat | None = None
    # JSON members whose values change from run to run (times, server-made ids): a replay
    # compares frames without their values.
    volatile: tuple[str, ...] = ()
    # Endpoints besides the main one, each for a rule it alone can provoke (--extra-endpoint
    # NAME=URL live; the embedded mock serves its own): name → what a live one must do.
    extra_endpoints: Mapping[str, str] = field(default_factory=dict, hash=False)
    # Features its documents offer as a choice, which a vendor's capability statement declares
    # present or absent (wsconform.capabilities): name → what it is. Tests of one carry
    # @pytest.mark.feature(name).
    features: Mapping[str, str] = field(default_factory=dict, hash=False)
    # Its soak flow (`wsconform soak`), as "module:Class": imported only by the Locust processes,
    # where gevent has patched the standard library first.
    soak: str | None = None

    def soak_flow(self) -> type[Any]:
        """The soak flow class (a wsconform.soak.flow.Flow); ValueError when there is none."""
        if self.soak is None:
            raise ValueError(f"the {self.name} profile has no soak flow")
        module, _, name = self.soak.partition(":")
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]

    @property
    def schema_vendor(self) -> str:
        return self.schemas.name

    @property
    def home(self) -> Path:
        """The directory holding its suite and schemas (wsconform's data directory for its own
        profiles, a vendor package's for its): a bundle names their files relative to it."""
        return Path(os.path.commonpath([self.suite, self.schemas]))

    def holds(self, path: Path) -> bool:
        """Whether `path` is in this profile's suite."""
        return path.resolve().is_relative_to(self.suite.resolve())
