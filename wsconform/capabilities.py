"""The vendor's capability statement (after OCPP's PICS): what the server under test offers.

A vendor declares, in a TOML file given with --capabilities, the token kinds its test accounts
can have, the channels to use, and each optional feature of its profile (Profile.features):

    profile = "zenith"
    token-kinds = ["valid", "expired", "short-lived"]   # no "limited" account on staging
    public-channel = "Data/Market/Trades"                # optional; else the profile's
    private-channel = "Data/Trading/Orders"
    [features]
    handshake-authorization = false

A test of a feature declared absent, or needing a token kind not declared, SKIPs and says that
the statement declares it: "not tested" is then the vendor's declaration, not an accident. The
run records the statement, and its SHA-256 is part of the attested configuration. A MUST that
the statement leaves undecided still makes the run INCOMPLETE: a declaration is not a PASS.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wsconform.profiles.base import Profile
from wsconform.tokens import KINDS

KEYS = ("profile", "token-kinds", "public-channel", "private-channel", "features")
FILE = "capabilities.toml"  # its name in a bundle


class CapabilitiesError(ValueError):
    """A statement that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Capabilities:
    path: Path
    text: str  # as the vendor wrote it: the bundle keeps a copy
    profile: str
    token_kinds: frozenset[str]
    features: Mapping[str, bool]
    public_channel: str | None = None
    private_channel: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def kind_declined(self, kind: str) -> str | None:
        """Why a test needing a `kind` token is not run, or None when the vendor offers it."""
        if kind in self.token_kinds:
            return None
        return f"the capability statement ({self.path.name}) declares no {kind!r} token"

    def feature_declined(self, feature: str) -> str | None:
        """Why a test of `feature` is not run, or None when the vendor offers it."""
        if self.features[feature]:
            return None
        return f"the capability statement ({self.path.name}) declares {feature} = false"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.path.name,
            "sha256": self.sha256,
            "profile": self.profile,
            "token-kinds": sorted(self.token_kinds),
            "public-channel": self.public_channel,
            "private-channel": self.private_channel,
            "features": dict(self.features),
        }


def load(path: Path, profiles: Mapping[str, Profile]) -> Capabilities:
    """The statement at `path`, checked against its profile's features; CapabilitiesError."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CapabilitiesError(f"--capabilities {path}: {exc}") from None

    def bad(message: str) -> CapabilitiesError:
        return CapabilitiesError(f"--capabilities {path}: {message}")

    if unknown := sorted(data.keys() - set(KEYS)):
        raise bad(f"unknown keys {unknown}; a statement has {', '.join(KEYS)}")
    profile = profiles.get(data.get("profile", ""))
    if profile is None:
        raise bad(f"profile = {data.get('profile')!r}; one of {', '.join(profiles)}")
    kinds = data.get("token-kinds")
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= set(KINDS):
        raise bad(f"token-kinds = {kinds!r}: a list of the kinds offered, from {', '.join(KINDS)}")
    features = data.get("features", {})
    declared = profile.features
    if not isinstance(features, dict) or features.keys() != declared.keys():
        wanted = "; ".join(f"{name}: {what}" for name, what in declared.items()) or "none"
        raise bad(f"[features] must declare each of {profile.name}'s, true or false ({wanted})")
    if not all(isinstance(v, bool) for v in features.values()):
        raise bad("each [features] entry is true or false")
    channels = [data.get(key) for key in ("public-channel", "private-channel")]
    if not all(c is None or (isinstance(c, str) and c) for c in channels):
        raise bad("public-channel and private-channel are channel names")
    return Capabilities(path, text, profile.name, frozenset(kinds), features, *channels)
