"""Files in an S3 bucket (scaled mode), against a real S3 API server: moto's, started here.

Uploads land in the bucket; downloads still go through Cercle and its access
rules, with the same headers as on disk; nothing is ever a URL of the bucket.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from moto.server import ThreadedMotoServer

from cercle.accounts import services as accounts
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts.models import Post
from tests.conftest import make_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "eu-west-3"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def bucket() -> Iterator[dict[str, Any]]:
    """A moto S3 server on a loopback port, a private bucket, and STORAGES pointing at it."""
    port = _free_port()
    name = f"cercle-files-{uuid.uuid4().hex[:12]}"  # moto keeps its buckets per process
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="eu-west-3",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    storages = {
        "default": {
            "BACKEND": "cercle.core.storage.BucketStorage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": endpoint,
                **KEYS,
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": False,
                "client_config": Config(
                    connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}
                ),
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        with override_settings(STORAGES=storages):
            yield {"client": client, "server": server, "name": name}
    finally:
        server.stop()


def _keys(bucket: dict[str, Any]) -> list[str]:
    listed = bucket["client"].list_objects_v2(Bucket=bucket["name"])
    return sorted(o["Key"] for o in listed.get("Contents", []))


def test_attachments_go_to_the_bucket_and_come_back_through_the_access_rules(
    bucket: dict[str, Any], logged_client: Client, user: Any, other: Any
) -> None:
    team = communities.community_create(actor=user, name="Offres", kind=CommunityKind.PRIVATE)
    image = SimpleUploadedFile("plan.png", make_image(), content_type="image/png")
    pdf = SimpleUploadedFile("mémoire.pdf", PDF, content_type="application/pdf")
    response = logged_client.post(
        reverse("posts:create"),
        {"body": "Le dossier", "community": team.slug, "attachments": [image, pdf]},
    )
    assert response.status_code == 302
    post = Post.objects.get()
    files = {a.kind: a for a in post.attachments.all()}
    stored = _keys(bucket)
    assert files["pdf"].file.name in stored and files["image"].thumbnail.name in stored
    assert all(key.startswith("attachments/") for key in stored)

    download = logged_client.get(files["pdf"].get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"
    thumb = logged_client.get(reverse("posts:thumbnail", args=[files["image"].pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/webp"
    assert b"".join(thumb.streaming_content)[:4] == b"RIFF"

    outsider = Client()
    outsider.force_login(UserFactory())
    assert outsider.get(files["pdf"].get_absolute_url()).status_code == 404
    page = logged_client.get(post.get_absolute_url()).content.decode()
    assert "127.0.0.1:" not in page and "amazonaws" not in page  # never a bucket URL


def test_photos_are_in_the_bucket_and_served_to_colleagues_only(
    bucket: dict[str, Any], logged_client: Client, client: Client, user: Any
) -> None:
    accounts.profile_update(actor=user, user=user, data={}, photo=make_image("JPEG"))
    user.refresh_from_db()
    assert user.photo.name in _keys(bucket)
    assert user.photo.url == f"/media/{user.photo.name}"
    served = logged_client.get(user.photo.url)
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    assert b"".join(served.streaming_content)[:4] == b"RIFF"
    assert client.get(user.photo.url).status_code == 302  # signed-out: to the sign-in page
    assert logged_client.get("/media/photos/nobody.webp").status_code == 404


def test_a_file_missing_from_the_bucket_is_a_404_not_an_error(
    bucket: dict[str, Any], logged_client: Client, user: Any
) -> None:
    pdf = SimpleUploadedFile("cr.pdf", PDF, content_type="application/pdf")
    logged_client.post(reverse("posts:create"), {"body": "CR", "attachments": [pdf]})
    attachment = Post.objects.get().attachments.get()
    bucket["client"].delete_object(Bucket=bucket["name"], Key=attachment.file.name)
    assert logged_client.get(attachment.get_absolute_url()).status_code == 404


def test_readiness_follows_the_bucket(bucket: dict[str, Any], client: Client, settings) -> None:
    settings.REDIS_URL = ""
    assert client.get("/readyz").json()["checks"]["storage"]["ok"] is True
    assert _keys(bucket) == []  # the probe cleans up after itself
    bucket["server"].stop()
    down = client.get("/readyz")
    assert down.status_code == 503 and down.json()["checks"]["storage"]["ok"] is False
