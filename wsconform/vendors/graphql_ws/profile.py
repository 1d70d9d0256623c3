"""The graphql-ws profile: what the command line, the plugin and the reports know of it."""

from __future__ import annotations

from wsconform.layout import SCHEMA_ROOT, SUITES_ROOT
from wsconform.profiles.base import Profile
from wsconform.vendors.graphql_ws import protocol
from wsconform.vendors.graphql_ws.mock import GraphqlWsMock

PROFILE = Profile(
    name="graphql-ws",
    title="GraphQL over WebSocket (graphql-transport-ws)",
    suite=SUITES_ROOT / "graphql_ws",
    schemas=SCHEMA_ROOT / "graphql-ws",
    mock=GraphqlWsMock,
    # Its "channels" are operations: one every schema answers once, and a streaming
    # subscription of the target's own (--private-channel).
    public_channel=protocol.SINGLE_RESULT,
    private_channel=protocol.STREAMING,
    data_on=protocol.data_frame,
    token_lifetime=protocol.TOKEN_LIFETIME,
    subprotocols=(protocol.SUBPROTOCOL,),
    features={
        "header-auth": "the token in the upgrade request's Authorization header, when the "
        "ConnectionInit payload carries none"
    },
)
