"""What the mock's channels carry: one `data` object per channel, sans I/O, in the shapes of
Paradex's asyncapi document (tradeparadex/paradex-docs, fern/apis/prod_ws/asyncapi-2.6.0.yaml,
components.schemas.Responses*: every member it lists as required, with its type), and the
markets the REST side lists (GET /v1/markets, wsconform/vendors/paradex/rest.py).

The values are synthetic but consistent: prices sit on the market's tick around its reference
price and move with the connection's frame count, so that a client sees updates, not one frame
repeated. Times are milliseconds on the mock's clock (the profile's volatile members); ids and
prices depend on the frame count only, so that a replay's frames match the recording's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wsconform.vendors.paradex.protocol import channel_market

# The account private data belongs to when the JWT's subject is no StarkNet address (the suite's
# tokens): a fixed one, so that a replay's frames match the recording's.
MOCK_ACCOUNT = "0x4638e3041366aa71720be63e32e53e1223316c7f0d56f7aa617542ed1e7512b"
SETTLEMENT_ASSET = "USDC"


@dataclass(frozen=True)
class Market:
    symbol: str
    base: str
    price: Decimal  # the reference price the synthetic book sits around
    tick: Decimal
    size_increment: Decimal

    def rest(self) -> dict[str, Any]:
        """The market as GET /v1/markets lists it (openapi responses.MarketResp)."""
        return {
            "symbol": self.symbol,
            "base_currency": self.base,
            "quote_currency": "USD",
            "settlement_currency": SETTLEMENT_ASSET,
            "order_size_increment": str(self.size_increment),
            "price_tick_size": str(self.tick),
            "min_notional": "10",
            "open_at": 1_700_000_000_000,
            "expiry_at": 0,
            "asset_kind": "PERP",
            "market_kind": "cross",
            "position_limit": "1000",
            "price_bands_width": "0.05",
            "max_open_orders": 100,
            "max_funding_rate": "0.05",
            "max_funding_rate_change": "0.0005",
            "max_order_size": "500",
            "max_tob_spread": "0.2",
            "funding_period_hours": 8,
            "interest_rate": "0.0001",
            "clamp_rate": "0.05",
            "oracle_ewma_factor": "0.2",
            "price_feed_id": f"mock-{self.base.lower()}",
            "delta1_cross_margin_params": {
                "imf_base": "0.1",
                "imf_shift": "100000",
                "imf_factor": "0.0001",
                "mmf_factor": "0.5",
            },
            "tags": [],
        }


MARKETS = (
    Market("ETH-USD-PERP", "ETH", Decimal("3000.0"), Decimal("0.1"), Decimal("0.001")),
    Market("BTC-USD-PERP", "BTC", Decimal("60000.0"), Decimal("0.1"), Decimal("0.0001")),
)
_BY_SYMBOL = {m.symbol: m for m in MARKETS}


def market(symbol: str | None, seq: int) -> Market:
    """The market a channel's data is about: the one it names; with `ALL` or none, each listed
    market in turn; a market the mock does not list gets the first's numbers under its name."""
    if symbol is None or symbol == "ALL":
        return MARKETS[seq % len(MARKETS)]
    known = _BY_SYMBOL.get(symbol)
    if known is not None:
        return known
    first = MARKETS[0]
    return Market(symbol, symbol.split("-")[0], first.price, first.tick, first.size_increment)


@dataclass(frozen=True)
class Moment:
    """One frame's inputs: the market, the connection's frame count, the time, the account."""

    market: Market
    seq: int
    now_ms: int
    account: str

    def price(self, ticks: int = 0) -> str:
        """A price `ticks` ticks from the market's moving mid (a step per frame, cycling)."""
        m = self.market
        return str(m.price + (self.seq % 20 + ticks) * m.tick)

    def size(self, lots: int = 1) -> str:
        return str(self.market.size_increment * 1000 * lots)

    def id(self, kind: int) -> str:
        """A numeric string id, one per kind of record (trade, fill, order, …) and frame."""
        return str(kind * 10**12 + self.seq + 1)


def _level(side: str, price: str, size: str) -> dict[str, str]:
    return {"side": side, "price": price, "size": size}


def _book(at: Moment, feed: str) -> dict[str, Any]:
    """PriceBookUpdate: a snapshot ("s") of 3 levels a side; the deltas feed sends one first,
    then deltas ("d") moving the best levels."""
    levels = [_level("BUY", at.price(-k), at.size(k)) for k in range(1, 4)]
    levels += [_level("SELL", at.price(k), at.size(k)) for k in range(1, 4)]
    delta = feed == "deltas" and at.seq > 0
    return {
        "seq_no": at.seq + 1,
        "market": at.market.symbol,
        "last_updated_at": at.now_ms,
        "update_type": "d" if delta else "s",
        "inserts": [] if delta else levels,
        "updates": [levels[0], levels[3]] if delta else [],
        "deletes": [],
    }


def _bbo(at: Moment) -> dict[str, Any]:
    return {
        "market": at.market.symbol,
        "seq_no": at.seq + 1,
        "ask": at.price(1),
        "ask_size": at.size(),
        "bid": at.price(-1),
        "bid_size": at.size(),
        "last_updated_at": at.now_ms,
    }


def _trade(at: Moment) -> dict[str, Any]:
    return {
        "id": at.id(1),
        "market": at.market.symbol,
        "side": "BUY" if at.seq % 2 == 0 else "SELL",
        "size": at.size(),
        "price": at.price(),
        "created_at": at.now_ms,
        "trade_type": "FILL",
    }


def _market_summary(at: Moment) -> dict[str, Any]:
    return {
        "symbol": at.market.symbol,
        "mark_price": at.price(),
        "last_traded_price": at.price(),
        "bid": at.price(-1),
        "bid_size": at.size(),
        "ask": at.price(1),
        "ask_size": at.size(),
        "volume_24h": "1250000.5",
        "total_volume": "98000000.25",
        "created_at": at.now_ms,
        "underlying_price": at.price(),
        "open_interest": "1520.5",
        "funding_rate": "0.0001",
        "price_change_rate_24h": "0.012",
    }


def _market_event(at: Moment) -> dict[str, Any]:
    """MarketEvent: the market's spec changed (the document's example event_type: UPDATED)."""
    return {
        "symbol": at.market.symbol,
        "event_type": "UPDATED",
        "updated_at": at.now_ms,
        "changed_fields": {"max_open_orders": 100},
    }


def _funding_data(at: Moment) -> dict[str, Any]:
    return {
        "market": at.market.symbol,
        "funding_index": "12.5",
        "funding_premium": "0.3",
        "funding_rate": "0.0001",
        "funding_rate_8h": "0.0001",
        "funding_period_hours": 8,
        "created_at": at.now_ms,
    }


def _account(at: Moment) -> dict[str, Any]:
    return {
        "account": at.account,
        "account_value": "10250.5",
        "free_collateral": "9000.5",
        "initial_margin_requirement": "1250",
        "maintenance_margin_requirement": "625",
        "margin_cushion": "9625.5",
        "seq_no": at.seq + 1,
        "settlement_asset": SETTLEMENT_ASSET,
        "status": "ACTIVE",
        "total_collateral": "10000",
        "updated_at": at.now_ms,
        "last_seen_notification": at.now_ms,
    }


def _balance_event(at: Moment) -> dict[str, Any]:
    return {
        "type": "TRANSACTION_FILL",
        "fill_id": at.id(2),
        "market": at.market.symbol,
        "status": "ON_BLOCKCHAIN",
        "settlement_asset_name": SETTLEMENT_ASSET,
        "settlement_asset_address": "0x1234567890",
        "settlement_asset_balance_before": "10000",
        "settlement_asset_balance_after": "9999.5",
        "settlement_asset_price": "1",
        "funding_index": "12.5",
        "realized_pnl": "0",
        "fees": "0.5",
        "realized_funding": "0",
        "created_at": at.now_ms,
    }


def _position(at: Moment) -> dict[str, Any]:
    return {
        "id": f"{at.account}-{at.market.symbol}",
        "account": at.account,
        "market": at.market.symbol,
        "status": "OPEN",
        "side": "LONG",
        "size": at.size(),
        "average_entry_price": at.price(),
        "average_entry_price_usd": at.price(),
        "average_exit_price": "0",
        "unrealized_pnl": "1.5",
        "unrealized_funding_pnl": "0.1",
        "cost": "3000",
        "cost_usd": "3000",
        "cached_funding_index": "12.5",
        "last_fill_id": at.id(2),
        "seq_no": at.seq + 1,
        "liquidation_price": "",
        "leverage": "5",
        "realized_positional_pnl": "0",
        "realized_positional_funding_pnl": "0",
        "created_at": at.now_ms,
        "last_updated_at": at.now_ms,
    }


def _tradebust(at: Moment) -> dict[str, Any]:
    return {"account": at.account, "busted_fill_id": at.id(2), "created_at": at.now_ms}


def _transaction(at: Moment) -> dict[str, Any]:
    return {
        "id": at.id(2),
        "type": "TRANSACTION_FILL",
        "hash": "0x445c05d6bfb899e39338440d199971c4d7f4cde7878ed3888df3f716efb8df2",
        "state": "ACCEPTED_ON_L2",
        "created_at": at.now_ms,
        "completed_at": at.now_ms,
    }


def _transfer(at: Moment) -> dict[str, Any]:
    return {
        "id": at.id(5),
        "account": at.account,
        "kind": "DEPOSIT",
        "status": "COMPLETED",
        "amount": "100",
        "token": SETTLEMENT_ASSET,
        "created_at": at.now_ms,
        "last_updated_at": at.now_ms,
        "txn_hash": "0x1",
        "external_txn_hash": "0x2",
        "socialized_loss_factor": "0",
        "bridge": "STARKGATE",
        "external_chain": "ETHEREUM",
        "external_account": "0x3",
        "failure_reason": "",
        "direction": "IN",
        "vault_address": "",
        "vault_unwind_completion_percentage": "0",
        "counterparty": "",
        "auto_withdrawal_fee": "0",
    }


def _fill(at: Moment) -> dict[str, Any]:
    return {
        "id": at.id(2),
        "side": "BUY",
        "liquidity": "TAKER",
        "market": at.market.symbol,
        "order_id": at.id(3),
        "price": at.price(),
        "size": at.size(),
        "fee": "0.5",
        "fee_currency": SETTLEMENT_ASSET,
        "created_at": at.now_ms,
        "remaining_size": "0",
        "client_id": f"mock-{at.seq}",
        "fill_type": "FILL",
        "realized_pnl": "0",
        "realized_funding": "0",
        "account": at.account,
        "underlying_price": at.price(),
        "flags": [],
    }


def _order(at: Moment) -> dict[str, Any]:
    return {
        "id": at.id(3),
        "account": at.account,
        "market": at.market.symbol,
        "side": "BUY",
        "type": "LIMIT",
        "size": at.size(),
        "remaining_size": at.size(),
        "price": at.price(-5),
        "status": "OPEN",
        "created_at": at.now_ms,
        "last_updated_at": at.now_ms,
        "timestamp": at.now_ms,
        "cancel_reason": "",
        "client_id": f"mock-{at.seq}",
        "seq_no": at.seq + 1,
        "instruction": "GTC",
        "avg_fill_price": "",
        "stp": "EXPIRE_MAKER",
        "received_at": at.now_ms,
        "published_at": at.now_ms,
        "flags": [],
        "trigger_price": "",
    }


def _funding_payment(at: Moment) -> dict[str, Any]:
    return {
        "id": at.id(4),
        "account": at.account,
        "market": at.market.symbol,
        "payment": "-0.25",
        "index": "12.5",
        "fill_id": at.id(2),
        "created_at": at.now_ms,
    }


def _rfq_event(at: Moment, rfq_id: str | None) -> dict[str, Any]:
    """RfqEventResp, its required members only (an RFQ event of type RFQ)."""
    return {
        "type": "RFQ",
        "account": at.account,
        "rfq_id": rfq_id or at.id(6),
        "seq": at.seq + 1,
        "created_at": at.now_ms,
    }


_BY_NAME: dict[str, Callable[[Moment], dict[str, Any]]] = {
    "bbo": _bbo,
    "trades": _trade,
    "markets_summary": _market_summary,
    "markets": _market_event,
    "funding_data": _funding_data,
    "account": _account,
    "balance_events": _balance_event,
    "positions": _position,
    "tradebusts": _tradebust,
    "transaction": _transaction,
    "transfers": _transfer,
    "fills": _fill,
    "orders": _order,
    "funding_payments": _funding_payment,
}


def data(
    channel: str, seq: int, now_ms: int, subject: str | None, base_asset: str | None = None
) -> dict[str, Any] | None:
    """The `data` of the `seq`-th frame on `channel` for a connection authenticated as `subject`
    (None: not authenticated), `base_asset` for a bare bbo/trades channel; None for a channel
    with no documented shape (block_trades)."""
    name, _, rest = channel.partition(".")
    account = subject if subject is not None and subject.startswith("0x") else MOCK_ACCOUNT
    symbol = f"{base_asset}-USD-PERP" if base_asset else channel_market(channel)
    at = Moment(market(symbol, seq), seq, now_ms, account)
    if name == "order_book":
        feed = rest.split(".")[1].split("@", 1)[0]
        return _book(at, feed)
    if name == "rfq":
        return _rfq_event(at, rest or None)
    builder = _BY_NAME.get(name)
    return builder(at) if builder is not None else None
