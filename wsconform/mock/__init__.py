"""Reference mocks: a small core (server, clock, issuer, pump, defects), a module per vendor."""
