"""Zenith: Controller/Topic/Action JSON frames over the ZenithJson subprotocol, auth by the
handshake's Authorization header or the AuthToken action (vendor-docs/zenith-*, facts §1)."""
