"""Paradex: JSON-RPC 2.0 frames, `auth` with a JWT bearer (catalogue: PAGE, OPENRPC)."""
