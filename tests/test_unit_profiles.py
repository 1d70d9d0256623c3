"""The profile registry: entry points in group wsconform.profiles (wsconform.profiles)."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from wsconform import profiles
from wsconform.layout import SUITES_ROOT


def test_wsconform_registers_its_own_five_by_name():
    assert list(profiles.installed()) == ["ethgas", "ethgas-op", "graphql-ws", "paradex", "zenith"]
    assert profiles.get_profile("ethgas-op").suite == SUITES_ROOT / "ethgas_op"


def test_an_unknown_profile_names_those_installed():
    with pytest.raises(
        profiles.UnknownProfile, match="profiles: ethgas, ethgas-op, graphql-ws, paradex"
    ):
        profiles.get_profile("nasdaq")


def test_a_test_belongs_to_the_suite_holding_it():
    assert profiles.profile_holding(SUITES_ROOT / "zenith" / "test_expiry.py").name == "zenith"
    assert profiles.profile_holding(Path(__file__)) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("paradex", "wsconform.layout:SUITES_ROOT"),  # not a Profile
        ("pdx", "wsconform.vendors.paradex.profile:PROFILE"),  # a Profile named otherwise
    ],
)
def test_an_entry_point_that_is_not_the_profile_it_names_is_refused(name, value):
    point = EntryPoint(name, value, profiles.ENTRY_POINTS)
    with pytest.raises(profiles.BrokenProfile, match=f"entry point {name} = {value}"):
        profiles.load([point])
