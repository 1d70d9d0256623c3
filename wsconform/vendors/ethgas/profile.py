"""The ethgas profile: what the command line, the plugin and the reports know of it."""

from __future__ import annotations

from wsconform.layout import SCHEMA_ROOT, SUITES_ROOT
from wsconform.profiles.base import Profile
from wsconform.vendors.ethgas.client import is_data
from wsconform.vendors.ethgas.mock import EthgasMock

PROFILE = Profile(
    name="ethgas",
    title="ETHGas, the seed page's cmd dialect",
    suite=SUITES_ROOT / "ethgas",
    schemas=SCHEMA_ROOT / "ethgas",
    mock=EthgasMock,
    public_channel="preconfMarketUpdate",
    private_channel="accountOrderUpdate",
    data_on=is_data,
    token_lifetime=3600.0,  # "The JWT access token is valid for 1 h" (facts §2.1)
    volatile=("timestamp",),
)
