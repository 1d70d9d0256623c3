"""Before the first test: can the run be made at all, and does the target speak WebSocket?

Nothing listening, a name that does not resolve, a certificate this client does not trust, or
an upgrade refused by HTTP status (every profile's docs allow an unauthenticated upgrade, so a
refusal means a wrong URL or a missing --header) means the run cannot be made (exit 2, saying
which). A server that accepts TCP but never
completes the handshake (silent, garbage, closes mid-way) is a server defect: every test then
FAILs at once with the reason and the preflight transcript, instead of each waiting its timeout.
"""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

from wsconform.redact import Redactor
from wsconform.session import HandshakeRejected, ProbeSession, TargetUnreachable
from wsconform.transcript import Transcript


class RunImpossible(Exception):
    """The run cannot be made against this target (pytest exits 2 with this message)."""


def preflight(
    url: str,
    *,
    tls: ssl.SSLContext | None,
    headers: list[tuple[str, str]],
    subprotocols: list[str] | None,
    timeout: float,
    redactor: Redactor,
) -> str | None:
    """None when `url` completes a WebSocket handshake; otherwise why it did not, with the
    transcript (the target is broken)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}"
        raise RunImpossible(
            f"target unreachable: nothing accepted a TCP connection to {host}:{port} "
            f"within {timeout:g} s ({reason})"
        ) from None
    transcript = Transcript(redactor)
    session = ProbeSession(
        url,
        transcript,
        headers=headers,
        subprotocols=subprotocols,
        ssl=tls,
        op_timeout=timeout,
    )
    try:
        session.connect()
    except HandshakeRejected as exc:
        raise RunImpossible(
            f"{url} refused the WebSocket upgrade with HTTP {exc.status}: is the URL right, and "
            "does the endpoint need a --header?"
        ) from None
    except TargetUnreachable as exc:
        if isinstance(exc.cause, ssl.SSLCertVerificationError):
            raise RunImpossible(
                f"the TLS certificate of {url} is not trusted ({exc.cause.verify_message}): "
                "give --ca-file with its CA, or --insecure (the report will say so)"
            ) from None
        return (
            f"the target accepted TCP but did not complete a WebSocket handshake: {exc}\n"
            f"preflight transcript:\n{transcript.render()}"
        )
    finally:
        session.close()
    return None
