"""ETHGas's official protocol: `op`/`args` requests, `event`/`code` acks, `e`-keyed data, the
session header `Authorization: Bearer` (docs/facts/ethgas.md §Session header, §python-ethgas)."""
