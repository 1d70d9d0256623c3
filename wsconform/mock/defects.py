"""What a mock declares of each way it can break its documents: the requirement the suite must
then turn red. The kill matrix (wsconform.killmatrix, tests/test_kill_matrix.py) reads these
declarations; a defect nothing turns red is a check the suite lacks."""

from __future__ import annotations

from dataclasses import dataclass


class UnknownDefect(ValueError):
    """A defect, variant or preset the mock does not have; the message names those it has."""


@dataclass(frozen=True)
class Defect:
    """One way to break the documents, switched on by `--mock-defect <name>`."""

    description: str  # what the mock then does, in a few words
    breaks: str  # the requirement the whole suite must turn red (FAIL for MUST, WARN for SHOULD)
    # Requirements it is known to turn red besides `breaks`: the whole suite holds each to it,
    # and a state machine run alone may meet one of them first (hypothesis reports the first
    # bug it shrinks, and which comes first follows the exploration).
    also: tuple[str, ...] = ()
    # A defect of authentication state, rejection by token kind, expiry, re-authentication,
    # subscriptions and their replay, or session isolation: the profile's state machine, run
    # alone, must catch it too. The others (envelope, heartbeat, handshake details, fuzzing,
    # geo-blocking) are the example-based tests' business.
    lifecycle: bool = False

    @property
    def broken(self) -> set[str]:
        """Every requirement this defect is known to turn red in the whole suite."""
        return {self.breaks, *self.also}


# The defects every vendor's mock has, written once in the core (wsconform.mock.server); each
# mock names the requirement of its documents they break.
PONG_WITHHELD = "pong-withheld"
ACCEPT_EXPIRED = "accept-expired"


def pong_withheld(breaks: str, also: tuple[str, ...] = ()) -> dict[str, Defect]:
    return {PONG_WITHHELD: Defect("client WebSocket pings are not answered", breaks, also)}


def accept_expired(
    breaks: str, description: str = "an expired token authenticates", also: tuple[str, ...] = ()
) -> dict[str, Defect]:
    return {ACCEPT_EXPIRED: Defect(description, breaks, also, lifecycle=True)}
