"""FuzzClients: one connection across a fuzz run's examples, and a close that crosses an example's
first frame is not that example's failure. Fake clients, no network."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from wsconform.fixtures import FuzzClients
from wsconform.session import PeerClosed


@dataclass
class FakeSession:
    closed: bool = False


@dataclass
class FakeClient:
    """A client whose server closes the connection after `answers` replies."""

    number: int
    answers: int = 1_000
    session: FakeSession = field(default_factory=FakeSession)

    def auth(self, token: str) -> str:
        if self.answers == 0:
            self.session.closed = True
            raise PeerClosed("connection closed by the peer while waiting for a reply")
        self.answers -= 1
        return f"reply {token} on connection {self.number}"


def clients(*answers: int) -> FuzzClients:
    """A FuzzClients whose n-th connection answers `answers[n]` times, then closes."""
    opened = iter(FakeClient(n, a) for n, a in enumerate(answers))
    return FuzzClients(lambda: next(opened))


def test_one_connection_serves_every_example():
    fuzz = clients(1_000)
    replies = [fuzz.run(lambda c, t=t: c.auth(t)) for t in "abc"]
    assert replies == [f"reply {t} on connection 0" for t in "abc"]


def test_a_close_after_the_last_example_is_retried_on_a_fresh_connection():
    """The server answered example 1, then closed: example 2's frame crossed the close."""
    fuzz = clients(1, 1_000)
    assert fuzz.run(lambda c: c.auth("a")) == "reply a on connection 0"
    assert fuzz.run(lambda c: c.auth("b")) == "reply b on connection 1"


def test_a_close_this_example_provokes_fails_it():
    """The fresh connection closes too: the example's own token closed it."""
    fuzz = clients(1, 0)
    fuzz.run(lambda c: c.auth("a"))
    with pytest.raises(PeerClosed):
        fuzz.run(lambda c: c.auth("b"))


def test_a_close_on_a_fresh_connection_is_not_retried():
    fuzz = clients(0, 1_000)
    with pytest.raises(PeerClosed):
        fuzz.run(lambda c: c.auth("a"))


def test_a_connection_seen_closed_is_replaced_before_use():
    fuzz = clients(1_000, 1_000)
    fuzz().session.closed = True
    assert fuzz.run(lambda c: c.auth("a")) == "reply a on connection 1"
