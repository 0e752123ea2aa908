"""Files of posts and comments are searched by what they say, once read in the background."""

from __future__ import annotations

import pytest

from cercle.posts import services
from cercle.posts.models import Attachment
from cercle.search import selectors
from cercle.search.models import EntryKind, SearchEntry
from cercle.tasks.worker import run_pending
from tests.documents import samples

pytestmark = pytest.mark.django_db


def found(viewer, words: str) -> list[SearchEntry]:
    return list(selectors.conversations(viewer=viewer, query=selectors.parse_query(words)))


def test_a_posts_pdf_is_found_by_its_text(user, other) -> None:
    post = services.post_create(
        author=user,
        body="Le mémoire de l'an dernier",
        uploads=[services.Upload("memoire.pdf", samples.pdf("Signalisation ferroviaire Gironde"))],
    )
    assert found(other, "signalisation") == []
    run_pending()
    attachment = Attachment.objects.get()
    assert "Signalisation ferroviaire" in attachment.text and attachment.read_at
    hits = found(other, "signalisation")
    assert [h.post_id for h in hits] == [post.pk] and hits[0].kind == EntryKind.POST
    assert run_pending() == 0  # read once


def test_a_comments_spreadsheet_is_found_with_the_comment(user, other) -> None:
    post = services.post_create(author=user, body="Qui a la grille ?")
    comment = services.comment_create(
        author=other,
        post=post,
        body="La voici",
        uploads=[
            services.Upload("grille.xlsx", samples.xlsx({"Tarifs": [["Thermographie", 980]]}))
        ],
    )
    run_pending()
    hits = found(user, "thermographie")
    assert [(h.kind, h.comment_id) for h in hits] == [(EntryKind.COMMENT, comment.pk)]


def test_an_unreadable_file_keeps_its_name_only(user) -> None:
    services.post_create(
        author=user,
        body="Contrat",
        uploads=[services.Upload("contrat.pdf", samples.pdf("secret", password="pw"))],
    )
    run_pending()
    attachment = Attachment.objects.get()
    assert attachment.text == "" and attachment.read_at is not None
    assert len(found(user, "contrat")) == 1


def test_the_upgrade_reads_the_files_stored_before(user) -> None:
    """Migration 0006 enqueues a reading of every file already there."""
    import importlib

    from django.apps import apps

    services.post_create(
        author=user,
        body="Ancien",
        uploads=[services.Upload("ancien.txt", b"Procedure de soudure TIG")],
    )
    run_pending()
    Attachment.objects.update(text="", read_at=None)  # as stored before the upgrade
    migration = importlib.import_module("cercle.posts.migrations.0006_attachment_text")
    migration.read_existing_files(apps, None)
    run_pending()
    assert "soudure TIG" in Attachment.objects.get().text
    assert len(found(user, "soudure")) == 1
