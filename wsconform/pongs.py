"""Withholding pongs: a peer that never answers pings, for either end of a connection.

websockets answers every ping by itself, below the application. The mocks' `pong-withheld`
defect (RFC 6455 §5.5.2 violated) and the suite's silent client (a server's idle close, tested)
both need a peer that does not: dropping outgoing PONG frames at the protocol is the one way.
"""

from __future__ import annotations

from typing import Any

from websockets.frames import Frame, Opcode


def withhold_pongs(connection: Any) -> None:
    """From now on `connection` (a websockets client or server connection) sends no pongs."""
    protocol = connection.protocol
    send_frame = protocol.send_frame

    def send_all_but_pongs(frame: Frame) -> None:
        if frame.opcode is not Opcode.PONG:
            send_frame(frame)

    protocol.send_frame = send_all_but_pongs
