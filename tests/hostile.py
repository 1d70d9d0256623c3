"""Hostile servers, to prove the suite ends, in bounds, with a clear verdict.

Each accepts TCP on 127.0.0.1 and then misbehaves in one way. The kernel completes the TCP
handshake for a listening socket, so even `silent` looks alive until the WebSocket handshake.

Before the WebSocket handshake completes (BEHAVIOURS, REFUSING, SLOW_HANDSHAKE) the server speaks
raw bytes. After it (AFTER_HANDSHAKE) it drives websockets' sans-I/O ServerProtocol over the raw
socket, so each misbehaviour is a few lines: whether pings get pongs is whether the protocol's
own output is flushed, and a reset is a close with SO_LINGER 0.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

BEHAVIOURS = ("silent", "garbage", "close-mid-handshake")
REFUSING = "http-404"  # a plain web server: the upgrade is refused by status
SLOW_HANDSHAKE = "slow-handshake"  # slowloris: the 101 response one byte per second
AFTER_HANDSHAKE = (
    "never-answers",  # reads and ignores every frame; pings get pongs, as any library does
    "deaf",  # never sends anything after the 101: no reply, no pong, no close frame
    "answers-garbage",  # every frame gets a non-JSON text frame and a binary frame
    "closes-after-first-frame",  # reads one frame, then closes TCP (no close frame)
    "huge-frame",  # answers the first frame with one 10 MB text frame
    "resets",  # reads one frame, then resets the connection (RST)
)
HUGE_FRAME_BYTES = 10 * 10**6
GARBAGE_TEXT = "\x00\ufffdHELLO? this is not JSON {"
GARBAGE_BINARY = b"\x00\xff\xfe junk \x80"
STOP_AFTER = 30.0  # no wait of a handler lasts longer, even if the test forgets to stop it


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        behaviour = self.server.behaviour  # type: ignore[attr-defined]
        stop: threading.Event = self.server.stop  # type: ignore[attr-defined]
        self.request.settimeout(STOP_AFTER)
        try:
            if behaviour in AFTER_HANDSHAKE:
                _after_handshake(self.request, behaviour)
            elif behaviour == SLOW_HANDSHAKE:
                _slow_handshake(self.request, stop)
            else:
                _before_handshake(self.request, behaviour, stop)
        except OSError:
            pass  # the client gave up or went away: nothing left to misbehave at


def _before_handshake(sock: socket.socket, behaviour: str, stop: threading.Event) -> None:
    sock.recv(65536)  # the client's upgrade request
    if behaviour == "garbage":
        sock.sendall(b"\x00\xffHELLO? this is not HTTP\r\n\r\n" * 4)
        stop.wait(STOP_AFTER)
    elif behaviour == REFUSING:
        sock.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    elif behaviour == "close-mid-handshake":
        sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websock")
    else:
        stop.wait(STOP_AFTER)  # never answer; released when the test ends


def _upgrade_request(sock: socket.socket, protocol: ServerProtocol) -> Request | None:
    """The client's upgrade request; None if the client left first."""
    while not (events := protocol.events_received()):
        data = sock.recv(65536)
        if not data:
            return None
        protocol.receive_data(data)
    assert isinstance(events[0], Request), events
    return events[0]


def _accept(sock: socket.socket) -> ServerProtocol | None:
    """Complete a genuine WebSocket handshake; None if the client left first."""
    protocol = ServerProtocol(max_size=None)
    request = _upgrade_request(sock, protocol)
    if request is None:
        return None
    protocol.send_response(protocol.accept(request))
    _flush(sock, protocol)
    return protocol


def _flush(sock: socket.socket, protocol: ServerProtocol) -> None:
    """Send what the protocol has queued: the handshake, pongs, close replies, our frames."""
    for data in protocol.data_to_send():
        if data:
            sock.sendall(data)
        else:  # the protocol's end of stream, after a close handshake: the server closes first
            sock.shutdown(socket.SHUT_WR)


def _frames(sock: socket.socket, protocol: ServerProtocol, flush: bool = True) -> Iterator[Frame]:
    """The client's data frames, until it closes. Control frames are the protocol's business:
    with `flush`, pings get pongs and a close gets its reply; without, nothing is ever sent."""
    while data := sock.recv(65536):
        protocol.receive_data(data)
        for event in protocol.events_received():
            if isinstance(event, Frame) and event.opcode in (Opcode.TEXT, Opcode.BINARY):
                yield event
        if flush:
            _flush(sock, protocol)
        else:
            protocol.data_to_send()  # discarded: a deaf server


def _after_handshake(sock: socket.socket, behaviour: str) -> None:
    protocol = _accept(sock)
    if protocol is None:
        return
    frames = _frames(sock, protocol, flush=behaviour != "deaf")
    if behaviour in ("never-answers", "deaf"):
        for _ in frames:
            pass
    elif behaviour == "answers-garbage":
        for _ in frames:
            protocol.send_text(GARBAGE_TEXT.encode())
            protocol.send_binary(GARBAGE_BINARY)
            _flush(sock, protocol)
    elif next(frames, None) is None:
        return  # the client closed before its first frame
    elif behaviour == "huge-frame":
        protocol.send_text(b"x" * HUGE_FRAME_BYTES)
        _flush(sock, protocol)
        for _ in frames:  # then never answers again
            pass
    elif behaviour == "resets":
        # SO_LINGER on, timeout 0: close() discards the buffers and sends RST, not FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    else:  # closes-after-first-frame
        sock.close()  # here, not by socketserver, whose shutdown() would send a FIN first


def _slow_handshake(sock: socket.socket, stop: threading.Event) -> None:
    protocol = ServerProtocol()
    request = _upgrade_request(sock, protocol)
    if request is None:
        return
    protocol.send_response(protocol.accept(request))
    response = b"".join(protocol.data_to_send())
    for i in range(len(response)):
        sock.sendall(response[i : i + 1])
        if stop.wait(1.0):  # the pacing of the attack, not synchronisation; ends with the test
            return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def hostile_server(behaviour: str) -> Iterator[str]:
    """A ws:// URL served by a server that behaves as `behaviour`."""
    assert behaviour in (*BEHAVIOURS, REFUSING, SLOW_HANDSHAKE, *AFTER_HANDSHAKE), behaviour
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
