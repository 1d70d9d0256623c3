"""ETHGas as the seed page documents it: `cmd` frames, `status` replies, `token_expired`
(vendor-docs/ethgas-websocket-authentication.md, facts §2.2 and the Addendum)."""
