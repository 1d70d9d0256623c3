"""The ethgas_op profile: what the command line, the plugin and the reports know of it."""

from __future__ import annotations

from wsconform.layout import SCHEMA_ROOT, SUITES_ROOT
from wsconform.profiles.base import Profile
from wsconform.vendors.ethgas_op.client import is_data
from wsconform.vendors.ethgas_op.mock import EthgasOpMock

PROFILE = Profile(
    name="ethgas-op",
    title="ETHGas, the official op/args protocol",
    suite=SUITES_ROOT / "ethgas_op",
    schemas=SCHEMA_ROOT / "ethgas-op",
    mock=EthgasOpMock,
    public_channel="preconfMarketUpdate",
    private_channel="accountOrderUpdate",
    data_on=is_data,
    token_lifetime=3600.0,  # "The JWT access token is valid for 1 h" (facts §2.1)
    volatile=("E", "connId"),  # data frames' millisecond time; the login ack's connection id
)
