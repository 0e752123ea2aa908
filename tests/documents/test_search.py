"""Documents have a full-text index of their own, kept in step with their entries."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cercle.documents import services
from cercle.search import engine
from cercle.search.models import EntryKind, SearchEntry
from cercle.search.text import index_terms, parse
from tests.documents import samples

pytestmark = pytest.mark.django_db


def found(word: str) -> list[int]:
    entries = SearchEntry.objects.filter(kind=EntryKind.DOCUMENT)
    return engine.window(entries, parse(word), kind=EntryKind.DOCUMENT).ids


def test_a_document_is_found_among_many_newer_posts_and_follows_its_edits(user, team) -> None:
    document = services.document_add(
        actor=user,
        community=team,
        title="Charte qualité",
        upload=services.Upload("charte.txt", b"Engagements du fournisseur"),
    )
    entry = SearchEntry.objects.get(kind=EntryKind.DOCUMENT)
    # Newer posts about the same word than a search window reads, all after the document.
    fr, en = index_terms("qualité des soudures")
    SearchEntry.objects.bulk_create(
        SearchEntry(
            kind=EntryKind.POST,
            object_id=10_000 + i,
            created_at=timezone.now(),
            text="qualité",
            terms_fr=fr,
            terms_en=en,
        )
        for i in range(engine.candidate_count(engine.WINDOW) + 10)
    )
    assert found("qualité") == [entry.pk]

    services.document_update(actor=user, document=document, title="Charte sécurité")
    assert found("qualité") == [] and found("sécurité") == [entry.pk]
    services.document_delete(actor=user, document=document)
    assert found("sécurité") == []


def test_the_text_read_later_is_found(user, team) -> None:
    from cercle.tasks.worker import run_pending

    services.document_add(
        actor=user,
        community=team,
        upload=services.Upload("cr.docx", samples.docx("Décision : thermographie en mars")),
    )
    assert found("thermographie") == []
    run_pending()
    assert len(found("thermographie")) == 1
