"""The graphql-ws authentication lifecycle as a hypothesis state machine: rules that act on the
target and move the model (wsconform/vendors/graphql_ws/model.py), which is, from PROTOCOL.md and
this profile's agreement:

- a ConnectionInit with a token not yet expired, in its payload or (header-auth) in the
  upgrade's header, is acknowledged (GQL-AUTH-01, 03); a forged, malformed or expired one is not,
  and the socket is closed 4403 as recommended (GQL-REJ-01..04, 06; GQL-REJ-02, SHOULD);
- a socket acknowledges only itself: a Subscribe before its own ConnectionAck closes it 4401
  (GQL-AUTH-04, 05); a second ConnectionInit closes it 4429 (GQL-ENV-02);
- a streaming operation delivers Next messages with its id (GQL-SUB-01) until the client
  completes it (GQL-SUB-02, SHOULD); its id may then be used again (GQL-SUB-05), while an active
  id used again closes the socket 4409 (GQL-ENV-04);
- what becomes of an acknowledged socket when its token expires is recorded (GQL-EXP-01, INFO).
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from wsconform import lifecycle_kit as kit
from wsconform.jwt_forge import FORGED
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, TokenPool, at_most, run_lifecycle
from wsconform.session import HandshakeRejected, PeerClosed
from wsconform.tokens import Token
from wsconform.vendors.graphql_ws import checks, model, protocol
from wsconform.vendors.graphql_ws.client import NO_TOKEN, GraphqlWsClient

PICK = st.integers(min_value=0, max_value=model.MAX_SOCKETS - 1)  # which eligible socket
HEADER_KINDS = ("valid", "expired", "bad-signature")


class GraphqlWsLifecycle(LifecycleMachine):
    """Sockets (≤2), fresh or acknowledged, their operations, and tokens that expire."""

    def __init__(self, env: LifecycleEnv, pool: TokenPool) -> None:
        super().__init__(env)
        self.pool = pool
        self.check = env.check
        self.stream = env.target.private_channel
        self.model = model.Model()
        self.clients: dict[model.Socket, GraphqlWsClient] = {}  # the target's side of each

    def now(self) -> float:
        return self.env.target.clock()

    def model_state(self) -> str:
        return self.model.state(self.now())

    def _retire(self, socket: model.Socket) -> None:
        self.clients.pop(socket).session.close()
        self.model.retire(socket)

    def _token(self, kind: str) -> tuple[str | None, Token | None]:
        """The token value of `kind` and, for a real one, the Token (None, None: the source
        has none of that kind)."""
        if kind in model.MALFORMED:
            return model.MALFORMED[kind], None
        if kind in FORGED:
            return self.pool.forged(kind), None
        if kind in ("valid", "expired"):
            token = self.pool.get(kind)
        else:
            reused = self.model.reused() if kind == "reused" else None
            token = reused or self.pool.get("short-lived")
            token = token and self.model.used_short_lived(token)
        return (token.value, token) if token else (None, None)

    def _closes(self, req: str, client: GraphqlWsClient, code: int, what: str) -> None:
        """The server closes the socket with `code` (`req`). The embedded mock handles a socket's
        messages in order, so once a Ping sent after the misstep is answered, a close that has
        not come will not: no op time-out is waited, however often a failing example is replayed
        as it shrinks. Live, the close is waited for (checks.closes_with)."""
        if self.env.target.embedded:
            client.sync()
            if not client.session.closed:
                self.check.failed(req, what, f"a close {code}", "the socket stays open")
                return
        checks.closes_with(self.check, req, client, code, what)

    # -- rules -------------------------------------------------------------------------------

    @initialize(kind=st.sampled_from(("short-lived", "valid")), stream=st.booleans())
    def first_socket(self, kind: str, stream: bool) -> None:
        """A client's first socket, acknowledged, streaming or not."""
        socket = self.model.open(self.now())
        self.clients[socket] = GraphqlWsClient(self.open())
        self._init(socket, kind)
        if stream and socket in self.clients and socket.acked:
            self._subscribe(socket)

    @precondition(lambda self: len(self.model.sockets) < model.MAX_SOCKETS)
    @rule(header=st.sampled_from((None, *HEADER_KINDS)))
    def open_socket(self, header: str | None) -> None:
        """A new socket; with header-auth, perhaps with a token in its upgrade's header, which
        its ConnectionInit (no payload) is then judged by."""
        if header is None or not self.env.offers("header-auth"):
            socket = self.model.open(self.now())
            self.clients[socket] = GraphqlWsClient(self.open())
            return
        value, token = self._token(header)
        if value is None:
            return
        headers = [("Authorization", protocol.bearer(value))]
        what = f"a {header} token in the upgrade's Authorization header"
        try:
            session = self.open(headers=headers, refusal_expected=header != "valid")
        except HandshakeRejected as exc:
            self.check.passed("GQL-REJ-06", f"{what}: the upgrade is refused ({exc})")
            return
        socket = self.model.open(self.now(), header=True)
        self.clients[socket] = GraphqlWsClient(session)
        self._init(socket, header, value, token)

    @precondition(
        lambda self: self.model.fresh(self.now()) or len(self.model.sockets) < model.MAX_SOCKETS
    )
    @rule(
        pick=PICK, kind=st.sampled_from((*model.GOOD_KINDS, *model.STALE_KINDS, *model.BAD_KINDS))
    )
    def connection_init(self, pick: int, kind: str) -> None:
        """A ConnectionInit on a fresh socket, or on a new one: an example reaches any token's
        ConnectionInit in a step, and a failing one shrinks to a few."""
        fresh = [s for s in self.model.fresh(self.now()) if not s.header]
        if fresh:
            socket = kit.pick(fresh, pick)
        elif len(self.model.sockets) < model.MAX_SOCKETS:
            socket = self.model.open(self.now())
            self.clients[socket] = GraphqlWsClient(self.open())
        else:
            return  # only header sockets are fresh: their ConnectionInit is judged by the header
        self._init(socket, kind)

    def _init(
        self, socket: model.Socket, kind: str, value: str | None = None, token: Token | None = None
    ) -> None:
        """A ConnectionInit: with `kind`'s token in the payload, or (a header socket) none."""
        if not socket.header:
            value, token = self._token(kind)
            if value is None:
                return  # the token source has none of that kind
        client = self.clients[socket]
        payload_token = NO_TOKEN if socket.header else value
        expected = self.model.init(socket, kind, token, self.now())
        what = f"a ConnectionInit with a {kind} token" + (" in the header" if socket.header else "")
        if expected is model.Init.REFUSED:
            req = model.refusal_req(kind, socket.header)
            checks.refused(self.check, req, client, payload_token, f"{what} gets no ConnectionAck")
            self._retire(socket)
            return
        answer = client.init(payload_token)
        acked = answer is not None and protocol.type_of(answer.obj) == protocol.CONNECTION_ACK
        if expected is model.Init.EITHER and not acked:
            self._retire(socket)  # refused within SKEW of exp: allowed
            return
        assert token is not None
        req = "GQL-AUTH-03" if socket.header else "GQL-AUTH-01"
        checks.acknowledged(self.check, req, client, answer)
        self.model.acknowledged(socket, token)

    @precondition(lambda self: self.model.acked())
    @rule(pick=PICK)
    @at_most(1)
    def second_connection_init(self, pick: int) -> None:
        socket = kit.pick(self.model.acked(), pick)
        client = self.clients[socket]
        client.send(protocol.connection_init(self.pool.valid().value))
        self._closes("GQL-ENV-02", client, protocol.TOO_MANY_INITS, "a second ConnectionInit")
        self._retire(socket)

    @precondition(lambda self: self.model.usable(self.now()))
    @rule(pick=PICK)
    def subscribe(self, pick: int) -> None:
        self._subscribe(kit.pick(self.model.usable(self.now()), pick))

    def _subscribe(self, socket: model.Socket) -> None:
        client = self.clients[socket]
        if not socket.acked:  # fresh (a refused socket is retired)
            req = "GQL-AUTH-05" if self.model.acked() else "GQL-AUTH-04"
            client.subscribe(self.stream)
            what = "a Subscribe before the socket's own ConnectionAck"
            self._closes(req, client, protocol.UNAUTHORIZED, what)
            self._retire(socket)
            return
        op_id = client.subscribe(self.stream)
        socket.active.add(op_id)
        req, what = "GQL-SUB-01", f"operation {op_id} delivers Next messages with its id"
        with self.check.scope(req, what):
            next_message = self.expect_settled(
                client.session, protocol.of_operation(op_id, protocol.NEXT), f"a Next of {op_id}"
            )
        self.check.passed(req, what)
        checks.well_formed(self.check, "GQL-ENV-05", next_message)

    @precondition(lambda self: self.model.streaming())
    @rule(pick=PICK)
    @at_most(1)
    def subscribe_with_an_active_id(self, pick: int) -> None:
        socket = kit.pick(self.model.streaming(), pick)
        client = self.clients[socket]
        client.subscribe(self.stream, sorted(socket.active)[0])
        what = "a Subscribe with an active operation's id"
        self._closes("GQL-ENV-04", client, protocol.SUBSCRIBER_EXISTS, what)
        self._retire(socket)

    @precondition(lambda self: self.model.streaming())
    @rule(pick=PICK, again=st.booleans())
    def complete(self, pick: int, again: bool) -> None:
        """The client completes an operation; `again`: then subscribes with its id once more,
        which is free again (GQL-SUB-05)."""
        socket = kit.pick(self.model.streaming(), pick)
        client, op_id = self.clients[socket], sorted(socket.active)[0]
        client.complete(op_id)  # synced: what the server sent before it read it was in flight
        client.session.take(protocol.of_operation(op_id))
        socket.active.discard(op_id)
        if not again:
            self.env.target.settle(client.session)
            late = client.session.take(protocol.of_operation(op_id, protocol.NEXT))
            what = f"no Next of {op_id} after its Complete"
            if not self.check.true(
                "GQL-SUB-02", not late, what, expected="none", actual=late[0].data if late else None
            ):
                self._retire(socket)  # a SHOULD missed (WARN): what the server holds is unknown
            return
        client.subscribe(self.stream, op_id)
        socket.active.add(op_id)
        what = f"the completed id {op_id} streams again"
        with self.check.scope("GQL-SUB-05", what):
            self.expect_settled(
                client.session, protocol.of_operation(op_id, protocol.NEXT), f"a Next of {op_id}"
            )
        self.check.passed("GQL-SUB-05", what)

    @precondition(lambda self: self.model.expiry_ahead(self.now()) is not None)
    @rule()
    @at_most(1)
    def let_a_token_expire(self) -> None:
        """Time passes beyond an acknowledged socket's short-lived token's exp."""
        instant = self.model.expiry_ahead(self.now())
        assert instant is not None
        for socket in self.model.fresh(self.now()):
            self._retire(socket)  # past the server's ConnectionInit wait: closed 4408
        self.let_time_pass(instant)
        for socket in self.model.expired(self.now()):
            client = self.clients[socket]
            client.sync()
            with contextlib.suppress(PeerClosed):  # a close at expiry is what is recorded
                self.env.target.settle(client.session)
            streamed = len(client.session.pending(protocol.of_type(protocol.NEXT)))
            observed = (
                checks.outcome(client, None)
                if client.session.closed
                else f"the socket stays open; {streamed} Next messages pending"
            )
            self.check.info("GQL-EXP-01", f"at the token's expiry: {observed}")
            self._retire(socket)  # PROTOCOL.md is silent: the model knows nothing more of it

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def sockets_left_without_connection_init_go(self) -> None:
        """The server's wait for a ConnectionInit runs out on them (GQL-ENV-01, judged by its own
        test). A late Next is judged where it can be known for certain, after a settle (the
        mock publishes on its own schedule too: an invariant would see it by chance)."""
        for socket in self.model.idle(self.now()):
            self._retire(socket)


@pytest.mark.req(*model.JUDGED)
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    pool = TokenPool.of(lifecycle_env.tokens, lifecycle_env.target.clock)
    run_lifecycle(lifecycle_env, lambda: GraphqlWsLifecycle(lifecycle_env, pool))
