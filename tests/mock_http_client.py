"""One HTTP request to a running mock's HTTP side (MockServer.http_url), for the tests of its
routes: the core's, the controls, and each vendor's."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from wsconform.mock.server import MockServer

TIMEOUT = 5.0  # seconds for the whole exchange with the mock on this machine


def request(
    server: MockServer, method: str, path: str, body: bytes | str = b"", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    """The answer's status, headers and body."""
    assert server.http_url is not None, "this mock serves no HTTP"
    url = urlsplit(server.http_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()
