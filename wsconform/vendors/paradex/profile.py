"""The paradex profile: what the command line, the plugin and the reports know of it."""

from __future__ import annotations

from wsconform.layout import SCHEMA_ROOT, SUITES_ROOT
from wsconform.profiles.base import Profile
from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.mock import ParadexMock

PROFILE = Profile(
    name="paradex",
    title="Paradex (JSON-RPC 2.0)",
    suite=SUITES_ROOT / "paradex",
    schemas=SCHEMA_ROOT / "paradex",
    mock=ParadexMock,
    public_channel=protocol.DEFAULT_PUBLIC_CHANNEL,
    private_channel=protocol.DEFAULT_PRIVATE_CHANNEL,
    data_on=protocol.data_frame,
    token_lifetime=protocol.TOKEN_LIFETIME,
    heartbeat=protocol.HEARTBEAT,
    volatile=(*protocol.TIMING_MEMBERS, "node_id", "created_at", *protocol.DATA_TIME_MEMBERS),
    extra_endpoints={
        protocol.GEO_BLOCKED_ENDPOINT: "an endpoint that geo-blocks this client: every auth gets "
        "40112 (PDX-REJ-09 cannot be provoked from an ordinary network)"
    },
    features={"geo-blocking": "refusing clients by location with 40112 (Geo IP blocked)"},
    soak="wsconform.vendors.paradex.soak:ParadexSoak",
)
