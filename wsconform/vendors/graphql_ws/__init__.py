"""The GraphQL over WebSocket profile (`graphql-transport-ws`, enisdenjo/graphql-ws PROTOCOL.md)."""
