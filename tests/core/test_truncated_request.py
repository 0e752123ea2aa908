"""A request whose client leaves before its body has arrived changes nothing (cercle.asgi).

Through a real ASGI server: a post is sent with ``Content-Length: 200`` but
only its first bytes, then the connection closes.  The server then says
"disconnected"; read as an end of body, the first bytes would make a valid
(truncated) form, and a post would be published that nobody sent.
"""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from cercle.posts.models import Post
from tests.asgi import asgi_server
from tests.realtime.conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_body_cut_short_by_the_client_publishes_nothing(user: Any) -> None:
    with asgi_server(threads=1) as server:
        sock = socket.create_connection(("127.0.0.1", server.port))
        head = (
            "POST /api/v1/posts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {bearer(user)}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n"
        )
        sock.sendall(head.encode() + b"body=Le+devis+est+valid")
        time.sleep(0.5)  # the server has the head and the first bytes
        sock.close()
        time.sleep(1.5)  # what the request would do, it has done
        # The server still serves (its only thread was not left waiting).
        probe = socket.create_connection(("127.0.0.1", server.port))
        probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert probe.recv(12).startswith(b"HTTP/1.1 200")
        probe.close()
    assert not Post.objects.exists()
