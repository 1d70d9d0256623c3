"""The Zenith mock's client-compatibility presets (wsconform.mock.presets), and the behaviours
beyond the documents that only a preset switches on, read in Motif's sources
(docs/facts/zenith.md §AuthToken reply, §Reject spelling)."""

from __future__ import annotations

from wsconform.mock.presets import Preset

EXPIRES_IN = "expires-in"
DEPARTURES: dict[str, str] = {
    EXPIRES_IN: "a successful AuthToken reply's Data also carries ExpiresIn, the session's time "
    "left as a .NET TimeSpan (hh:mm:ss.fffffff), which no document shows",
}

PRESETS: dict[str, Preset] = {
    # plxtra/motif-core e412370, src/code/adi/publishers/zenith/: auth-token-message-convert.ts
    # accepts only the reply Topic AuthToken; zenith-protocol.ts spells a refusal "Rejected",
    # and zenith-publisher.ts reads ExpiresIn (without it: a warning and a 3-minute guess).
    "motif": Preset(
        client="Motif, Paritech's own Zenith client (plxtra/motif-core)",
        variant={"auth-reply-topic": "AuthToken"},
        departures=("reject-spelled-rejected", EXPIRES_IN),
    ),
}
