"""Zenith reference mock: the Paritech/Plxtra ZenithJson protocol, with OAuth bearer auth.

As documented (vendor-docs/zenith-authentication.md, zenith-auth-token-action.txt, facts §1):
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
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import Request, Response, ServerConnection
from websockets.typing import Subprotocol

from wsconform.mock.defects import Defect, accept_expired, pong_withheld
from wsconform.mock.issuer import ALL_RIGHTS, PRIVATE_RIGHT, Identity, Rejected
from wsconform.mock.server import Connection, MockApp
from wsconform.profiles.base import Heartbeat

SUBPROTOCOL = "ZenithJson"
DEFAULT_CONTROLLER = "Zenith"

# The issuer's rights → Zenith access rights (facts §1.4, Appendix A).
PUBLIC_ACCESS = ("Zenith/Market", "Zenith/News")
PRIVATE_ACCESS = ("Zenith/Trading", "Zenith/OrderPad")
TLS_ONLY_ACCESS = frozenset(PRIVATE_ACCESS)  # "will not give out access ... over an unsecured"
CONTROLLER_RIGHTS = {
    "Market": "Zenith/Market",
    "News": "Zenith/News",
    "Trading": "Zenith/Trading",
    "OrderPad": "Zenith/OrderPad",
}
ANY_TOKEN_LIFETIME = 3600.0  # accept-any-token: the session it makes lasts an hour

Message = dict[str, Any]


def zenith_rights(issuer_rights: Sequence[str], secure: bool) -> frozenset[str]:
    """The Zenith access rights a token's issuer rights grant on a connection."""
    granted: set[str] = set()
    if "public" in issuer_rights:
        granted.update(PUBLIC_ACCESS)
    if PRIVATE_RIGHT in issuer_rights:
        granted.update(PRIVATE_ACCESS)
    return frozenset(granted if secure else granted - TLS_ONLY_ACCESS)


def basic_iso8601(timestamp: float) -> str:
    """A UTC DateTime as the docs write it: 20120630T100230Z."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class ZenithSession:
    """One connection's authentication: who, which Zenith rights, until when, by which token."""

    subject: str
    rights: frozenset[str]
    expires_at: float
    token: str  # the access token in force, raw


class ZenithMock(MockApp):
    profile = "zenith"
    path = "/Zenith"
    # facts §1.7: a Ping every 30 s; "no data ... in 1 minute" closes with 1008.
    HEARTBEAT = Heartbeat(ping_every=30.0, close_silent_after=60.0, close_code=1008)
    subprotocols: ClassVar[list[str] | None] = [SUBPROTOCOL]
    DEFECTS: ClassVar[dict[str, Defect]] = {
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
            lifecycle=True,
        ),
        "returned-access-token-unusable": Defect(
            "the reply's AccessToken is Base-64 of random bytes", "ZEN-AUTH-08", lifecycle=True
        ),
        "accept-any-token": Defect(
            "any AccessToken authenticates, with all rights, for an hour",
            "ZEN-REJ-01",
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
    VARIANTS: ClassVar[dict[str, tuple[str, ...]]] = {
        "auth-reply-topic": ("Identify", "AuthToken"),  # the docs / what Motif requires
        "scope-style": ("dotted", "slash"),  # Paritech.Zenith.Market / Zenith/Market
        "data-before-confirm": ("no", "yes"),  # docs: data may arrive before the Sub confirm
    }

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        # Handshake header auth → the session serve_connection starts with.
        self._handshake: weakref.WeakKeyDictionary[ServerConnection, tuple[Identity, str]] = (
            weakref.WeakKeyDictionary()
        )

    # -- handshake -----------------------------------------------------------------------------

    def select_subprotocol(
        self, ws: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        """ZenithJson when offered; otherwise go on without one (not 400: docs are silent)."""
        if self.defect("no-subprotocol"):
            return None
        return Subprotocol(SUBPROTOCOL) if SUBPROTOCOL in offered else None

    def process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        protocol: Any = ws.protocol
        protocol.select_subprotocol = lambda offered: self.select_subprotocol(ws, offered)
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
        return CONTROLLER_RIGHTS[controller] in session.rights

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
            return [self.error(None, None, None, "Data.Deserialise")]
        controller = request.get("Controller", DEFAULT_CONTROLLER)
        topic = request.get("Topic")
        action = request.get("Action", "Publish")
        tid = request.get("TransactionID")
        confirm = request.get("Confirm") is True
        if (
            not isinstance(controller, str)
            or not isinstance(action, str)
            or (tid is not None and (not isinstance(tid, int) or isinstance(tid, bool)))
        ):
            named = controller if isinstance(controller, str) else None
            return [
                self.error(
                    named, topic if isinstance(topic, str) else None, tid, "Data.Deserialise"
                )
            ]
        if not isinstance(topic, str) or not topic:
            return [self.error(controller, None, tid, "Operation.Unknown")]
        if controller == "Auth":
            return self.handle_auth(conn, topic, action, tid, confirm, request.get("Data"))
        if controller not in CONTROLLER_RIGHTS:
            refused = [self.error(controller, topic, tid, "Controller")]
            if action == "Sub" and confirm and not self.defect("no-sub-confirm"):
                refused.append(self.frame(controller, topic, "Sub", tid))
            return refused
        if action == "Sub":
            return self.sub(conn, controller, topic, tid, confirm)
        if action == "Unsub":
            return self.unsub(conn, controller, topic, tid, confirm)
        return [self.error(controller, topic, tid, "Operation.Unknown")]

    def handle_auth(
        self, conn: Connection, topic: str, action: str, tid: int | None, confirm: bool, data: Any
    ) -> list[Message]:
        if action == "Publish" and topic == "AuthToken":
            return self.auth_token(conn, tid, data)
        if action == "Publish" and topic == "QueryIdentify":
            return [self.frame("Auth", "QueryIdentify", None, tid, data=self.identify_data(conn))]
        if topic == "Identify" and action == "Sub":
            conn.subscriptions["Auth/Identify"] = conn.subscriptions.get("Auth/Identify", 0) + 1
            out = []
            if confirm and not self.defect("no-sub-confirm"):
                out.append(self.frame("Auth", "Identify", "Sub", tid, confirm=True))
            return out + self.identify_push(conn)
        if topic == "Identify" and action == "Unsub":
            return self.unsub(conn, "Auth", topic, tid, confirm)
        return [self.error("Auth", topic, tid, "Operation.Unknown")]

    def auth_token(self, conn: Connection, tid: int | None, data: Any) -> list[Message]:
        reply_topic = self.variant("auth-reply-topic")
        try:
            if self.expired(conn) and self.defect("reauth-after-expiry-refused"):
                raise Rejected("this connection's session expired", malformed=False)
            identity, token = self.verify_auth_token(data)
        except Rejected:
            return [self.frame("Auth", reply_topic, None, tid, data=self.reject_data())]
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
        out = [self.frame("Auth", reply_topic, None, tid, data=self.success_data(session))]
        return out + self.revoke(conn, everything=drop_all) + self.identify_push(conn)

    def verify_auth_token(self, data: Any) -> tuple[Identity, str]:
        """The identity an AuthToken's Data proves, and the token in force; or Rejected."""
        if not isinstance(data, dict) or data.get("Provider") != "Bearer":
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
            controller, _, topic = key.partition("/")
            if controller == "Auth" or (not everything and self.permitted(conn, controller)):
                continue
            del conn.subscriptions[key]
            for _ in range(refs):
                error = self.error(controller, topic, None, self.authority_code())
                confirmed = not self.defect("server-unsub-unconfirmed")
                unsub = self.frame(controller, topic, "Unsub", None, confirm=confirmed)
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
        key = f"{controller}/{topic}"
        out: list[Message] = []
        if not self.permitted(conn, controller):
            out.append(self.error(controller, topic, tid, self.authority_code()))
            replied = not (
                self.defect("no-sub-confirm") or self.defect("refused-sub-without-reply")
            )
            if confirm and replied:
                out.append(self.frame(controller, topic, "Sub", tid))  # Confirm omitted: failed
            return out
        conn.subscriptions[key] = conn.subscriptions.get(key, 0) + 1
        if self.variant("data-before-confirm") == "yes":
            conn.seq += 1
            out.append(self.data_message(controller, topic, conn.seq))
        if confirm and not self.defect("no-sub-confirm"):
            out.append(self.frame(controller, topic, "Sub", tid, confirm=True))
        return out

    def unsub(
        self, conn: Connection, controller: str, topic: str, tid: int | None, confirm: bool
    ) -> list[Message]:
        key = f"{controller}/{topic}"
        refs = conn.subscriptions.get(key, 0)
        if refs > 1:
            conn.subscriptions[key] = refs - 1
        else:
            conn.subscriptions.pop(key, None)  # not subscribed: the same reply (docs silent)
        if not confirm:
            return []
        # A client-initiated Unsub is confirmed WITHOUT Confirm (Confirm: true = server-initiated).
        echoed = self.defect("unsub-reply-confirmed")
        return [self.frame(controller, topic, "Unsub", tid, confirm=echoed)]

    # -- identity ------------------------------------------------------------------------------

    def success_data(self, session: ZenithSession) -> Message:
        if self.defect("returned-access-token-unusable"):
            access = base64.b64encode(secrets.token_bytes(32)).decode()
        else:
            access = base64.b64encode(session.token.encode()).decode()
        if self.variant("scope-style") == "dotted":
            scope = [f"Paritech.{right.replace('/', '.')}" for right in sorted(session.rights)]
        else:
            scope = sorted(session.rights)
        result = {} if self.defect("success-without-result") else {"Result": "Success"}
        return {
            **result,
            "AccessToken": access,
            "DisplayName": session.subject,
            "UserID": session.subject,
            "ExpiryDate": int(session.expires_at)
            if self.defect("expiry-date-as-number")
            else basic_iso8601(session.expires_at),
            "Scope": scope,
        }

    def reject_data(self) -> Message:
        return {"Result": "Rejected" if self.defect("reject-spelled-rejected") else "Reject"}

    def identify_data(self, conn: Connection) -> Message:
        if conn.identity is None or self.expired(conn) or self.defect("query-identify-rejects"):
            return self.reject_data()  # docs silent: unauthenticated answers like a rejection
        return self.success_data(conn.identity)

    def identify_push(self, conn: Connection) -> list[Message]:
        """The Identify subscription's publication, when subscribed and authenticated."""
        if "Auth/Identify" not in conn.subscriptions or self.defect("identify-sub-silent"):
            return []
        if conn.identity is None or self.expired(conn):
            return []
        return [self.frame("Auth", "Identify", None, None, data=self.success_data(conn.identity))]

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
        """A frame in the docs' member order; absent members are omitted, not null."""
        message: Message = {}
        if controller is not None:
            message["Controller"] = controller
        if topic is not None:
            message["Topic"] = topic
        if action is not None:
            message["Action"] = action
        if tid is not None:
            message["TransactionID"] = tid + 1 if self.defect("transaction-id-not-echoed") else tid
        if confirm:
            message["Confirm"] = True
        if data is not None:
            message["Data"] = data
        return message

    def error(self, controller: Any, topic: Any, tid: Any, code: str) -> Message:
        echo = tid if isinstance(tid, int) and not isinstance(tid, bool) else None
        message = self.frame(controller, topic, "Error", echo, data=code)
        if tid is not None and echo is None:
            message["TransactionID"] = tid  # not a number: still echoed unchanged
        return message

    def authority_code(self) -> str:
        return "Forbidden" if self.defect("undocumented-error-code") else "Authority"

    def data_message(self, controller: str, topic: str, seq: int) -> Message:
        message: Message = {"Controller": controller, "Topic": topic}
        if self.defect("data-frame-with-action"):
            message["Action"] = "Publish"
        message["Data"] = [{"O": "I", "ID": seq}]
        return message

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        self.forget_if_expired(conn)
        controller, _, topic = channel.partition("/")
        if channel not in conn.subscriptions or controller not in CONTROLLER_RIGHTS:
            return None  # forgotten just now, or Auth/Identify (which publishes only on auth)
        if not self.permitted(conn, controller, for_data=True):
            return None  # expired or not permitted: silence, the subscription is remembered
        return json.dumps(self.data_message(controller, topic, conn.seq + 1), separators=(",", ":"))
