"""ETHGas as the seed page documents it: `cmd` frames, `status` replies, `token_expired`
(vendor-docs/ethgas-websocket-authentication.md, docs/facts/ethgas.md §Draft, §Companion page)."""

from __future__ import annotations

from typing import Any

from wsconform.session import ExpectTimeout, Frame, Predicate, ProbeSession, TargetSilent
from wsconform.vendors.ethgas import protocol
from wsconform.vendors.ethgas.protocol import Message, MessageTest, errors_in


def frames(test: MessageTest) -> Predicate:
    """A protocol test of messages as a test of received frames."""
    return lambda f: test(f.obj)


def is_cmd(*names: str) -> Predicate:
    return frames(protocol.is_cmd(*names))


def is_data(channel: str) -> Predicate:
    return frames(protocol.is_data(channel))


is_pong = frames(protocol.is_pong)
is_expiry_event = frames(protocol.is_expiry_event)
is_error_frame = frames(protocol.is_error_frame)


# Per endpoint URL: whether it answers {"cmd":"ping"} with {"cmd":"pong"} (learned by the first
# ping). The companion page lists ping/pong without showing either frame (ETH-HB-02, SHOULD), so
# a server that ignores the command must still be testable: it costs one timeout per run, and
# syncs fall back to protocol pings (EthgasClient.sync).
CMD_PONG: dict[str, bool] = {}


class EthgasClient:
    """Commands over one probe session. A command the page gives no reply for (subscribe,
    unsubscribe) is followed by a sync, `{"cmd":"ping"}`: the server answers in order, so once the
    pong is in, whatever it answered to the command has arrived."""

    def __init__(self, session: ProbeSession) -> None:
        self.session = session

    def login(self, token: Any, *, member: str = protocol.SEED_MEMBER) -> Message:
        """The login command (`member` "args" for the companion page's spelling) and its answer:
        the login reply, or an error frame (the companion page's form of an error)."""
        return self.login_frame(token, member=member).obj

    def login_frame(self, token: Any, *, member: str = protocol.SEED_MEMBER) -> Frame:
        """As `login`, the answer as a frame: its index orders it among the others (what came
        before it came before the server handled the login)."""
        self.session.transcript.redactor.add(token)
        self.session.auth_attempt()
        answer = is_cmd(protocol.LOGIN, protocol.ERROR)
        return self.session.request(protocol.login(token, member), answer, "the login reply")

    def ping(self, timeout: float | None = None) -> Message:
        """`{"cmd":"ping"}` and its pong; what the endpoint did is remembered (CMD_PONG)."""
        url = self.session.url
        try:
            ping = protocol.bare(protocol.PING)
            pong = self.session.request(ping, is_pong, "a pong to {cmd: ping}", timeout)
        except ExpectTimeout:
            CMD_PONG.setdefault(url, False)
            raise
        CMD_PONG[url] = True
        return pong.obj

    def sync(self) -> None:
        """Afterwards every frame the server sent in answer to earlier commands is pending.

        A `{"cmd":"ping"}` round trip: the server handles commands in order. On a server that
        never answers it (learned once per endpoint), two protocol pings instead. One would only
        say that earlier frames were *received*: a WebSocket library pongs as it reads, possibly
        before the application has answered a command read in the same segment. The second ping
        leaves only once the first pong is back, by when a server that handles its frames in
        order has answered. A heuristic, not a proof: that degraded mode is for such servers only.
        """
        url = self.session.url
        if CMD_PONG.get(url, True):
            try:
                self.ping()
                return
            except ExpectTimeout:
                if CMD_PONG[url]:
                    raise  # it answered before: this is a real timeout
        self.session.barrier()
        self.session.barrier()

    def learn_pong(self) -> None:
        """Once per endpoint, before a command: whether `{"cmd":"ping"}` gets a pong. Asked with
        nothing else outstanding, so whatever else answers the ping (an error: its form is
        undocumented) is claimed here, never taken for a later command's answer."""
        if self.session.url in CMD_PONG:
            return
        earlier = self.session.pending()
        try:
            self.ping()
        except TargetSilent:
            raise
        except ExpectTimeout:
            self.session.barrier()  # two, as sync's fallback: the ping's answer is in
            self.session.barrier()
            self.session.take(lambda f: f not in earlier and bool(errors_in([f.obj])))

    def command(self, request: Message, *, refusal_expected: bool = False) -> list[Message]:
        """Send a command; every frame answering it (its ack, an error) up to the sync. With
        `refusal_expected` and no error among those, an error frame is waited for up to the op
        timeout: the docs promise no order among replies, so it may come after the pong."""
        self.learn_pong()
        self.session.send(request)
        self.sync()
        cmd = request["cmd"]
        answering = is_cmd(cmd, protocol.ERROR)
        answers = [f.obj for f in self.session.take(answering)]
        if refusal_expected and not errors_in(answers):
            try:
                late = self.session.expect(
                    lambda f: answering(f) and bool(errors_in([f.obj])),
                    f"an error answering the {cmd} (after the sync)",
                )
            except TargetSilent:
                raise
            except ExpectTimeout:
                return answers  # none came: the caller judges the answers as they are
            answers.append(late.obj)
        return answers

    def subscribe(
        self, channel: str, *, refusal_expected: bool = False, **extra: Any
    ) -> list[Message]:
        request = protocol.subscribe(channel, **extra)
        return self.command(request, refusal_expected=refusal_expected)

    def unsubscribe(self, channel: str) -> list[Message]:
        return self.command(protocol.unsubscribe(channel))

    def data(self, channel: str, timeout: float | None = None) -> Message:
        return self.session.expect(is_data(channel), f"data on {channel!r}", timeout).obj

    def expiry_event(self, timeout: float | None = None) -> Frame:
        """The token_expired event (the frame: its index orders it among the others)."""
        return self.session.expect(is_expiry_event, "the token_expired event", timeout)
