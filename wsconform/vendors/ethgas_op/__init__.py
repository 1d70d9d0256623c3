"""ETHGas's official protocol: `op`/`args` requests, `event`/`code` acks, `e`-keyed data, the
session header `Authorization: Bearer` (facts §2.1, §2.3)."""
