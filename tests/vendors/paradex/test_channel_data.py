"""The mock's channel data in the documented shapes: each documented channel's `data` has every
member the asyncapi document (tradeparadex/paradex-docs fern/apis/prod_ws/asyncapi-2.6.0.yaml,
components.schemas) lists as required, and the mock serves each documented channel."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect

from wsconform.mock.server import MockContext, MockServer
from wsconform.vendors.paradex import channel_data, protocol
from wsconform.vendors.paradex.mock import ParadexMock

TIMEOUT = 5.0
# Each documented channel (docs/facts/paradex.md § Channels) → the required members of its schema.
REQUIRED = {
    "bbo.ETH-USD-PERP": "market seq_no ask ask_size bid bid_size last_updated_at",
    "trades.ALL": "id market side size price created_at trade_type",
    "markets_summary.ETH-USD-PERP": "symbol mark_price last_traded_price bid bid_size ask "
    "ask_size volume_24h total_volume created_at underlying_price open_interest funding_rate "
    "price_change_rate_24h",
    "markets": "symbol event_type updated_at changed_fields",
    "funding_data.BTC-USD-PERP": "market funding_index funding_premium funding_rate "
    "funding_rate_8h funding_period_hours created_at",
    "order_book.ETH-USD-PERP.snapshot@15@100ms": "seq_no market last_updated_at update_type "
    "inserts updates deletes",
    "order_book.BTC-USD-PERP.deltas@15@50ms@0_1": "seq_no market last_updated_at update_type "
    "inserts updates deletes",
    "account": "account initial_margin_requirement maintenance_margin_requirement account_value "
    "total_collateral free_collateral margin_cushion settlement_asset updated_at status seq_no "
    "last_seen_notification",
    "balance_events": "type fill_id market status settlement_asset_name settlement_asset_address "
    "settlement_asset_balance_before settlement_asset_balance_after settlement_asset_price "
    "funding_index realized_pnl fees realized_funding created_at",
    "positions": "id account market status side size average_entry_price average_entry_price_usd "
    "average_exit_price unrealized_pnl unrealized_funding_pnl cost cost_usd cached_funding_index "
    "last_fill_id seq_no liquidation_price leverage realized_positional_pnl "
    "realized_positional_funding_pnl",
    "tradebusts": "account busted_fill_id created_at",
    "transaction": "id type hash state created_at completed_at",
    "transfers": "id account kind status amount token created_at last_updated_at txn_hash "
    "external_txn_hash socialized_loss_factor bridge external_chain external_account "
    "failure_reason direction vault_address vault_unwind_completion_percentage counterparty "
    "auto_withdrawal_fee",
    "fills.ALL": "id side liquidity market order_id price size fee fee_currency created_at "
    "remaining_size client_id fill_type realized_pnl realized_funding account underlying_price "
    "flags",
    "orders.ETH-USD-PERP": "id account market side type size remaining_size price status "
    "created_at last_updated_at timestamp cancel_reason client_id seq_no instruction "
    "avg_fill_price stp received_at published_at flags trigger_price",
    "funding_payments.ALL": "id account market payment index fill_id created_at",
    "rfq": "type account rfq_id seq created_at",
}


@pytest.mark.parametrize("channel", REQUIRED)
def test_data_has_every_required_member(channel: str) -> None:
    data = channel_data.data(channel, 3, 1_700_000_000_000, None)
    assert data is not None
    assert not set(REQUIRED[channel].split()) - set(data)


def test_a_book_snapshot_inserts_both_sides_and_deltas_update_after_it() -> None:
    feed = "order_book.ETH-USD-PERP.deltas@15@50ms"
    first, later = (channel_data.data(feed, seq, 0, None) for seq in (0, 1))
    assert first is not None and later is not None
    assert first["update_type"] == "s" and {i["side"] for i in first["inserts"]} == {"BUY", "SELL"}
    assert later["update_type"] == "d" and later["inserts"] == [] and later["updates"]


def test_market_data_is_about_the_market_named_and_all_rotates_over_the_listed_ones() -> None:
    named = channel_data.data("markets_summary.BTC-USD-PERP", 0, 0, None)
    assert named is not None and named["symbol"] == "BTC-USD-PERP"
    rotated = [channel_data.data("trades.ALL", seq, 0, None) for seq in range(2)]
    assert {d["market"] for d in rotated if d} == {m.symbol for m in channel_data.MARKETS}


def test_private_data_belongs_to_the_jwt_s_starknet_account() -> None:
    mine = channel_data.data("account", 0, 0, "0xabc")
    suite_s = channel_data.data("account", 0, 0, "user-1234")
    assert mine is not None and mine["account"] == "0xabc"
    assert suite_s is not None and suite_s["account"] == channel_data.MOCK_ACCOUNT


@pytest.fixture
def server() -> Iterator[MockServer]:
    server = MockServer(ParadexMock, MockContext(), pump_interval=0.02).start()
    yield server
    server.stop()


async def first_data(url: str, bearer: str, channel: str, **params: Any) -> dict[str, Any]:
    """Auth, subscribe to `channel`, and the subscribe reply then the first data frame."""
    async with connect(url) as ws:
        await ws.send(json.dumps(protocol.auth_request(bearer, 1)))
        assert "result" in json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        request = protocol.subscribe_request(channel, 2)
        request["params"].update(params)
        await ws.send(json.dumps(request))
        reply = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        if "error" in reply:
            return reply
        return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))


@pytest.mark.parametrize("channel", [*REQUIRED, "markets_summary", "rfq.abc", "bbo.ALL"])
def test_the_mock_serves_every_documented_channel(server: MockServer, channel: str) -> None:
    assert server.ctx.issuer is not None
    frame = asyncio.run(first_data(server.url, server.ctx.issuer.mint("valid"), channel))
    assert protocol.is_data(frame, channel), frame


def test_a_base_asset_subscription_gets_that_asset_s_market(server: MockServer) -> None:
    assert server.ctx.issuer is not None
    bearer = server.ctx.issuer.mint("valid")
    frame = asyncio.run(first_data(server.url, bearer, "bbo", base_asset="BTC"))
    assert frame["params"]["data"]["market"] == "BTC-USD-PERP"
    refused = asyncio.run(first_data(server.url, bearer, "trades"))
    assert protocol.error_code(refused) == protocol.INVALID_PARAMS
