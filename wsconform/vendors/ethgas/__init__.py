"""ETHGas as the seed page documents it: `cmd` frames, `status` replies, `token_expired`
(vendor-docs/ethgas-websocket-authentication.md, docs/facts/ethgas.md §Draft, §Companion page)."""
