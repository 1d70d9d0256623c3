"""wsconform: a conformance test suite for WebSocket authentication APIs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wsconform")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
