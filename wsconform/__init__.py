"""wsconform: a conformance test suite for WebSocket authentication APIs.

PYTEST_DONT_REWRITE: pytest marks an installed plugin's package for assertion rewriting, and
`wsconform certify` has imported this one before it starts pytest (nothing here asserts).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wsconform")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
