"""Zenith: Controller/Topic/Action JSON frames over the ZenithJson subprotocol, auth by the
handshake's Authorization header or the AuthToken action (suites/zenith/requirements.toml
[documents]; docs/facts/zenith.md)."""
