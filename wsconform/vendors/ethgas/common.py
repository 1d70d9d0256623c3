"""What the two ETHGas dialects share: the channels, which are private, and the token lifetime;
and what their mocks share: the issuer's rights, and how a frame is encoded.

Channels as documented (docs/facts/ethgas.md §Channels; the `cmd` dialect's companion page names the
same ones, docs/facts/ethgas.md §Companion page). The permission names are the seed page's
(vendor-docs/ethgas-websocket-authentication.md: "market_data", "account_updates", "trading"); which
issuer right grants which is the mock's choice [INF]: "public" reads market data, "private" reads
account updates and trades.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from wsconform.mock.issuer import PRIVATE_RIGHT, Identity

PUBLIC_CHANNELS = (
    "preconfMarketUpdate",
    "candlestickUpdate",
    "recentTradeUpdate",
    "orderBookUpdate",
    "tickerUpdate",
    "inclusionPreconfSaleUpdate",
    "blockBuilderUpdate",
)
PRIVATE_CHANNELS = (
    "accountOrderUpdate",
    "accountTransactionUpdate",
    "accountPositionUpdate",
    "preconfBundleUpdate",
)
CHANNELS = frozenset(PUBLIC_CHANNELS + PRIVATE_CHANNELS)

# The issuer's rights → the seed page's permission names, in the page's order.
PERMISSIONS = {
    "public": ("market_data",),
    PRIVATE_RIGHT: ("account_updates", "trading"),
}

TOKEN_LIFETIME = 3600.0  # "The JWT access token is valid for 1 hour" (docs/facts/ethgas.md §Tokens)
ANY_TOKEN_LIFETIME = TOKEN_LIFETIME  # accept-any-token: the session it makes lasts as a JWT


def is_private(channel: str) -> bool:
    return channel in PRIVATE_CHANNELS


def permissions(rights: Sequence[str]) -> list[str]:
    """The permission names an identity's issuer rights grant, in the seed page's order."""
    return [name for right, names in PERMISSIONS.items() if right in rights for name in names]


def reads_private(identity: Identity | None, now: float, *, ignore_expiry: bool = False) -> bool:
    """Whether an identity may read private channels now: unexpired and holding the right."""
    if identity is None or PRIVATE_RIGHT not in identity.rights:
        return False
    return ignore_expiry or identity.expires_at > now


def dumps(message: dict[str, Any]) -> str:
    """A frame as both mocks send it: compact JSON."""
    return json.dumps(message, separators=(",", ":"))
