"""The graphql-ws mock's defects (each breaks one requirement, which the kill matrix proves turns
red) and its variants (choices PROTOCOL.md leaves to the server, under which the suite stays
green)."""

from __future__ import annotations

from wsconform.mock.defects import Defect, accept_expired, pong_withheld

DEFECTS: dict[str, Defect] = {
    "no-subprotocol": Defect("the handshake selects no subprotocol", "GQL-AUTH-02"),
    "ack-renamed": Defect(
        'the acknowledgement is {"type": "connection_acknowledged"}',
        "GQL-AUTH-01",
        also=("GQL-AUTH-03",),
        lifecycle=True,
    ),
    "ack-payload-not-object": Defect(
        "the ConnectionAck's payload is a string, not an object", "GQL-ENV-05"
    ),
    "header-ignored": Defect(
        "a token in the upgrade's Authorization header is not read", "GQL-AUTH-03", lifecycle=True
    ),
    "subscribe-before-ack-served": Defect(
        "a Subscribe before the ConnectionAck is executed, not closed 4401",
        "GQL-AUTH-04",
        also=("GQL-AUTH-05",),
        lifecycle=True,
    ),
    "accept-any-token": Defect(
        "any token string authenticates",
        "GQL-REJ-04",
        also=("GQL-REJ-01", "GQL-REJ-03", "GQL-REJ-05", "GQL-REJ-06", "GQL-REJ-07"),
        lifecycle=True,
    ),
    "accept-alg-none": Defect(
        "an unsigned token (alg none) authenticates",
        "GQL-REJ-01",
        also=("GQL-REJ-05", "GQL-REJ-06", "GQL-REJ-07"),
        lifecycle=True,
    ),
    "accept-forged-signature": Defect(
        "the signature is not checked",
        "GQL-REJ-01",
        also=("GQL-REJ-05", "GQL-REJ-06", "GQL-REJ-07"),
        lifecycle=True,
    ),
    "reject-closes-1008": Defect(
        "a refused ConnectionInit closes 1008 (policy violation), not 4403", "GQL-REJ-02"
    ),
    "header-token-unchecked": Defect(
        "any token in the upgrade's Authorization header authenticates",
        "GQL-REJ-06",
        also=("GQL-REJ-07",),
        lifecycle=True,
    ),
    "init-timeout-closes-4400": Defect(
        "a socket without ConnectionInit is closed 4400, not 4408", "GQL-ENV-01"
    ),
    "second-init-acked": Defect(
        "a second ConnectionInit is acknowledged again, not closed 4429",
        "GQL-ENV-02",
        lifecycle=True,
    ),
    "invalid-message-ignored": Defect(
        "a message of an unknown type is ignored, not closed 4400", "GQL-ENV-03"
    ),
    "duplicate-id-accepted": Defect(
        "a Subscribe with the id of an active operation is served, not closed 4409",
        "GQL-ENV-04",
        lifecycle=True,
    ),
    "next-without-id": Defect(
        "Next messages of a subscription carry no id",
        "GQL-SUB-01",
        also=("GQL-SUB-05",),
        lifecycle=True,
    ),
    "complete-ignored": Defect(
        "a client's Complete does not stop its subscription",
        "GQL-SUB-02",
        also=("GQL-SUB-05",),
        lifecycle=True,
    ),
    "single-result-without-complete": Defect(
        "a single-result operation's Next is not followed by Complete", "GQL-SUB-03"
    ),
    "error-then-complete": Defect("an operation's Error is followed by a Complete", "GQL-SUB-04"),
    "id-not-reusable": Defect(
        "the id of a completed operation is refused 4409", "GQL-SUB-05", lifecycle=True
    ),
    "ping-unanswered": Defect("a Ping message gets no Pong", "GQL-HB-01", also=("GQL-HB-03",)),
    "ping-before-init-closes": Defect(
        "a Ping before the ConnectionInit closes the socket 4401", "GQL-HB-03"
    ),
    **accept_expired("GQL-REJ-03", also=("GQL-REJ-06",)),
    **pong_withheld("GQL-HB-02"),
}

# What PROTOCOL.md leaves to the server; the first value is the mock's default.
VARIANTS: dict[str, tuple[str, ...]] = {
    # "The server can use the optional payload field to transfer additional details."
    "ack-payload": ("none", "object"),
    # Pong's "optional payload field can be used to transfer additional details about the pong".
    "pong-payload": ("none", "echo"),
    # A ConnectionInit without a token: the payload is "as agreed with the server", and whether
    # an anonymous connection is allowed is the server's (GQL-REJ-08 records which).
    "anonymous": ("refused", "acked"),
    # What a server does when a connection's token expires: PROTOCOL.md is silent (GQL-EXP-01).
    "at-expiry": ("continue", "close-4403"),
}
