"""The zenith profile: what the command line, the plugin and the reports know of it."""

from __future__ import annotations

from wsconform.layout import SCHEMA_ROOT, SUITES_ROOT
from wsconform.profiles.base import Heartbeat, Profile
from wsconform.vendors.zenith.client import is_data
from wsconform.vendors.zenith.mock import ZenithMock

PROFILE = Profile(
    name="zenith",
    title="Paritech Zenith (ZenithJson)",
    suite=SUITES_ROOT / "zenith",
    schemas=SCHEMA_ROOT / "zenith",
    mock=ZenithMock,
    public_channel="Market/Trades!BHP.ASX",  # needs Zenith/Market, which a limited token keeps
    private_channel="Trading/Orders!DEMO1",  # needs Zenith/Trading: limited and ws:// lack it
    data_on=is_data,
    token_lifetime=3600.0,  # not documented; an OAuth access token's usual hour
    subprotocols=("ZenithJson",),
    tls_only_rights=True,
    heartbeat=Heartbeat(ping_every=30.0, close_silent_after=60.0, close_code=1008),  # §1.7
    volatile=("ExpiryDate", "DisplayName", "UserID"),  # the session's: each token is another
)
