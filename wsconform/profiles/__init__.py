"""The profiles: one protocol each, named as on the command line (`--profile paradex`)."""

from __future__ import annotations

from wsconform.profiles.base import Profile
from wsconform.profiles.ethgas import ETHGAS
from wsconform.profiles.ethgas_op import ETHGAS_OP
from wsconform.profiles.paradex import PARADEX
from wsconform.profiles.zenith import ZENITH

PROFILES: dict[str, Profile] = {p.name: p for p in (ZENITH, ETHGAS, ETHGAS_OP, PARADEX)}


class UnknownProfile(KeyError):
    pass


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UnknownProfile(f"unknown profile {name!r}; profiles: {', '.join(PROFILES)}") from None


def profile_for_suite_dir(directory: str) -> Profile | None:
    return next((p for p in PROFILES.values() if p.suite_dir == directory), None)
