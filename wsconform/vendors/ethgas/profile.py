"""The ethgas profile: what the command line, the plugin and the reports know of it."""

from __future__ import annotations

from wsconform.layout import SCHEMA_ROOT, SUITES_ROOT
from wsconform.profiles.base import Profile
from wsconform.vendors.ethgas.client import is_data
from wsconform.vendors.ethgas.common import PRIVATE_CHANNELS, PUBLIC_CHANNELS, TOKEN_LIFETIME
from wsconform.vendors.ethgas.mock import EthgasMock

PROFILE = Profile(
    name="ethgas",
    title="ETHGas, the seed page's cmd dialect",
    suite=SUITES_ROOT / "ethgas",
    schemas=SCHEMA_ROOT / "ethgas",
    mock=EthgasMock,
    public_channel=PUBLIC_CHANNELS[0],
    private_channel=PRIVATE_CHANNELS[0],
    data_on=is_data,
    token_lifetime=TOKEN_LIFETIME,
    volatile=("timestamp",),
    soak="wsconform.vendors.ethgas.soak:EthgasSoak",
)
