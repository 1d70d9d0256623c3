"""The echo suite: one test per requirement of PROTOCOL.md."""
