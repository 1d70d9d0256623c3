"""Client-compatibility presets (wsconform.mock.presets): a named set of variants and departures
from the docs that one real client needs, declared beside a vendor's mock and chosen with
`wsconform mock PROFILE --preset NAME` or `--mock-preset NAME`."""

from __future__ import annotations

import pytest

from wsconform.cli import main
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


def test_cli_mock_refuses_an_unknown_preset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mock", "zenith", "--port", "0", "--preset", "nosuch"]) == 2
    assert (
        "wsconform mock: zenith has no preset 'nosuch'; presets: motif" in capsys.readouterr().err
    )


def test_cli_mock_lists_the_presets_and_where_they_depart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["mock", "zenith", "--list-presets"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("motif ")
    assert "variant auth-reply-topic=AuthToken (conforming)" in listed
    assert "ZEN-REJ-02 goes red" in listed and "ExpiresIn" in listed


def test_cli_mock_help_lists_the_presets(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["mock", "--help"])
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    assert "presets (see --list-presets): zenith: motif" in help_text
    assert "still judges by the docs" in " ".join(help_text.split())
