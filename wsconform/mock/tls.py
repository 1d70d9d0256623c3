"""A throwaway certificate authority so reference mocks can serve wss:// on the local machine.

A mock serving TLS should be checked the way a real venue is, with certificate verification on
(not --insecure), so it needs a certificate the client can be told to trust: the CA certificate
`write_ca` writes is what a user passes to the suite as --ca-file. Nothing here is secret or
outlives a run: each MockTLS is a new CA.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import trustme

# Every name a local client may dial the mock by.
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")


class MockTLS:
    """A fresh local CA and one server certificate for the loopback names."""

    def __init__(self) -> None:
        self.ca = trustme.CA()
        self.server_cert = self.ca.issue_cert(*LOCAL_NAMES)

    def server_context(self) -> ssl.SSLContext:
        """What MockServer(ssl=...) serves with."""
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_cert.configure_cert(ctx)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """A default verifying client context that trusts this CA (and nothing weaker)."""
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        self.ca.configure_trust(ctx)
        return ctx

    def write_ca(self, path: Path) -> None:
        """Write the CA certificate (PEM): the file a client is given to trust this mock."""
        self.ca.cert_pem.write_to_path(str(path))
