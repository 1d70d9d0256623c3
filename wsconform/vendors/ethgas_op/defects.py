"""The ETHGas `op`-dialect mock's ways to break the documents (each with the requirement the
suite must then turn red) and its variants, the choices it makes where the docs are silent."""

from __future__ import annotations

from wsconform.mock.defects import Defect, accept_expired, pong_withheld

DEFECTS: dict[str, Defect] = {
    "accept-any-token": Defect(
        "any string accessToken authenticates, with all rights, for an hour",
        "EOP-REJ-01",
        also=("EOP-REJ-06", "EOP-REJ-07"),
        lifecycle=True,
    ),
    "private-without-login": Defect(
        "private channels and queries are served without auth",
        "EOP-AUTH-04",
        also=("EOP-AUTH-06",),
        lifecycle=True,
    ),
    "session-header-ignored": Defect(
        "a valid Authorization header does not authenticate", "EOP-AUTH-03", lifecycle=True
    ),
    "login-ack-renamed": Defect(
        'the login success ack has "event": "auth"',
        "EOP-AUTH-01",
        also=("EOP-ENV-02",),
        lifecycle=True,
    ),
    "success-nonzero-code": Defect(
        'the login success ack says "code": 99 (still logged in)', "EOP-AUTH-01", lifecycle=True
    ),
    "text-ping-unanswered": Defect('the text "ping" gets no "pong"', "EOP-HB-01"),
    "multi-arg-subscribe-first-only": Defect(
        "only a subscribe's first arg is subscribed; all acked", "EOP-SUB-01", lifecycle=True
    ),
    "unsubscribe-keeps-data": Defect(
        "data keeps flowing after an unsubscribe", "EOP-SUB-02", lifecycle=True
    ),
    "relogin-after-expiry-refused": Defect(
        "once a connection's token has expired, a login with a refreshed one is refused",
        "EOP-EXP-03",
    ),
    "private-channels-silent": Defect(
        "private subscriptions are acked but never publish",
        "EOP-AUTH-02",
        lifecycle=True,
    ),
    # Not currentSlot itself: the suite syncs on it, so breaking it breaks every test.
    "public-channels-need-login": Defect(
        "public channels need a login", "EOP-AUTH-05", lifecycle=True
    ),
    "private-query-payload-as-data": Defect(
        'private query replies carry "data", not "P"', "EOP-ENV-01"
    ),
    "data-without-timestamp": Defect(
        'data frames lack "E", the millisecond timestamp', "EOP-SUB-03"
    ),
    "non-json-error-text": Defect(
        "a malformed request is answered with plain text, not JSON", "EOP-ENV-04"
    ),
    **accept_expired("EOP-REJ-02", also=("EOP-EXP-02", "EOP-REJ-03")),
    # Only it turns EOP-ENV-03 red (its test waits on a protocol ping; a defect of its own
    # would prove it better).
    **pong_withheld("EOP-HB-02", also=("EOP-ENV-03",)),
}

# The choices the mock can make where the docs are silent, the first its default: the suite must
# pass on each.
VARIANTS: dict[str, tuple[str, ...]] = {
    # An invalid or non-Bearer Authorization header: the upgrade goes on unauthenticated, or is
    # refused with HTTP 401.
    "bad-header-token": ("upgrade-unauthenticated", "refuse-401"),
    # No ack is documented: one {"event":"subscribe","arg":…} per arg (as python-ethgas reads
    # them), or none.
    "subscribe-ack": ("yes", "no"),
    # Nothing is documented at a token's exp: private data goes on (exp never looked at after
    # login), stops (private subscribes and queries refused 1001), or the connection closes 4000.
    "at-expiry": ("continue", "stop", "close"),
}
