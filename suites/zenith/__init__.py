"""The zenith conformance suite (a package, so its module names do not clash with other suites)."""
