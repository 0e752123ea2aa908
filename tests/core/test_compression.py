"""Pages and JSON leave compressed when the browser accepts it; files and streams do not."""

from __future__ import annotations

import gzip

import pytest

from cercle.follows import services as network
from cercle.posts import services as posts
from tests.conftest import make_image

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}


@pytest.fixture
def busy_feed(user, other):
    network.follow(follower=user, followee=other)
    for i in range(20):
        posts.post_create(
            author=other, body=f"Compte rendu {i} du chantier de **Bordeaux** #veille"
        )


def test_the_feed_page_is_compressed_and_says_so(logged_client, busy_feed) -> None:
    plain = logged_client.get("/")
    packed = logged_client.get("/", headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "Compte rendu 19 du chantier" in html
    assert len(packed.content) < len(plain.content) / 3


def test_json_is_compressed_too(logged_client, busy_feed) -> None:
    response = logged_client.get("/api/v1/feed", headers=GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(response.content)) > len(response.content)


def test_files_leave_as_they_are(logged_client, user) -> None:
    post = posts.post_create(
        author=user, body="Photo", uploads=[posts.Upload("photo.png", make_image())]
    )
    attachment = post.attachments.get()
    response = logged_client.get(attachment.get_absolute_url(), headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_breach_mitigation_is_kept(logged_client, busy_feed) -> None:
    """As Django's middleware: a file name of random length in each gzip header."""
    sizes = set()
    for _ in range(6):
        packed = logged_client.get("/", headers=GZIP).content
        assert packed[3] & gzip.FNAME
        assert "Compte rendu 0 du chantier" in gzip.decompress(packed).decode()
        sizes.add(len(packed))
    assert len(sizes) > 1


def test_a_strong_etag_becomes_weak() -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from cercle.core.middleware import CompressionMiddleware

    body = b"<p>" + b"Compte rendu du chantier de Bordeaux. " * 40 + b"</p>"
    response = HttpResponse(body, headers={"ETag": '"abc"'})
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    packed = CompressionMiddleware(lambda r: response)(request)
    assert packed["ETag"] == 'W/"abc"' and packed["Content-Encoding"] == "gzip"
    assert packed["Content-Length"] == str(len(packed.content))
    assert gzip.decompress(packed.content) == body
    refused = RequestFactory().get("/", headers={"accept-encoding": "identity"})
    plain = CompressionMiddleware(lambda r: HttpResponse(body))(refused)
    assert plain.content == body and "Accept-Encoding" in plain["Vary"]
