"""The ETHGas channels as the documents list them (facts §2.1): both dialects serve them."""

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
