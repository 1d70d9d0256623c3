"""Client-compatibility presets (wsconform.mock.presets): a named set of variants and departures
from the docs that one real client needs, declared beside a vendor's mock and chosen with
`wsconform mock PROFILE --preset NAME` or `--mock-preset NAME`."""

from __future__ import annotations

import pytest

from wsconform.mock.defects import UnknownDefect
from wsconform.mock.server import MockContext
from wsconform.profiles import get_profile, installed
from wsconform.vendors.zenith.mock import ZenithMock


@pytest.mark.parametrize("profile", sorted(installed()))
def test_every_preset_selects_declared_variants_and_departures(profile: str) -> None:
    app = get_profile(profile).mock
    app.check_presets()
    for name in app.PRESETS:
        app(MockContext(preset=name))  # each one starts


def test_a_preset_selects_its_variants_and_an_explicit_variant_wins() -> None:
    motif = ZenithMock(MockContext(preset="motif"))
    assert motif.variant("auth-reply-topic") == "AuthToken"
    assert motif.defect("reject-spelled-rejected") and motif.departs("expires-in")
    assert not motif.defect("accept-any-token")
    chosen = ZenithMock(MockContext(preset="motif", variant={"auth-reply-topic": "Identify"}))
    assert chosen.variant("auth-reply-topic") == "Identify"
    plain = ZenithMock(MockContext())
    assert not plain.defect("reject-spelled-rejected") and not plain.departs("expires-in")


def test_an_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(UnknownDefect, match="zenith has no preset 'nosuch'; presets: motif"):
        ZenithMock(MockContext(preset="nosuch"))
    with pytest.raises(UnknownDefect, match="paradex has no preset 'motif'; presets: none"):
        get_profile("paradex").mock(MockContext(preset="motif"))
