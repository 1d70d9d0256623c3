"""The echo profile, registered through the `wsconform.profiles` entry point (pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

from wsconform.profiles.base import Profile
from wsconform_echo import protocol
from wsconform_echo.mock import EchoMock

HERE = Path(__file__).resolve().parent

PROFILE = Profile(
    name="echo",
    title="Echo (the out-of-tree example profile)",
    suite=HERE / "suite",
    schemas=HERE / "schemas" / "echo",
    mock=EchoMock,
    public_channel=protocol.PUBLIC_CHANNEL,
    private_channel=protocol.PRIVATE_CHANNEL,
    data_on=protocol.data_on,
    token_lifetime=300.0,
)
