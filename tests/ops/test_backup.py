"""``cercle backup`` and ``cercle restore``: the database and the files, there and back.

Run on the suite's database engine (SQLite, and PostgreSQL in CI's second run):
``pg_dump`` / ``pg_restore`` or SQLite's backup API, on the real test database.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cercle.accounts.models import User
from cercle.ops.backup import BackupError, backup, restore, stored_files
from cercle.posts import services as posts
from cercle.posts.models import Post
from tests.conftest import make_image

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _publish(client: Client) -> Post:
    image = SimpleUploadedFile("plan.png", make_image(), content_type="image/png")
    pdf = SimpleUploadedFile("mémoire.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("posts:create"), {"body": "Le dossier Alstom", "attachments": [image, pdf]}
    )
    assert response.status_code == 302
    return Post.objects.get(body="Le dossier Alstom")


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return bytes(handle.read())


def test_a_backup_restores_the_database_and_the_files(
    logged_client: Client, user: User, tmp_path: Path
) -> None:
    post = _publish(logged_client)
    names = sorted(stored_files())
    assert len(names) >= 2  # the PDF, the image and its thumbnail
    contents = {name: _read(name) for name in names}
    archive = tmp_path / "cercle.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    # After the backup: the post is deleted with its files, and another one is written.
    for name in names:
        default_storage.delete(name)
    Post.objects.filter(pk=post.pk).delete()
    posts.post_create(author=user, body="Écrit après la sauvegarde")

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert f"{len(names)} fichiers" in out.getvalue()  # in French, the site's language
    restored = Post.objects.get(pk=post.pk)
    assert restored.body == "Le dossier Alstom"
    assert restored.attachments.count() == 2
    assert not Post.objects.filter(body="Écrit après la sauvegarde").exists()
    assert {name: _read(name) for name in names} == contents
    # The site works on the restored database: its search index came back too.
    found = logged_client.get(reverse("search:search"), {"q": "Alstom"})
    assert found.status_code == 200
    assert reverse("posts:detail", args=[post.pk]) in found.content.decode()


def test_an_archive_holds_a_manifest_the_database_and_the_files(
    logged_client: Client, tmp_path: Path
) -> None:
    _publish(logged_client)
    summary = backup(tmp_path / "b.tar.gz")
    with tarfile.open(summary.path) as archive:
        names = archive.getnames()
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["files"] == summary.files == len([n for n in names if n.startswith("files/")])
    assert manifest["database"] in names
    assert ["posts", "0001_initial"] in manifest["migrations"]


def _archive(tmp_path: Path, manifest: dict[str, Any] | None) -> Path:
    path = tmp_path / "odd.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        if manifest is not None:
            raw = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    return path


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_bad_archives_are_refused_with_a_clear_message_and_nothing_changes(
    user: User, tmp_path: Path, english: None
) -> None:
    posts.post_create(author=user, body="Toujours là")
    not_a_tar = tmp_path / "notes.tar.gz"
    not_a_tar.write_bytes(b"hello")
    with pytest.raises(BackupError, match="not a readable backup"):
        restore(not_a_tar)
    with translation.override("fr"), pytest.raises(BackupError, match="pas une archive"):
        restore(not_a_tar)
    with pytest.raises(BackupError, match="no manifest"):
        restore(_archive(tmp_path, None))
    newer = backup(tmp_path / "real.tar.gz")
    with tarfile.open(newer.path) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
    manifest["migrations"].append(["posts", "9999_from_the_future"])
    with pytest.raises(BackupError, match="newer version of Cercle"):
        restore(_archive(tmp_path, manifest))
    with pytest.raises(BackupError, match="same database engine"):
        restore(_archive(tmp_path, {**manifest, "engine": "oracle"}))
    with pytest.raises(BackupError, match="No backup at"):
        restore(tmp_path / "missing.tar.gz")
    assert Post.objects.filter(body="Toujours là").exists()


def test_restore_asks_first_and_a_no_changes_nothing(
    user: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = backup(tmp_path / "b.tar.gz").path
    posts.post_create(author=user, body="Après")
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="Rien n'a été modifié"):
        call_command("restore", str(archive))
    assert Post.objects.filter(body="Après").exists()
