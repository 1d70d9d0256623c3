"""A profile's AsyncAPI 3.0 document, generated from its schemas and its requirement catalogue.

The application described is the server. Its WebSocket connection is one channel, and every
schema whose title names a direction ("(client → server)", "(server → client)") is a message of
it; schemas without one are building blocks, inlined where they are used. What a client sends,
the server receives (a `receive` operation each). Its reply is made of the server → client
messages named after the request: `<stem>-request` is answered by the schemas whose names
start with `<stem>`. Authentication is one of these operations, with its reply. Everything
else the server sends. Payloads are the schemas as the suite judges by them: JSON Schema
2020-12, refs inlined, given as multi-format schemas. Expiry and subscription replay have no
words in AsyncAPI; they are x- extensions listing the catalogue's requirements about them.

    wsconform asyncapi <profile> [--server ws://host:port/path]
"""

from __future__ import annotations

import re
from typing import Any

from wsconform import __version__
from wsconform.profiles.base import Profile
from wsconform.requirements import catalogue
from wsconform.schemas import registry

VERSION = "3.0.0"
SCHEMA_FORMAT = "application/schema+json;version=2020-12"
CLIENT_TO_SERVER, SERVER_TO_CLIENT = "client → server", "server → client"
REQUEST_SUFFIX = "-request"
EXTENSIONS = {"expiry": "x-wsconform-expiry", "subscription replay": "x-wsconform-replay"}


def direction(schema: dict[str, Any]) -> str | None:
    """client → server, server → client, or None for a building block."""
    found = re.search(r"\((client → server|server → client)\)", schema.get("title", ""))
    return found.group(1) if found else None


def _id(name: str) -> str:
    """A component key AsyncAPI accepts (^[a-zA-Z0-9.\\-_]+$) and a readable operation name."""
    return re.sub(r"[^A-Za-z0-9]+(.)", lambda m: m.group(1).upper(), name)


def document(profile: Profile, server: str | None = None) -> dict[str, Any]:
    schemas = registry(profile.schemas.parent)
    vendor = profile.schema_vendor
    sent_by: dict[str, list[str]] = {CLIENT_TO_SERVER: [], SERVER_TO_CLIENT: []}
    messages: dict[str, Any] = {}
    for name in schemas.names(vendor):
        written = schemas.document(vendor, name)
        way = direction(written)
        if way is None:
            continue
        sent_by[way].append(name)
        messages[_id(name)] = {
            "name": name,
            "title": written["title"],
            "summary": written.get("description", ""),
            "contentType": "application/json",
            "payload": {
                "schemaFormat": SCHEMA_FORMAT,
                "schema": schemas.validator(vendor, name).schema,
            },
        }
    channel = _id(profile.name)
    ref = f"#/channels/{channel}/messages/"
    operations: dict[str, Any] = {}
    answered: set[str] = set()
    for name in sent_by[CLIENT_TO_SERVER]:
        stem = name.removesuffix(REQUEST_SUFFIX)
        replies = [
            r for r in sent_by[SERVER_TO_CLIENT] if stem != name and r.startswith(f"{stem}-")
        ]
        answered.update(replies)
        operation: dict[str, Any] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": ref + _id(name)}],
        }
        if replies:
            operation["reply"] = {
                "channel": {"$ref": f"#/channels/{channel}"},
                "messages": [{"$ref": ref + _id(r)} for r in replies],
            }
        operations[_id(f"on-{name}")] = operation
    for name in sent_by[SERVER_TO_CLIENT]:
        if name not in answered:
            operations[_id(f"send-{name}")] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{channel}"},
                "messages": [{"$ref": ref + _id(name)}],
            }
    judged = catalogue(profile.name).requirements.values()
    extensions = {
        key: [
            {"id": r.id, "level": str(r.level), "title": r.title, "source": r.source}
            for r in judged
            if r.family == family
        ]
        for family, key in EXTENSIONS.items()
    }
    result: dict[str, Any] = {
        "asyncapi": VERSION,
        "info": {
            "title": profile.title,
            "version": __version__,
            "description": f"The {profile.name} WebSocket API as wsconform judges it: generated "
            "from its JSON Schemas and its requirement catalogue.",
        },
        "defaultContentType": "application/json",
        "channels": {
            channel: {
                "address": None,  # the connection itself: every message shares it
                "messages": {key: {"$ref": f"#/components/messages/{key}"} for key in messages},
            }
        },
        "operations": operations,
        "components": {"messages": messages},
        **extensions,
    }
    if server is not None:
        result["servers"] = {"target": _server(server)}
    return result


def _server(url: str) -> dict[str, str]:
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return {"host": host, "protocol": scheme, "pathname": slash + path}
