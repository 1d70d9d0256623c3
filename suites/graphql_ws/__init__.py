"""The graphql-ws suite (GraphQL over WebSocket, graphql-transport-ws)."""
