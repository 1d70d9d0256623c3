"""The ETHGas `cmd`-dialect mock's ways to break the documents (each with the requirement the
suite must then turn red) and its variants, the choices it makes where the pages are silent."""

from __future__ import annotations

from wsconform.mock.defects import Defect, accept_expired, pong_withheld

DEFECTS: dict[str, Defect] = {
    "invalid-token-answered-403": Defect(
        "a refused token is answered 403 instead of 401",
        "ETH-REJ-01",
        also=("ETH-REJ-02",),
        lifecycle=True,
    ),
    "no-token-expired-event": Defect(
        "no token_expired event at expiry", "ETH-EXP-01", lifecycle=True
    ),
    "private-data-after-expiry": Defect(
        "private data keeps flowing after the token expired", "ETH-EXP-02", lifecycle=True
    ),
    "status-ok": Defect(
        'a successful login says "status": "ok", not "success"',
        "ETH-AUTH-01",
        also=("ETH-AUTH-04",),
        lifecycle=True,
    ),
    "private-without-login": Defect(
        "private channels are subscribed and served without login",
        "ETH-AUTH-06",
        also=("ETH-AUTH-10",),
        lifecycle=True,
    ),
    "success-without-permissions": Defect(
        'the login success data lacks "permissions"', "ETH-AUTH-02", lifecycle=True
    ),
    "relogin-after-expiry-refused": Defect(
        "after a token_expired every later login there is 401", "ETH-EXP-03", lifecycle=True
    ),
    "error-without-code": Defect(
        'login errors and error frames lack "code"', "ETH-ENV-01", also=("ETH-ENV-02",)
    ),
    "accept-any-token": Defect(
        "any string accessToken logs in, with all permissions, for an hour",
        "ETH-REJ-01",
        also=("ETH-REJ-06",),
        lifecycle=True,
    ),
    "expiry-event-renamed": Defect(
        'the expiry event is "cmd": "session_expired"', "ETH-EXP-01", lifecycle=True
    ),
    "limited-reads-private": Defect(
        "a token without the private right reads private channels",
        "ETH-AUTH-08",
        lifecycle=True,
    ),
    "rate-limit-shape-undocumented": Defect(
        'the 429 is "error": "rate limited", not an object', "ETH-REJ-04", lifecycle=True
    ),
    "cmd-ping-unanswered": Defect('{"cmd": "ping"} gets no pong', "ETH-HB-02"),
    "public-needs-login": Defect(
        "a public subscribe before login is refused 401", "ETH-AUTH-05", lifecycle=True
    ),
    "unsubscribe-keeps-data": Defect(
        "data keeps flowing after an unsubscribe", "ETH-SUB-04", lifecycle=True
    ),
    "data-payload-renamed": Defect(
        'data frames carry their payload in "payload", not "data"', "ETH-ENV-03"
    ),
    **accept_expired("ETH-REJ-03", description="an expired token logs in"),
    # Only it turns these red: the tests of each wait on a protocol ping somewhere (a defect of
    # their own would prove them better).
    **pong_withheld("ETH-HB-01", also=("ETH-AUTH-07", "ETH-SUB-01", "ETH-SUB-05")),
}

# The choices the mock can make where the pages are silent, the first its default: the suite
# must pass on each.
VARIANTS: dict[str, tuple[str, ...]] = {
    # No page shows a subscribe/unsubscribe ack: {"cmd":"subscribe","data":{"channel":C}}, or none.
    "subscribe-ack": ("yes", "no"),
    # No page says whether subscriptions survive a token_expired: kept, or the private ones
    # dropped (a re-login does not restore them).
    "subscriptions-at-expiry": ("kept", "dropped"),
}
