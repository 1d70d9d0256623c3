"""The ethgas_op profile: what the command line, the plugin and the reports know of it."""

from __future__ import annotations

from wsconform.layout import SCHEMA_ROOT, SUITES_ROOT
from wsconform.profiles.base import Profile
from wsconform.vendors.ethgas.common import PRIVATE_CHANNELS, PUBLIC_CHANNELS, TOKEN_LIFETIME
from wsconform.vendors.ethgas_op import protocol
from wsconform.vendors.ethgas_op.client import is_data
from wsconform.vendors.ethgas_op.mock import EthgasOpMock

PROFILE = Profile(
    name="ethgas-op",
    title="ETHGas, the official op/args protocol",
    suite=SUITES_ROOT / "ethgas_op",
    schemas=SCHEMA_ROOT / "ethgas-op",
    mock=EthgasOpMock,
    public_channel=PUBLIC_CHANNELS[0],
    private_channel=PRIVATE_CHANNELS[0],
    data_on=is_data,
    token_lifetime=TOKEN_LIFETIME,
    volatile=("E", "connId"),  # data frames' millisecond time; the login ack's connection id
    features={
        protocol.SESSION_HEADER: "a session authenticated by the upgrade's Authorization: Bearer "
        "header, without a login op",
    },
    soak="wsconform.vendors.ethgas_op.soak:EthgasOpSoak",
)
