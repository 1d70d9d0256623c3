"""Paradex: JSON-RPC 2.0 frames, `auth` with a JWT bearer (vendor-docs/paradex-*.txt, facts §3)."""
