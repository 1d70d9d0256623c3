"""Servers that are not WebSocket servers, to prove the suite ends, in bounds, with a clear verdict.

Each accepts TCP on 127.0.0.1 and then misbehaves in one way. The kernel completes the TCP
handshake for a listening socket, so even `silent` looks alive until the WebSocket handshake.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BEHAVIOURS = ("silent", "garbage", "close-mid-handshake")
REFUSING = "http-404"  # a plain web server: the upgrade is refused by status


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        behaviour = self.server.behaviour  # type: ignore[attr-defined]
        stop: threading.Event = self.server.stop  # type: ignore[attr-defined]
        self.request.settimeout(30)
        try:
            self.request.recv(65536)  # the client's upgrade request
            if behaviour == "garbage":
                self.request.sendall(b"\x00\xffHELLO? this is not HTTP\r\n\r\n" * 4)
                stop.wait(30)
            elif behaviour == REFUSING:
                self.request.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            elif behaviour == "close-mid-handshake":
                self.request.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websock")
            else:
                stop.wait(30)  # never answer; released when the test ends
        except OSError:
            pass


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def hostile_server(behaviour: str) -> Iterator[str]:
    """A ws:// URL served by a server that behaves as `behaviour` (one of BEHAVIOURS)."""
    assert behaviour in (*BEHAVIOURS, REFUSING), behaviour
    server = _Server(("127.0.0.1", 0), _Handler)
    server.behaviour = behaviour  # type: ignore[attr-defined]
    server.stop = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"ws://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.stop.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """A ws:// URL where nothing listens (a port just released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"ws://127.0.0.1:{port}/v1"
