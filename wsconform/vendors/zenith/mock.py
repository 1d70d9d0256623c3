"""Zenith reference mock: the Paritech/Plxtra ZenithJson protocol, with OAuth bearer auth.

As documented (catalogue documents AUTH, AUTHTOKEN and the rest; docs/facts/zenith.md):
the token comes in the handshake's `Authorization: Bearer` header (an invalid one is HTTP 403;
the URI and form methods are not supported) or in an Auth/AuthToken action whose AccessToken is
Base-64-decoded when it decodes; the reply's Result is `Success` or `Reject`. Trading and
OrderPad rights are never granted over plain ws://. At expiry data stops silently and the
subscriptions are remembered; a re-auth resumes what is still permitted and answers the rest
with an Error followed by a server Unsub (`Confirm: true`), one per reference.

Where the docs are silent (QueryIdentify when unauthenticated, an Unsub of nothing, a client
that offers no subprotocol) the mock takes the simplest choice, and the suite records rather
than asserts it.
"""

from __future__ import annotations

import base64
import json
import secrets
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import Request, Response, ServerConnection
from websockets.typing import Subprotocol

from wsconform.mock.http import Routes
from wsconform.mock.issuer import ALL_RIGHTS, PRIVATE_RIGHT, Identity, Rejected
from wsconform.mock.server import Connection, MockApp
from wsconform.mock.token_endpoint import token_endpoint
from wsconform.vendors.zenith import defects, presets, protocol
from wsconform.vendors.zenith.protocol import Message

ANY_TOKEN_LIFETIME = 3600.0  # accept-any-token: the session it makes lasts an hour


def zenith_rights(issuer_rights: Sequence[str], secure: bool) -> frozenset[str]:
    """The Zenith access rights a token's issuer rights grant on a connection."""
    granted: set[str] = set()
    if "public" in issuer_rights:
        granted.update(protocol.PUBLIC_ACCESS)
    if PRIVATE_RIGHT in issuer_rights:
        granted.update(protocol.PRIVATE_ACCESS)
    return frozenset(granted if secure else granted - protocol.TLS_ONLY_ACCESS)


def rights_of_scope(scope: Sequence[str]) -> tuple[str, ...]:
    """The issuer rights an OAuth scope (`Zenith/Market Zenith/Trading`, the README's --scope)
    grants: all when none is asked for, the private right only with a private access."""
    known = (*protocol.PUBLIC_ACCESS, *protocol.PRIVATE_ACCESS)
    unknown = sorted(set(scope) - set(known))
    if unknown:
        raise ValueError(f"unknown scope {', '.join(unknown)}; scopes: {' '.join(known)}")
    if not scope or set(scope) & set(protocol.PRIVATE_ACCESS):
        return ALL_RIGHTS
    return tuple(right for right in ALL_RIGHTS if right != PRIVATE_RIGHT)


@dataclass(frozen=True)
class ZenithSession:
    """One connection's authentication: who, which Zenith rights, until when, by which token."""

    subject: str
    rights: frozenset[str]
    expires_at: float
    token: str  # the access token in force, raw


class ZenithMock(MockApp):
    profile = "zenith"
    path = protocol.PATH
    HEARTBEAT = protocol.HEARTBEAT
    subprotocols: ClassVar[list[str] | None] = [protocol.SUBPROTOCOL]
    DEFECTS = defects.DEFECTS
    VARIANTS = defects.VARIANTS
    DEPARTURES = presets.DEPARTURES
    PRESETS = presets.PRESETS

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        # Handshake header auth → the session serve_connection starts with.
        self._handshake: weakref.WeakKeyDictionary[ServerConnection, tuple[Identity, str]] = (
            weakref.WeakKeyDictionary()
        )
        self.reauths_after_expiry = 0  # AuthTokens on expired sessions, for one defect

    # -- handshake -----------------------------------------------------------------------------

    def select_subprotocol(
        self, ws: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        """ZenithJson when offered; otherwise go on without one (not 400: docs are silent)."""
        if self.defect("no-subprotocol"):
            return None
        return Subprotocol(protocol.SUBPROTOCOL) if protocol.SUBPROTOCOL in offered else None

    def http_routes(self) -> Routes:
        return {("POST", protocol.TOKEN_PATH): token_endpoint(self.issuer, rights_of_scope)}

    def process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        handshake: Any = ws.protocol
        handshake.select_subprotocol = lambda offered: self.select_subprotocol(ws, offered)
        header = request.headers.get("Authorization")
        if header is None:
            if self.defect("token-in-uri-accepted"):
                for _, value in parse_qsl(urlsplit(request.path).query):
                    try:
                        self._handshake[ws] = (self.issuer.verify(value), value)
                        break
                    except Rejected:
                        continue
            return None  # unauthenticated: AuthToken may follow; a URI token is ignored
        scheme, _, token = header.partition(" ")
        token = token.strip()
        try:
            if scheme.lower() != "bearer":
                raise Rejected(f"scheme {scheme!r} is not Bearer", malformed=True)
            identity = self.issuer.verify(token)
        except Rejected:
            if self.defect("bad-header-token-upgraded"):
                return None
            return ws.respond(HTTPStatus.FORBIDDEN, "Forbidden\n")
        if not self.defect("handshake-header-ignored"):
            self._handshake[ws] = (identity, token)
        return None

    # -- connection ----------------------------------------------------------------------------

    async def serve_connection(self, conn: Connection) -> None:
        handshake = self._handshake.pop(conn.ws, None)
        if handshake is not None:
            conn.identity = self.session(conn, *handshake)
        async for raw in conn.ws:
            for message in self.handle(conn, raw):
                await conn.ws.send(json.dumps(message, separators=(",", ":")))

    def session(self, conn: Connection, identity: Identity, token: str) -> ZenithSession:
        secure = conn.secure or self.defect("trading-over-plain-ws")
        rights = zenith_rights(identity.rights, secure)
        return ZenithSession(identity.subject, rights, identity.expires_at, token)

    def expired(self, conn: Connection) -> bool:
        session = conn.identity
        return session is not None and self.clock.now() >= session.expires_at

    def permitted(self, conn: Connection, controller: str, *, for_data: bool = False) -> bool:
        """Whether the connection holds the controller's right now (authenticated, not expired)."""
        if self.defect("sub-without-right-accepted"):
            return True
        session: ZenithSession | None = conn.identity
        if session is None:
            return False
        if self.expired(conn) and not (for_data and self.defect("data-after-expiry")):
            return False
        return protocol.CONTROLLER_RIGHTS[controller] in session.rights

    def forget_if_expired(self, conn: Connection) -> None:
        if self.defect("subscriptions-forgotten-at-expiry") and self.expired(conn):
            conn.subscriptions.clear()

    async def clock_advanced(self) -> None:
        for conn in list(self.connections):
            self.forget_if_expired(conn)

    # -- requests ------------------------------------------------------------------------------

    def handle(self, conn: Connection, raw: str | bytes) -> list[Message]:
        """Every frame one client frame causes, in order. Errors never close the connection."""
        self.forget_if_expired(conn)
        try:
            request = json.loads(raw) if isinstance(raw, str) else None
        except (ValueError, RecursionError):  # too deep to parse is not JSON
            request = None
        if not isinstance(request, dict):
            return [self.error(None, None, None, protocol.DESERIALISE)]
        controller = protocol.controller_of(request)
        topic = request.get("Topic")
        action = protocol.action_of(request)
        tid = request.get("TransactionID")
        confirm = request.get("Confirm") is True
        if (
            not isinstance(controller, str)
            or not isinstance(action, str)
            or (tid is not None and not protocol.is_transaction_id(tid))
        ):
            named = controller if isinstance(controller, str) else None
            return [
                self.error(
                    named, topic if isinstance(topic, str) else None, tid, protocol.DESERIALISE
                )
            ]
        if not isinstance(topic, str) or not topic:
            return [self.error(controller, None, tid, protocol.UNKNOWN_OPERATION)]
        if controller == protocol.AUTH:
            return self.handle_auth(conn, topic, action, tid, confirm, request.get("Data"))
        if controller not in protocol.CONTROLLER_RIGHTS:
            refused = [self.error(controller, topic, tid, protocol.UNKNOWN_CONTROLLER)]
            if action == protocol.SUB and confirm and not self.defect("no-sub-confirm"):
                refused.append(self.frame(controller, topic, protocol.SUB, tid))
            return refused
        if action == protocol.SUB:
            return self.sub(conn, controller, topic, tid, confirm)
        if action == protocol.UNSUB:
            return self.unsub(conn, controller, topic, tid, confirm)
        return [self.error(controller, topic, tid, protocol.UNKNOWN_OPERATION)]

    def handle_auth(
        self, conn: Connection, topic: str, action: str, tid: int | None, confirm: bool, data: Any
    ) -> list[Message]:
        if action == protocol.PUBLISH and topic == protocol.AUTH_TOKEN:
            return self.auth_token(conn, tid, data)
        if action == protocol.PUBLISH and topic == protocol.QUERY_IDENTIFY:
            identity = self.identify_data(conn)
            return [self.frame(protocol.AUTH, topic, None, tid, data=identity)]
        if topic == protocol.IDENTIFY and action == protocol.SUB:
            key = protocol.IDENTIFY_CHANNEL
            conn.subscriptions[key] = conn.subscriptions.get(key, 0) + 1
            out = []
            if confirm and not self.defect("no-sub-confirm"):
                out.append(self.frame(protocol.AUTH, topic, protocol.SUB, tid, confirm=True))
            return out + self.identify_push(conn)
        if topic == protocol.IDENTIFY and action == protocol.UNSUB:
            return self.unsub(conn, protocol.AUTH, topic, tid, confirm)
        return [self.error(protocol.AUTH, topic, tid, protocol.UNKNOWN_OPERATION)]

    def auth_token(self, conn: Connection, tid: int | None, data: Any) -> list[Message]:
        reply_topic = self.variant("auth-reply-topic")
        try:
            if self.expired(conn):
                self.reauths_after_expiry += 1
                rare = self.reauths_after_expiry % 1000 == 1
                if self.defect("reauth-after-expiry-refused") or (
                    rare and self.defect("reauth-refused-one-in-1000")
                ):
                    raise Rejected("this connection's session expired", malformed=False)
            identity, token = self.verify_auth_token(data)
        except Rejected:
            return [self.frame(protocol.AUTH, reply_topic, None, tid, data=self.reject_data())]
        before: ZenithSession | None = conn.identity
        session = self.session(conn, identity, token)
        if before is not None and self.defect("reauth-does-not-extend"):
            session = ZenithSession(session.subject, session.rights, before.expires_at, token)
        conn.identity = session
        if self.defect("auth-shared-across-connections"):
            for other in self.connections:
                if other is not conn:
                    other.identity = self.session(other, identity, token)
        drop_all = before is not None and self.defect("reauth-drops-all-subscriptions")
        out = [self.frame(protocol.AUTH, reply_topic, None, tid, data=self.success_data(session))]
        return out + self.revoke(conn, everything=drop_all) + self.identify_push(conn)

    def verify_auth_token(self, data: Any) -> tuple[Identity, str]:
        """The identity an AuthToken's Data proves, and the token in force; or Rejected."""
        if not isinstance(data, dict) or data.get("Provider") != protocol.PROVIDER:
            raise Rejected("Data must carry Provider Bearer", malformed=True)
        value = data.get("AccessToken")
        if not isinstance(value, str):
            raise Rejected("AccessToken must be a string", malformed=True)
        if self.defect("accept-any-token"):
            expires_at = self.clock.now() + ANY_TOKEN_LIFETIME
            return Identity("anyone", ALL_RIGHTS, expires_at), value
        token = value
        if not self.defect("no-base64-decoding"):
            try:  # the docs' rule: Base-64 that decodes is the token's bytes; otherwise raw ASCII
                decoded = base64.b64decode(value, validate=True)
            except ValueError:  # binascii.Error, or non-ASCII text: not Base-64, so raw
                pass
            else:
                try:
                    token = decoded.decode("utf-8")
                except UnicodeDecodeError:
                    raise Rejected("decoded AccessToken is not text", malformed=True) from None
        return self.verify(token), token

    def revoke(self, conn: Connection, *, everything: bool) -> list[Message]:
        """Error then server Unsub (one pair per reference) for each subscription now refused."""
        out: list[Message] = []
        for key, refs in list(conn.subscriptions.items()):
            controller, topic = protocol.split_channel(key)
            if controller == protocol.AUTH or (not everything and self.permitted(conn, controller)):
                continue
            del conn.subscriptions[key]
            for _ in range(refs):
                error = self.error(controller, topic, None, self.authority_code())
                confirmed = not self.defect("server-unsub-unconfirmed")
                unsub = self.frame(controller, topic, protocol.UNSUB, None, confirm=confirmed)
                if self.defect("no-unsub-after-reauth"):
                    out.append(error)
                elif self.defect("unsub-before-error"):
                    out += [unsub, error]
                else:
                    out += [error, unsub]
        return out

    def sub(
        self, conn: Connection, controller: str, topic: str, tid: int | None, confirm: bool
    ) -> list[Message]:
        key = protocol.channel_of(controller, topic)
        out: list[Message] = []
        if not self.permitted(conn, controller):
            out.append(self.error(controller, topic, tid, self.authority_code()))
            replied = not (
                self.defect("no-sub-confirm") or self.defect("refused-sub-without-reply")
            )
            if confirm and replied:
                failed = self.frame(controller, topic, protocol.SUB, tid)  # Confirm omitted
                out.append(failed)
            return out
        conn.subscriptions[key] = conn.subscriptions.get(key, 0) + 1
        if self.variant("data-before-confirm") == "yes":
            conn.seq += 1
            out.append(self.data_message(controller, topic, conn.seq))
        if confirm and not self.defect("no-sub-confirm"):
            out.append(self.frame(controller, topic, protocol.SUB, tid, confirm=True))
        return out

    def unsub(
        self, conn: Connection, controller: str, topic: str, tid: int | None, confirm: bool
    ) -> list[Message]:
        key = protocol.channel_of(controller, topic)
        refs = conn.subscriptions.get(key, 0)
        if refs > 1:
            conn.subscriptions[key] = refs - 1
        else:
            conn.subscriptions.pop(key, None)  # not subscribed: the same reply (docs silent)
        if not confirm:
            return []
        # A client-initiated Unsub is confirmed WITHOUT Confirm (Confirm: true = server-initiated).
        echoed = self.defect("unsub-reply-confirmed")
        return [self.frame(controller, topic, protocol.UNSUB, tid, confirm=echoed)]

    # -- identity ------------------------------------------------------------------------------

    def success_data(self, session: ZenithSession) -> Message:
        if self.defect("returned-access-token-unusable"):
            access = protocol.base64_text(secrets.token_bytes(32))
        else:
            access = protocol.base64_text(session.token.encode())
        if self.variant("scope-style") == "dotted":
            scope = protocol.dotted_scope(session.rights)
        else:
            scope = sorted(session.rights)
        result = {} if self.defect("success-without-result") else {"Result": protocol.SUCCESS}
        expires_in = {}
        if self.departs(presets.EXPIRES_IN):
            left = max(0.0, session.expires_at - self.clock.now())
            expires_in = {"ExpiresIn": protocol.dotnet_timespan(left)}
        return {
            **result,
            "AccessToken": access,
            "DisplayName": session.subject,
            "UserID": session.subject,
            "ExpiryDate": int(session.expires_at)
            if self.defect("expiry-date-as-number")
            else protocol.basic_iso8601(session.expires_at),
            **expires_in,
            "Scope": scope,
        }

    def reject_data(self) -> Message:
        misspelled = self.defect("reject-spelled-rejected")
        return {"Result": protocol.REJECTED if misspelled else protocol.REJECT}

    def identify_data(self, conn: Connection) -> Message:
        if conn.identity is None or self.expired(conn) or self.defect("query-identify-rejects"):
            return self.reject_data()  # docs silent: unauthenticated answers like a rejection
        return self.success_data(conn.identity)

    def identify_push(self, conn: Connection) -> list[Message]:
        """The Identify subscription's publication, when subscribed and authenticated."""
        subscribed = protocol.IDENTIFY_CHANNEL in conn.subscriptions
        if not subscribed or self.defect("identify-sub-silent"):
            return []
        if conn.identity is None or self.expired(conn):
            return []
        identity = self.success_data(conn.identity)
        return [self.frame(protocol.AUTH, protocol.IDENTIFY, None, None, data=identity)]

    # -- frames --------------------------------------------------------------------------------

    def frame(
        self,
        controller: Any,
        topic: Any,
        action: str | None,
        tid: int | None,
        *,
        confirm: bool = False,
        data: Any = None,
    ) -> Message:
        """A reply frame, its TransactionID echoed (+ 1 with transaction-id-not-echoed)."""
        if tid is not None and self.defect("transaction-id-not-echoed"):
            tid += 1
        return protocol.message(controller, topic, action, tid, confirm=confirm, data=data)

    def error(self, controller: Any, topic: Any, tid: Any, code: str) -> Message:
        if protocol.is_transaction_id(tid):
            return self.frame(controller, topic, protocol.ERROR, tid, data=code)
        return protocol.error(controller, topic, tid, code)  # not a number: echoed unchanged

    def authority_code(self) -> str:
        return "Forbidden" if self.defect("undocumented-error-code") else protocol.AUTHORITY

    def data_message(self, controller: str, topic: str, seq: int) -> Message:
        action = protocol.PUBLISH if self.defect("data-frame-with-action") else None
        return protocol.message(controller, topic, action, data=[{"O": "I", "ID": seq}])

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        self.forget_if_expired(conn)
        controller, topic = protocol.split_channel(channel)
        if channel not in conn.subscriptions or controller not in protocol.CONTROLLER_RIGHTS:
            return None  # forgotten just now, or Auth/Identify (which publishes only on auth)
        if not self.permitted(conn, controller, for_data=True):
            return None  # expired or not permitted: silence, the subscription is remembered
        return json.dumps(self.data_message(controller, topic, conn.seq + 1), separators=(",", ":"))
