"""The ETHGas channels as the documents list them (docs/facts/ethgas.md § Channels): both
dialects serve them."""

PUBLIC = frozenset(
    {
        "preconfMarketUpdate",
        "candlestickUpdate",
        "recentTradeUpdate",
        "orderBookUpdate",
        "tickerUpdate",
        "inclusionPreconfSaleUpdate",
        "blockBuilderUpdate",
    }
)
PRIVATE = frozenset(
    {
        "accountOrderUpdate",
        "accountTransactionUpdate",
        "accountPositionUpdate",
        "preconfBundleUpdate",
    }
)
