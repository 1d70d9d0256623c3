"""The paradex profile: what the command line, the plugin and the reports know of it."""

from __future__ import annotations

from wsconform.layout import SCHEMA_ROOT, SUITES_ROOT
from wsconform.profiles.base import Heartbeat, Profile
from wsconform.vendors.paradex.client import is_notification
from wsconform.vendors.paradex.mock import ParadexMock

PROFILE = Profile(
    name="paradex",
    title="Paradex (JSON-RPC 2.0)",
    suite=SUITES_ROOT / "paradex",
    schemas=SCHEMA_ROOT / "paradex",
    mock=ParadexMock,
    public_channel="bbo.ETH-USD-PERP",
    private_channel="account",
    data_on=is_notification,
    token_lifetime=300.0,  # "JWTs expire after 5 minutes" (facts §3.5)
    heartbeat=Heartbeat(ping_every=55.0, close_silent_after=60.0),  # §3.4; close code undocumented
    volatile=("usIn", "usOut", "usDiff", "node_id", "created_at"),
)
