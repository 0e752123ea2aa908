"""A client that reads a download slowly never holds a request thread (cercle.asgi).

Served by a real ASGI server with ONE request thread, as on SQLite: a 20 MB
attachment is asked for by a client that then reads nothing; meanwhile
another person's page must answer at once.  With small chunks and a short
queue, the thread would wait for the stalled client (its socket's buffers
full) and every other request would queue behind it.
"""

from __future__ import annotations

import http.client
import socket
import time
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cercle.posts.models import Post
from tests.asgi import asgi_server

pytestmark = pytest.mark.django_db(transaction=True)

BIG = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024) + b"\n%%EOF\n"


def _cookie(client: Client) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_a_stalled_download_does_not_hold_the_only_request_thread(
    client_for: Any, user: Any
) -> None:
    client = client_for(user)
    pdf = SimpleUploadedFile("plan.pdf", BIG, content_type="application/pdf")
    assert (
        client.post(reverse("posts:create"), {"body": "Plan", "attachments": [pdf]}).status_code
        == 302
    )
    attachment = Post.objects.get().attachments.get()
    url = reverse("posts:attachment", args=[attachment.pk, attachment.name])
    with asgi_server(threads=1) as server:
        stalled = socket.create_connection(("127.0.0.1", server.port))
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # reads nothing
        stalled.sendall(
            f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {_cookie(client)}\r\n\r\n".encode()
        )
        assert stalled.recv(12).startswith(b"HTTP/1.1 200")
        time.sleep(1)  # the download is under way, its client silent
        start = time.monotonic()
        other = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        other.request("GET", "/login/", headers={"Host": "127.0.0.1"})
        response = other.getresponse()
        response.read()
        elapsed = time.monotonic() - start
        other.close()
        stalled.close()
    assert response.status == 200
    assert elapsed < 2, f"a page waited {elapsed:.1f} s behind a stalled download"
