"""ccxt.pro.paradex against `wsconform mock paradex`, run from .venv-ccxt (ccxt pinned there).

Only ccxt's URLs are pointed at the mock, and it is given an Ethereum key (ccxt derives the
StarkNet account from it and signs POST /v1/auth with it, as against Paradex): markets, system
config and the JWT come from the mock's own HTTP endpoints. Its options are ccxt's defaults: it
asks for Simple Binary Encoding frames (?sbeSchemaId=…, in ccxt's ts/src/pro/paradex.ts), which
the documents the mock follows do not describe; the mock ignores the query and sends JSON,
which ccxt reads too.

Each step prints one JSON line {"step", "ok", "detail"}; exit 0 when every step is ok. An
exception raised in ccxt's message handler fails the step it happened in, and the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import ccxt.pro

SYMBOL = "ETH/USD:USDC"  # ETH-USD-PERP, a market the mock lists
# A throwaway Ethereum key (the secp256k1 key 1) and its address: ccxt needs both to sign.
PRIVATE_KEY = "0x" + "00" * 31 + "01"
WALLET_ADDRESS = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"


class ObservedParadex(ccxt.pro.paradex):  # type: ignore[misc]
    """ccxt's Paradex client, unchanged, with what its message handler raised kept."""

    callback_errors: list[str]

    def handle_message(self, client: Any, message: Any) -> Any:
        try:
            return super().handle_message(client, message)
        except Exception as exc:
            self.callback_errors.append(f"{type(exc).__name__}: {exc}")
            raise


def exchange(ws_url: str, http_url: str) -> ObservedParadex:
    ex = ObservedParadex({"walletAddress": WALLET_ADDRESS, "privateKey": PRIVATE_KEY})
    ex.callback_errors = []
    ex.urls["api"] = {"v1": f"{http_url}/v1", "v2": f"{http_url}/v2", "ws": ws_url}
    return ex


def short(token: str | None) -> str:
    """A token as outputs may show it: its first characters only."""
    return f"{token[:8]}…" if token else repr(token)


async def step(
    name: str,
    ex: ObservedParadex,
    run: Callable[[], Awaitable[str]],
    timeout: float,
    *,
    handler_may_raise: bool = False,
) -> bool:
    errors_before = len(ex.callback_errors)
    try:
        detail = await asyncio.wait_for(run(), timeout)
        ok = True
    except TimeoutError:
        ok, detail = False, f"no answer within {timeout:g} s"
    except Exception as exc:
        ok, detail = False, f"{type(exc).__name__}: {exc}"[:300]
    raised = ex.callback_errors[errors_before:]
    if raised and not handler_may_raise:
        ok, detail = False, f"{detail}; message handler raised {raised}"
    print(json.dumps({"step": name, "ok": ok, "detail": detail}), flush=True)
    return ok


def need(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


async def probe(ws_url: str, http_url: str, timeout: float) -> bool:
    ex = exchange(ws_url, http_url)

    async def load_markets() -> str:
        markets = await ex.load_markets()
        need(SYMBOL in markets, f"{SYMBOL} not among {sorted(markets)}")
        return f"{len(markets)} markets"

    async def authenticate() -> str:
        token = await ex.authenticate_rest()
        need(isinstance(token, str) and token.count(".") == 2, "no JWT from POST /v1/auth")
        return f"POST /v1/auth gave {short(token)}"

    async def order_book() -> str:
        book = await ex.watch_order_book(SYMBOL)
        need(bool(book["bids"]) and bool(book["asks"]), f"empty book {book}")
        need(book["bids"][0][0] < book["asks"][0][0], "crossed book")
        return f"best {book['bids'][0]} / {book['asks'][0]}, nonce {book['nonce']}"

    async def ticker() -> str:
        tick = await ex.watch_ticker(SYMBOL)
        need(tick["symbol"] == SYMBOL, f"ticker for {tick['symbol']}")
        need(None not in (tick["bid"], tick["ask"], tick["last"]), f"null prices {tick}")
        return f"bid {tick['bid']} ask {tick['ask']} last {tick['last']}"

    async def trades() -> str:
        got = await ex.watch_trades(SYMBOL)
        need(bool(got), "no trade")
        last = got[-1]
        need(last["symbol"] == SYMBOL and last["price"] is not None, f"trade {last}")
        return f"{last['side']} {last['amount']} @ {last['price']}"

    async def orders() -> str:
        got = await ex.watch_orders()
        order = got[-1]
        need(None not in (order["id"], order["symbol"], order["price"]), f"order {order}")
        return f"{order['symbol']} {order['side']} {order['amount']} @ {order['price']}"

    async def positions() -> str:
        got = await ex.watch_positions()
        pos = got[-1]
        need(None not in (pos["symbol"], pos["contracts"], pos["side"]), f"position {pos}")
        return f"{pos['symbol']} {pos['side']} {pos['contracts']}"

    async def balance() -> str:
        got = await ex.watch_balance()
        need(got.get("USDC", {}).get("total") is not None, f"balance {got}")
        return f"USDC total {got['USDC']['total']} free {got['USDC']['free']}"

    async def reconnect_and_reauth() -> str:
        # A new connection (after close) authenticates again: ccxt sends its JWT anew.
        await ex.close()
        got = await ex.watch_orders()
        need(bool(got), "no order after re-auth")
        return "closed, reconnected, re-authenticated, orders again"

    steps: list[tuple[str, Callable[[], Awaitable[str]]]] = [
        ("load_markets", load_markets),
        ("authenticate_rest", authenticate),
        ("watch_order_book", order_book),
        ("watch_ticker", ticker),
        ("watch_trades", trades),
        ("watch_orders", orders),
        ("watch_positions", positions),
        ("watch_balance", balance),
        ("reauth_after_reconnect", reconnect_and_reauth),
    ]
    try:
        results = [await step(name, ex, run, timeout) for name, run in steps]
    finally:
        await ex.close()
    results.append(await rejection(ws_url, http_url, timeout))
    return all(results)


async def rejection(ws_url: str, http_url: str, timeout: float) -> bool:
    """A bearer the mock did not issue: refused with a documented auth code (40110/40111), and
    the private watch does not succeed. ccxt 4.5.x raises the refusal in its message handler
    instead of failing the waiting watch, so the refusal is read there and the watch times out."""
    ex = exchange(ws_url, http_url)
    # The one state set by hand: a cached token, which ccxt then sends as its bearer.
    ex.options["authToken"] = "not-a-jwt"
    ex.options["expires"] = ex.parse_to_int(ex.nonce()) + 180

    async def refused() -> str:
        try:
            await asyncio.wait_for(ex.watch_balance(), timeout / 2)
        except TimeoutError:
            surfaced = f"the watch waited {timeout / 2:g} s (its time-out)"
        except Exception as exc:
            surfaced = f"the watch raised {type(exc).__name__}"
        else:
            raise AssertionError("a private watch with a bad bearer succeeded")
        codes = [c for c in ('"code":40110', '"code":40111') for e in ex.callback_errors if c in e]
        need(bool(codes), f"no documented refusal reached ccxt: {ex.callback_errors}")
        return f"refused ({codes[0]}), raised in ccxt's message handler; {surfaced}"

    try:
        ok = await step("rejection", ex, refused, timeout, handler_may_raise=True)
    finally:
        await ex.close()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ws_url")
    parser.add_argument("http_url")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per step")
    args = parser.parse_args()
    return 0 if asyncio.run(probe(args.ws_url, args.http_url, args.timeout)) else 1


if __name__ == "__main__":
    sys.exit(main())
