"""The Zenith mock's defect switches, each with the requirement it breaks, and its variants:
documented choices a conforming server may make either way (the first value is the default)."""

from __future__ import annotations

from wsconform.mock.defects import Defect, accept_expired, pong_withheld

DEFECTS: dict[str, Defect] = {
    "token-in-uri-accepted": Defect(
        "a valid token in any query parameter authenticates", "ZEN-AUTH-12"
    ),
    "trading-over-plain-ws": Defect(
        "Trading and OrderPad are granted over plain ws://", "ZEN-AUTH-11"
    ),
    "no-base64-decoding": Defect(
        "AccessToken is always used raw, never Base-64-decoded", "ZEN-AUTH-06", lifecycle=True
    ),
    "subscriptions-forgotten-at-expiry": Defect(
        "an expired connection loses its subscriptions", "ZEN-SUB-01", lifecycle=True
    ),
    "no-unsub-after-reauth": Defect(
        "a subscription lost on re-auth gets an Error but no server Unsub",
        "ZEN-SUB-02",
        lifecycle=True,
    ),
    "unsub-before-error": Defect(
        "a subscription lost on re-auth gets the Unsub before the Error",
        "ZEN-SUB-03",
        lifecycle=True,
    ),
    "data-after-expiry": Defect(
        "data keeps flowing after the session expired", "ZEN-EXP-01", lifecycle=True
    ),
    "transaction-id-not-echoed": Defect("replies carry TransactionID + 1", "ZEN-ENV-01"),
    "handshake-header-ignored": Defect(
        "a valid Authorization header does not authenticate", "ZEN-AUTH-04", lifecycle=True
    ),
    "bad-header-token-upgraded": Defect(
        "an invalid header token is upgraded unauthenticated, not 403",
        "ZEN-REJ-03",
        also=("ZEN-REJ-06",),
        lifecycle=True,
    ),
    "returned-access-token-unusable": Defect(
        "the reply's AccessToken is Base-64 of random bytes", "ZEN-AUTH-08", lifecycle=True
    ),
    "accept-any-token": Defect(
        "any AccessToken authenticates, with all rights, for an hour",
        "ZEN-REJ-01",
        also=("ZEN-AUTH-07", "ZEN-REJ-05"),
        lifecycle=True,
    ),
    "reject-spelled-rejected": Defect(
        'a rejection says Result "Rejected", not "Reject"', "ZEN-REJ-02", lifecycle=True
    ),
    "auth-shared-across-connections": Defect(
        "a successful AuthToken authenticates every connection", "ZEN-AUTH-09", lifecycle=True
    ),
    "sub-without-right-accepted": Defect(
        "a Sub without the right is confirmed and pumped", "ZEN-AUTH-10", lifecycle=True
    ),
    "reauth-does-not-extend": Defect(
        "a re-auth keeps the old expiry", "ZEN-EXP-04", lifecycle=True
    ),
    "reauth-drops-all-subscriptions": Defect(
        "every re-auth answers every subscription Error + Unsub", "ZEN-SUB-05", lifecycle=True
    ),
    "data-frame-with-action": Defect('data frames carry "Action": "Publish"', "ZEN-SUB-08"),
    "undocumented-error-code": Defect(
        'the refusal Error\'s Data is "Forbidden", not "Authority"', "ZEN-ENV-02"
    ),
    "no-sub-confirm": Defect("a Sub is never confirmed", "ZEN-SUB-06", lifecycle=True),
    "unsub-reply-confirmed": Defect(
        "the reply to a client Unsub carries Confirm: true", "ZEN-SUB-07", lifecycle=True
    ),
    "identify-sub-silent": Defect("the Identify subscription never publishes", "ZEN-AUTH-14"),
    "no-subprotocol": Defect(
        "no subprotocol is selected, though the client offers ZenithJson", "ZEN-AUTH-15"
    ),
    "success-without-result": Defect(
        "a successful AuthToken reply's Data has no Result", "ZEN-AUTH-01"
    ),
    "expiry-date-as-number": Defect(
        "ExpiryDate is epoch seconds, not the documented DateTime", "ZEN-AUTH-02"
    ),
    "query-identify-rejects": Defect(
        "QueryIdentify answers Reject on an authenticated session", "ZEN-AUTH-05"
    ),
    # Rare on purpose: what only load finds (`wsconform soak zenith --mock-defect ...` counts
    # them), yet the first is refused, so the suite's one re-auth after expiry finds it too.
    # Not a state machine's: hypothesis replays a failing example to shrink it, and the replay's
    # re-auth, the 2nd, passes (the machine's other defects fail every time they are met).
    "reauth-refused-one-in-1000": Defect(
        "one AuthToken re-auth after expiry in 1,000 is refused (the 1st, the 1,001st, ...)",
        "ZEN-EXP-03",
    ),
    "reauth-after-expiry-refused": Defect(
        "after expiry, AuthToken on the same connection is refused",
        "ZEN-EXP-03",
        lifecycle=True,
    ),
    "server-unsub-unconfirmed": Defect(
        "a server-initiated Unsub carries no Confirm", "ZEN-SUB-04", lifecycle=True
    ),
    "refused-sub-without-reply": Defect(
        "a refused Sub gets the Error but no Sub reply", "ZEN-SUB-10", lifecycle=True
    ),
    **pong_withheld("ZEN-HB-01"),
    **accept_expired(
        "ZEN-REJ-04", description="an expired access token authenticates (until its next check)"
    ),
}
VARIANTS: dict[str, tuple[str, ...]] = {
    # The AuthToken reply's Topic: Identify, as the docs' example has it, or AuthToken, which
    # Motif requires (docs/facts/zenith.md §AuthToken reply).
    "auth-reply-topic": ("Identify", "AuthToken"),
    # Scope's style, both documented: Paritech.Zenith.Market or Zenith/Market.
    "scope-style": ("dotted", "slash"),
    # Whether a Sub's first data comes before its confirmation: the docs allow it.
    "data-before-confirm": ("no", "yes"),
}
