"""wsconform.raw_handshake: the hand-written upgrade request, against hostile servers."""

from __future__ import annotations

import pytest
from hostile import hostile_server

from wsconform.raw_handshake import upgrade_status
from wsconform.redact import Redactor
from wsconform.session import ExpectTimeout
from wsconform.transcript import Transcript


def test_an_unanswered_upgrade_is_an_unanswered_wait_not_a_socket_error():
    """A fuzz run ends at the first unanswered example (ExpectTimeout): a bare TimeoutError
    would be shrunk by hypothesis, waiting the time-out again for every shrink."""
    transcript = Transcript(Redactor())
    with hostile_server("silent") as url, pytest.raises(ExpectTimeout, match=r"within 0\.2 s"):
        upgrade_status(url, [("Authorization", b"Bearer x")], transcript=transcript, timeout=0.2)
    assert "<no status line within 0.2 s>" in transcript.render()


def test_a_refused_upgrade_gives_its_status():
    with hostile_server("http-404") as url:
        status = upgrade_status(url, [], transcript=Transcript(Redactor()), timeout=2)
    assert status == 404
