"""What the ethgas-op mock publishes and answers: the ETHGas documents' own examples.

Each documented channel's data frame and each documented query's reply is the Example Response of
E-DOC docs/websocket/overview.mdx (@ 40e6e69, WS-OVERVIEW in docs/facts/ethgas.md §Sources). They
are read from the `examples` of schemas/ethgas-op/channel-data.json and query-data.json, so the mock
and the schemas cannot drift apart; the mock only stamps E with its clock. The docs show no frame
for blockBuilderUpdate or preconfBundleUpdate: theirs are channel-data.json's x-derived-examples,
whose P is the currentBlockBuilder / preconfBundles reply's P [INF].
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from wsconform.layout import SCHEMA_ROOT
from wsconform.vendors.ethgas_op.protocol import Message


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_ROOT / "ethgas-op" / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _channel_frames() -> dict[str, Message]:
    document = _schema("channel-data")
    return {frame["e"]: frame for frame in document["examples"] + document["x-derived-examples"]}


@cache
def _query_payloads() -> dict[str, Any]:
    return {reply["q"]: reply["P"] for reply in _schema("query-data")["examples"]}


def data_frame(channel: str, time_ms: int) -> Message:
    """The documented frame of `channel` (a documented channel), stamped `time_ms`."""
    return {**copy.deepcopy(_channel_frames()[channel]), "E": time_ms}


def query_payload(query_type: str) -> Any:
    """The documented P of the reply to `query_type` (a documented queryType)."""
    return copy.deepcopy(_query_payloads()[query_type])
