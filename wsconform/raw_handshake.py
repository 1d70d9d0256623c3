"""A WebSocket upgrade request written by hand, for header values a client library refuses to
send (control characters, non-ASCII bytes, megabyte-long tokens). Only the status line and the
headers of the answer are read: the point is whether the server upgrades."""

from __future__ import annotations

import base64
import os
import socket
import ssl as ssl_module
from urllib.parse import urlsplit

from wsconform.session import ExpectTimeout
from wsconform.transcript import Transcript


def upgrade_status(
    url: str,
    headers: list[tuple[str, bytes]],
    *,
    transcript: Transcript,
    tls: ssl_module.SSLContext | None = None,
    subprotocol: str | None = None,
    timeout: float = 5.0,
) -> int:
    """Send the upgrade request with `headers` (raw values) and return the HTTP status."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [
        f"GET {target} HTTP/1.1".encode(),
        f"Host: {parts.netloc}".encode(),
        b"Upgrade: websocket",
        b"Connection: Upgrade",
        b"Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)),
        b"Sec-WebSocket-Version: 13",
    ]
    if subprotocol:
        lines.append(f"Sec-WebSocket-Protocol: {subprotocol}".encode())
    lines += [name.encode() + b": " + value for name, value in headers]
    conn = transcript.new_connection()
    transcript.record(conn, "connect", f"{url} (raw upgrade)")
    for name, value in headers:
        shown = transcript.redactor.header(name, value.decode("utf-8", "backslashreplace"))
        transcript.record(conn, "header", f"{name}: {shown}")
    with socket.create_connection((host, port), timeout=timeout) as raw:
        sock = tls.wrap_socket(raw, server_hostname=host) if tls else raw
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        answer = b""
        while b"\r\n" not in answer:
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                # An unanswered wait, as the probe's (a fuzz run ends at the first one).
                transcript.record(conn, "handshake", f"<no status line within {timeout:g} s>")
                raise ExpectTimeout(
                    f"no HTTP answer to the upgrade request within {timeout:g} s"
                ) from None
            if not chunk:
                break
            answer += chunk
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    transcript.record(conn, "handshake", status_line or "<closed without an answer>")
    fields = status_line.split()
    return int(fields[1]) if len(fields) >= 2 and fields[1].isdigit() else 0
