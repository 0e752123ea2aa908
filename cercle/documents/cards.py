"""Library documents in the cards of posts (``cercle.posts.cards``).

The feed item of a document (its post) says who added or updated it, which
version, what changed, with its first page and a download; its comments and
reactions are the document's discussion.  A post that links to documents
(``cercle.documents.uses``) shows those the reader may see as files, always
at their current version.  One query per page for each, and the second only
when the page holds such links.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery

from cercle.access.base import Viewer
from cercle.access.documents import DocumentPolicy
from cercle.core.urls import fast_reverse
from cercle.documents.models import Document, DocumentPage, DocumentUse
from cercle.posts.cards import PERSON, Card, aware, card_rows, parts, person_fields
from cercle.posts.models import PostKind

TEMPLATE = "documents/_card.html"

_COLUMNS = (
    "post_id",
    "id",
    "title",
    "description",
    "reference",
    "version_count",
    "current__number",
    "current__name",
    "current__kind",
    "current__size",
    "current__note",
    "current__created_at",
    "current__restored_from__number",
    "folder__name",
)


def _documents(stand_ins: list[int]) -> Any:
    first_page = DocumentPage.objects.filter(
        version_id=OuterRef("current_id"), number=1, image__gt=""
    ).values("id")[:1]
    return (
        Document.objects.filter(post_id__in=stand_ins)
        .annotate(
            # The versions since the post last came up: "10 versions" for a burst of saves.
            recent=Count("versions", filter=Q(versions__created_at__gte=F("post__created_at"))),
            first_page=Subquery(first_page),
        )
        .order_by()
        .values_list(
            *_COLUMNS,
            "recent",
            "first_page",
            *(f"current__uploaded_by__{c}" for c in PERSON),
        )
    )


def add_documents(found: list[Card], viewer: Viewer) -> None:
    """``fields["document"]`` on documents' posts, ``fields["documents"]`` on the others."""
    _add_subjects(found)
    _add_links(found, viewer)


def _add_links(found: list[Card], viewer: Viewer) -> None:
    by_post: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for card in found:
        for part in parts(card):
            part["documents"] = []
            # A use is a link in the text: a page without one asks nothing.
            if "/documents/" in part["body_html"]:
                by_post[part["id"]].append(part)
    if not by_post:
        return
    links = card_rows(
        "document-uses",
        list(by_post),
        lambda stand_ins: (
            DocumentUse.objects.filter(post_id__in=stand_ins, comment__isnull=True)
            .order_by("id")
            .values_list("post_id", "document_id")
        ),
    )
    if not links:
        return
    visible = {
        row[0]: row
        for row in DocumentPolicy.visible(
            viewer, Document.objects.filter(pk__in={pk for _, pk in links})
        ).values_list(
            "id", "title", "current__number", "current__name", "current__kind", "current__size"
        )
    }
    for post_id, document_id in links:
        row = visible.get(document_id)
        if row is None:
            continue
        pk, title, number, name, kind, size = row
        link = {
            "id": pk,
            "title": title,
            "version": number,
            "name": name,
            "kind": kind,
            "size": size,
            "url": fast_reverse("documents:detail", pk),
            "file_url": fast_reverse("documents:download", pk, number) if number else None,
        }
        for part in by_post[post_id]:
            part["documents"].append(link)
    for card in found:
        if card.template is None and any(part["documents"] for part in parts(card)):
            card.template = TEMPLATE


def _add_subjects(found: list[Card]) -> None:
    wanted: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for card in found:
        for part in parts(card):
            if part["kind"] == PostKind.DOCUMENT:
                wanted[part["id"]].append(part)
                card.template = TEMPLATE
    if not wanted:
        return
    width = len(_COLUMNS)
    for row in card_rows("documents", list(wanted), _documents):
        (
            post_id,
            pk,
            title,
            description,
            reference,
            version_count,
            number,
            name,
            kind,
            size,
            note,
            changed_at,
            restored_from,
            folder,
        ) = row[:width]
        recent, first_page = row[width : width + 2]
        document = {
            "id": pk,
            "title": title,
            "description": description,
            "reference": reference,
            "folder": folder,
            "version": number,
            "version_count": version_count,
            "versions_since": recent,
            "restored_from": restored_from,
            "name": name,
            "kind": kind,
            "size": size,
            "note": note,
            "changed_by": person_fields(row[width + 2 :]),
            "changed_at": aware(changed_at),
            "url": fast_reverse("documents:detail", pk),
            "file_url": fast_reverse("documents:download", pk, number) if number else None,
            "preview_url": fast_reverse("documents:page_image", first_page) if first_page else None,
        }
        for part in wanted[post_id]:
            part["document"] = document
