"""The zenith profile: what the command line, the plugin and the reports know of it."""

from __future__ import annotations

from wsconform.layout import SCHEMA_ROOT, SUITES_ROOT
from wsconform.profiles.base import Profile
from wsconform.vendors.zenith import protocol
from wsconform.vendors.zenith.client import is_data
from wsconform.vendors.zenith.mock import ZenithMock

PROFILE = Profile(
    name="zenith",
    title="Paritech Zenith (ZenithJson)",
    suite=SUITES_ROOT / "zenith",
    schemas=SCHEMA_ROOT / "zenith",
    mock=ZenithMock,
    public_channel=protocol.PUBLIC_CHANNEL,
    private_channel=protocol.PRIVATE_CHANNEL,
    data_on=is_data,
    token_lifetime=3600.0,  # not documented; an OAuth access token's usual hour
    subprotocols=(protocol.SUBPROTOCOL,),
    tls_only_rights=True,
    heartbeat=protocol.HEARTBEAT,
    # The session's: each token is another (ExpiresIn only under the motif preset).
    volatile=("ExpiryDate", "ExpiresIn", "DisplayName", "UserID"),
    features={
        protocol.HEADER_AUTH: "a token in the handshake's Authorization header ('You can "
        "also perform this operation by passing the HTTP Authorization header')",
    },
    soak="wsconform.vendors.zenith.soak:ZenithSoak",
)
