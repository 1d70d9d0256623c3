"""wsconform.transcript: rendering redacts late secrets, shortens big frames, keeps the tail."""

from __future__ import annotations

import hashlib
import json

import pytest

from wsconform.redact import Redactor, mask
from wsconform.transcript import MAX_SHOWN_CHARS, Transcript

SHOWN = 10  # more than the 4 chars a mask may show


@pytest.fixture
def transcript() -> Transcript:
    return Transcript(Redactor())


def test_secret_registered_after_recording_is_redacted(transcript: Transcript) -> None:
    """Entries are stored raw and redacted at render time, so late-learnt secrets are hidden."""
    secret = "late-learnt-token-0123456789"
    transcript.record("c1", "→", json.dumps({"bearer": secret}))
    transcript.redactor.add(secret)
    rendered = transcript.render()
    assert secret not in rendered
    assert mask(secret) in rendered


def test_long_frame_is_shortened_with_length_and_hash(transcript: Transcript) -> None:
    """A frame over MAX_SHOWN_CHARS shows its head, total length and sha256 prefix."""
    # Words, not one run: a 43+ char base64url run is masked whole as a possible signature.
    text = "".join(chr(ord("a") + i % 26) if i % 7 else " " for i in range(5000))
    transcript.record("c1", "←", text)
    rendered = transcript.render()
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    assert f"[5000 chars in all, sha256:{digest}]" in rendered
    assert text not in rendered
    assert len(rendered) < MAX_SHOWN_CHARS + 200


def test_frame_at_the_limit_is_not_shortened(transcript: Transcript) -> None:
    """A frame of exactly MAX_SHOWN_CHARS is shown whole."""
    text = "z " * (MAX_SHOWN_CHARS // 2)
    transcript.record("c1", "←", text)
    rendered = transcript.render()
    assert text in rendered
    assert "chars in all" not in rendered


def test_long_frame_secret_is_redacted_before_shortening(transcript: Transcript) -> None:
    """A secret straddling the shortening cut is masked, not half-shown."""
    secret = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    transcript.redactor.add(secret)
    text = "x" * (MAX_SHOWN_CHARS // 2 - 10) + secret + "y" * 3000
    transcript.record("c1", "←", text)
    rendered = transcript.render()
    assert secret[:SHOWN] not in rendered


def test_render_last_keeps_the_tail(transcript: Transcript) -> None:
    """render(last=N) shows only the final N entries and says how many were left out."""
    for i in range(5):
        transcript.record("c1", "→", f"frame-{i}")
    lines = transcript.render(last=2).splitlines()
    assert lines[0].strip() == "… 3 earlier entries"
    assert len(lines) == 3
    assert lines[1].endswith("c1 → frame-3")
    assert lines[2].endswith("c1 → frame-4")


def test_render_last_larger_than_entries_has_no_gap_line(transcript: Transcript) -> None:
    """When nothing is left out, render(last=N) has no 'earlier entries' line."""
    for i in range(3):
        transcript.record("c1", "→", f"frame-{i}")
    rendered = transcript.render(last=3)
    assert "earlier entries" not in rendered
    assert rendered == transcript.render()


def test_render_last_zero_shows_no_entries(transcript: Transcript) -> None:
    """render(last=0) keeps no entries, only the count of those left out."""
    for i in range(3):
        transcript.record("c1", "→", f"frame-{i}")
    assert transcript.render(last=0).splitlines() == ["  … 3 earlier entries"]


def test_connection_labels_count_up(transcript: Transcript) -> None:
    """Connections of one transcript are labelled c1, c2, ... in order."""
    assert transcript.new_connection() == "c1"
    assert transcript.new_connection() == "c2"
    assert Transcript(Redactor()).new_connection() == "c1"  # per transcript, not global


def test_entries_are_rendered_in_order_with_kind(transcript: Transcript) -> None:
    """Each entry renders as '<ms> ms <conn> <kind> <text>', and notes use the '--' label."""
    transcript.record("c1", "handshake", "HTTP 101")
    transcript.note("a note")
    lines = transcript.render().splitlines()
    assert lines[0].endswith(" ms c1 handshake HTTP 101")
    assert lines[1].endswith(" ms -- note a note")
