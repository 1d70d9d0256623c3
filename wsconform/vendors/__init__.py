"""The vendors wsconform ships: one folder each, with its profile, protocol, client and mock."""
