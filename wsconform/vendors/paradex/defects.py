"""The Paradex mock's defects (each breaks one documented requirement, which the kill matrix
proves turns red) and its variants (documented choices, under which the suite stays green)."""

from __future__ import annotations

from wsconform.mock.defects import Defect, accept_expired, pong_withheld

DEFECTS: dict[str, Defect] = {
    "accept-alg-none": Defect(
        "an unsigned token (alg none) authenticates",
        "PDX-REJ-02",
        also=("PDX-REJ-06",),
        lifecycle=True,
    ),
    "accept-forged-signature": Defect("the signature is not checked", "PDX-REJ-02", lifecycle=True),
    "accept-any-bearer": Defect(
        "any bearer string authenticates",
        "PDX-REJ-01",
        also=(
            "PDX-REJ-02",
            "PDX-REJ-03",
        ),
        lifecycle=True,
    ),
    "malformed-as-invalid": Defect(
        "a malformed token is answered 40111 instead of 40110", "PDX-REJ-01", lifecycle=True
    ),
    "id-not-echoed": Defect("replies carry no id", "PDX-ENV-02"),
    "id-coerced-to-int": Defect("a string id comes back as an integer", "PDX-ENV-02"),
    "private-without-auth": Defect(
        "private channels are served without auth",
        "PDX-AUTH-03",
        also=("PDX-AUTH-07",),
        lifecycle=True,
    ),
    "private-data-stops-at-expiry": Defect(
        "private data stops when the JWT's exp passes", "PDX-EXP-01", lifecycle=True
    ),
    "auth-result-not-object": Defect(
        "the auth result is `true`, not an object", "PDX-AUTH-01", lifecycle=True
    ),
    "no-jsonrpc-member": Defect('replies lack "jsonrpc": "2.0"', "PDX-ENV-01"),
    "close-on-non-json": Defect("the socket is closed on non-JSON input", "PDX-ENV-03"),
    "duplicate-subscribe-accepted": Defect(
        "subscribing twice to a channel succeeds", "PDX-SUB-04", lifecycle=True
    ),
    "unsubscribe-unknown-accepted": Defect(
        "unsubscribing from a channel never subscribed succeeds", "PDX-SUB-05", lifecycle=True
    ),
    "unsubscribe-keeps-data": Defect(
        "data keeps flowing after an unsubscribe", "PDX-SUB-03", lifecycle=True
    ),
    "no-parse-error": Defect("non-JSON input is ignored instead of answered -32700", "PDX-ENV-03"),
    "unknown-method-ignored": Defect("an unknown method gets no reply", "PDX-ENV-05"),
    "wrong-error-code-for-invalid-params": Defect(
        "invalid params are answered -32603", "PDX-ENV-06"
    ),
    "close-after-rejected-auth": Defect(
        "the connection is closed after a rejected auth", "PDX-REJ-05", lifecycle=True
    ),
    "auth-result-extra-fields": Defect(
        "the auth result carries members no document shows", "PDX-AUTH-02", lifecycle=True
    ),
    "undocumented-error-messages": Defect(
        "error messages are texts no document shows", "PDX-ENV-07"
    ),
    "public-needs-auth": Defect(
        "public channels are refused without auth", "PDX-AUTH-04", lifecycle=True
    ),
    "geo-block-ignored": Defect("a geo-blocked client is authenticated", "PDX-REJ-09"),
    "subscribe-result-without-channel": Defect(
        "the subscribe result omits the channel", "PDX-SUB-01", lifecycle=True
    ),
    "unsubscribe-result-without-channel": Defect(
        "the unsubscribe result omits the channel", "PDX-SUB-02", lifecycle=True
    ),
    "error-code-as-string": Defect(
        "error codes are sent as JSON strings", "PDX-REJ-04", also=("PDX-ENV-04",), lifecycle=True
    ),
    "string-token-as-invalid-params": Defect(
        "a malformed string token is answered -32602, not 40110", "PDX-REJ-07", lifecycle=True
    ),
    "crash-on-huge-bearer": Defect(
        "a bearer over 16 KiB drops every other connection", "PDX-REJ-08"
    ),
    "stale-subscription-after-disconnect": Defect(
        "a channel subscribed on a connection that closed is confirmed to the next "
        "subscriber but publishes nothing to it",
        "PDX-SUB-06",
        also=("PDX-AUTH-05",),
        lifecycle=True,
    ),
    **accept_expired("PDX-REJ-03"),
    **pong_withheld("PDX-HB-01"),
}
# Where the documents allow more than one answer, each a choice of the mock (the first is its
# default); the suite must pass against every one.
VARIANTS: dict[str, tuple[str, ...]] = {
    # The auth result: {"node_id": ...} as the docs show it since 2025-11-17, or {} as the seed
    # page does (PDX-AUTH-02 accepts both).
    "auth-result": ("node_id", "empty"),
    # Error messages in lower case as the live server sends them, or in title case as the
    # page's table prints them (PDX-ENV-07 compares them case-insensitively).
    "error-messages": ("lower", "title"),
}
