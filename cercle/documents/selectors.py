"""Reads of libraries, always for a viewer, through ``cercle.access.documents``.

A selector answers ``None`` both for what does not exist and for what the
viewer may not read: the caller cannot tell them apart (``access.found``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from cercle.access.base import Viewer
from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.access.documents import DocumentAction, DocumentPolicy, FolderPolicy
from cercle.communities.models import Community
from cercle.core.urls import fast_reverse
from cercle.documents.models import Document, DocumentPage, DocumentUse, DocumentVersion, Folder


class Sort(StrEnum):
    NAME = "name"
    RECENT = "recent"


def document_get(*, viewer: Viewer, document_id: int) -> Document | None:
    """The document with what its page shows at once (community, folder, current version)."""
    return (
        DocumentPolicy.visible(viewer, Document.objects.all())
        .select_related(
            "community", "folder", "current", "created_by", "updated_by", "editing_by", "post"
        )
        .filter(pk=document_id)
        .first()
    )


def folder_get(*, viewer: Viewer, folder_id: int) -> Folder | None:
    return (
        FolderPolicy.visible(viewer, Folder.objects.all())
        .select_related("community", "parent")
        .filter(pk=folder_id)
        .first()
    )


def folder_path(folder: Folder | None) -> list[Folder]:
    """The folders from the top of the library down to ``folder`` (the breadcrumbs)."""
    path: list[Folder] = []
    while folder is not None:
        path.append(folder)
        folder = folder.parent
    return path[::-1]


def folders_in(*, viewer: Viewer, community: Community, parent: Folder | None) -> list[Folder]:
    if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
        return []
    return list(Folder.objects.filter(community=community, parent=parent).order_by("name", "id"))


def all_folders(*, viewer: Viewer, community: Community) -> list[tuple[Folder, int]]:
    """Every folder of the library with its depth, in tree order (a "move to" list)."""
    if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
        return []
    children: dict[int | None, list[Folder]] = {}
    for folder in Folder.objects.filter(community=community).order_by("name", "id"):
        children.setdefault(folder.parent_id, []).append(folder)
    ordered: list[tuple[Folder, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for folder in children.get(parent, []):
            ordered.append((folder, depth))
            walk(folder.pk, depth + 1)

    walk(None, 0)
    return ordered


def documents_in(
    *,
    viewer: Viewer,
    community: Community,
    folder: Folder | None,
    sort: Sort = Sort.NAME,
) -> QuerySet[Document]:
    """The documents of one folder (``None``: the top of the library).

    Finding a document by a word of its name or its text is the search's
    job (the library's search box narrows the search to the community).
    """
    documents = DocumentPolicy.visible(
        viewer, Document.objects.filter(community=community, folder=folder)
    )
    order = ["title", "id"] if sort == Sort.NAME else ["-updated_at", "-id"]
    return documents.order_by(*order)


def library_page(
    *,
    viewer: Viewer,
    community: Community,
    folder: Folder | None,
    sort: Sort = Sort.NAME,
    number: int | str | None = 1,
    per_page: int = 50,
) -> Page[LibraryRow]:
    """One page of a folder's documents, as rows (``LibraryRow``)."""
    documents = documents_in(viewer=viewer, community=community, folder=folder, sort=sort)
    return rows_page(documents, number=number, per_page=per_page)


def rows_page(
    documents: QuerySet[Document], *, number: int | str | None, per_page: int
) -> Page[LibraryRow]:
    """One page of ``documents`` as ``LibraryRow``s."""
    rows: Page[Any] = Paginator(library_rows(documents), per_page).get_page(number)
    rows.object_list = as_library_rows(rows.object_list, now=timezone.now())
    return rows


_NAME = ("display_name", "first_name", "last_name", "email")


def _name(display: str | None, first: str | None, last: str | None, email: str | None) -> str:
    """``User.name`` from its columns ("" for nobody)."""
    return display or f"{first or ''} {last or ''}".strip() or (email or "")


@dataclass(frozen=True, slots=True)
class LibraryRow:
    """One document of a library page, read as a row (a page lists fifty)."""

    id: int
    title: str
    reference: str
    version_count: int
    kind: str  # the current version's: image, pdf, office, text ("" without one)
    extension: str
    size: int
    updated_at: datetime
    updated_by: str
    editor: str  # "being edited by", while it lasts (see services.EDITING_FOR)
    community: str
    community_slug: str

    @property
    def url(self) -> str:
        return fast_reverse("documents:detail", self.id)


def references(
    *, viewer: Viewer, community: Community | None = None, kind: str = ""
) -> QuerySet[Document]:
    """Reference material ("Modèle", "Référence"): of ``community``, or of every community
    the viewer belongs to — a region's tender kit, wherever each piece was filed."""
    documents = DocumentPolicy.visible(viewer, Document.objects.exclude(reference=""))
    if community is not None:
        documents = documents.filter(community=community)
    else:
        documents = documents.filter(
            community__in=CommunityPolicy.joined(viewer, Community.objects.all())
        )
    if kind:
        documents = documents.filter(reference=kind)
    return documents.order_by("community__name", "title", "id")


def library_rows(documents: QuerySet[Document]) -> QuerySet[Document, tuple[Any, ...]]:
    """``documents`` as the columns of ``LibraryRow`` (no model instance: 50 rows a page
    built as documents, versions and people were most of the page's time)."""
    return documents.values_list(
        "id",
        "title",
        "reference",
        "version_count",
        "current__kind",
        "current__name",
        "current__size",
        "updated_at",
        *(f"updated_by__{c}" for c in _NAME),
        *(f"editing_by__{c}" for c in _NAME),
        "editing_since",
        "community__name",
        "community__slug",
    )


def as_library_rows(rows: Iterable[tuple[Any, ...]], *, now: datetime) -> list[LibraryRow]:
    from cercle.documents.services import EDITING_FOR

    fresh = now - EDITING_FOR
    found = []
    for row in rows:
        (pk, title, reference, count, kind, name, size, updated_at) = row[:8]
        editing_since, community_name, community_slug = row[16:19]
        extension = name.rsplit(".", 1)[-1].lower() if name and "." in name else ""
        found.append(
            LibraryRow(
                id=pk,
                title=title,
                reference=reference,
                version_count=count,
                kind=kind or "",
                extension=extension,
                size=size or 0,
                updated_at=updated_at,
                updated_by=_name(*row[8:12]),
                editor=_name(*row[12:16]) if editing_since and editing_since >= fresh else "",
                community=community_name,
                community_slug=community_slug,
            )
        )
    return found


def versions(*, viewer: Viewer, document: Document) -> list[DocumentVersion]:
    """Every version, newest first, with who uploaded it."""
    if not DocumentPolicy.can(viewer, DocumentAction.VIEW, document):
        return []
    return list(
        document.versions.select_related("uploaded_by", "restored_from").order_by("-number")
    )


def version_get(*, viewer: Viewer, document_id: int, number: int) -> DocumentVersion | None:
    return (
        DocumentVersion.objects.filter(
            Q(document_id=document_id, number=number),
            document__in=DocumentPolicy.visible(viewer, Document.objects.all()),
        )
        .select_related("document")
        .first()
    )


def pages(
    *, viewer: Viewer, document: Document, version: DocumentVersion | None
) -> list[DocumentPage]:
    """The pages of ``version`` (one of ``document``'s), text and pictures, in order."""
    if version is None or version.document_id != document.pk:
        return []
    if not DocumentPolicy.can(viewer, DocumentAction.VIEW, document):
        return []
    return list(DocumentPage.objects.filter(version=version).order_by("number"))


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One line of a document's history, read as a row (a document may have hundreds)."""

    id: int
    document_id: int
    number: int
    kind: str
    size: int
    note: str
    created_at: datetime
    uploader_id: int | None
    uploader: str
    restored_from: int | None

    @property
    def url(self) -> str:
        return fast_reverse("documents:download", self.document_id, self.number)

    @property
    def uploader_url(self) -> str:
        return fast_reverse("accounts:profile", self.uploader_id) if self.uploader_id else ""


def version_rows(*, viewer: Viewer, document: Document) -> list[VersionRow]:
    """The history of ``document``, newest first."""
    if not DocumentPolicy.can(viewer, DocumentAction.VIEW, document):
        return []
    rows = (
        DocumentVersion.objects.filter(document=document)
        .order_by("-number")
        .values_list(
            "id",
            "number",
            "kind",
            "size",
            "note",
            "created_at",
            "uploaded_by_id",
            *(f"uploaded_by__{c}" for c in _NAME),
            "restored_from__number",
        )
    )
    return [
        VersionRow(
            id=pk,
            document_id=document.pk,
            number=number,
            kind=kind,
            size=size,
            note=note,
            created_at=created_at,
            uploader_id=uploader_id,
            uploader=_name(display, first, last, email) if uploader_id else "",
            restored_from=restored,
        )
        for (
            pk, number, kind, size, note, created_at, uploader_id, display, first, last, email,
            restored,
        ) in rows
    ]  # fmt: skip


def page_get(*, viewer: Viewer, page_id: int) -> DocumentPage | None:
    """A page picture's row, if the viewer reads its document (any version)."""
    return (
        DocumentPage.objects.filter(
            pk=page_id,
            version__document__in=DocumentPolicy.visible(viewer, Document.objects.all()),
        )
        .select_related("version")
        .first()
    )


@dataclass(frozen=True, slots=True)
class LibrarySummary:
    documents: int
    folders: int


def summary(*, viewer: Viewer, community: Community) -> LibrarySummary:
    if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
        return LibrarySummary(0, 0)
    return LibrarySummary(
        documents=Document.objects.filter(community=community).count(),
        folders=Folder.objects.filter(community=community).count(),
    )


# --- Where a document was used ----------------------------------------------------------

MAX_USES_SHOWN = 20


@dataclass(frozen=True, slots=True)
class UseRow:
    """A post or comment linking to a document, as its page lists it."""

    url: str
    author: str | None
    author_url: str | None
    community: str | None
    created_at: datetime
    in_comment: bool


def uses(*, viewer: Viewer, document: Document) -> list[UseRow]:
    """The latest posts and comments linking to ``document`` that ``viewer`` may read."""
    from cercle.access.posts import post_q

    # Most documents were never linked: a cheap look first (the full query, with
    # the posts' visibility, took 3 ms to plan and compile for nothing).
    if not DocumentUse.objects.filter(document=document).exists():
        return []
    rows = (
        DocumentUse.objects.filter(document=document)
        .filter(post_q(viewer, "post__"))
        .order_by("-created_at", "-id")
        .values_list(
            "post_id",
            "comment_id",
            "post__author_id",
            "post__author__display_name",
            "post__author__first_name",
            "post__author__last_name",
            "comment__author_id",
            "comment__author__display_name",
            "comment__author__first_name",
            "comment__author__last_name",
            "post__community__name",
            "created_at",
        )[:MAX_USES_SHOWN]
    )
    found = []
    for (
        post_id,
        comment_id,
        *post_author,
        comment_author_id,
        c_display,
        c_first,
        c_last,
        community,
        at,
    ) in rows:
        if comment_id is not None:
            author_id, display, first, last = comment_author_id, c_display, c_first, c_last
            url = fast_reverse("posts:detail", post_id) + f"#comment-{comment_id}"
        else:
            author_id, display, first, last = post_author
            url = fast_reverse("posts:detail", post_id)
        found.append(
            UseRow(
                url=url,
                author=(display or f"{first} {last}".strip()) if author_id else None,
                author_url=fast_reverse("accounts:profile", author_id) if author_id else None,
                community=community,
                created_at=at,
                in_comment=comment_id is not None,
            )
        )
    return found


PICK_SIZE = 8


def pickable(*, viewer: Viewer, query: str = "") -> list[tuple[int, str, int, str, str]]:
    """Documents to link from a post or comment: ``(id, title, version, kind, name)``.

    Those whose title has ``query`` (all words, any case), among the documents
    the viewer may read, most recently changed first.
    """
    documents = DocumentPolicy.visible(viewer, Document.objects.all())
    for word in query.split()[:5]:
        documents = documents.filter(title__icontains=word)
    return list(
        documents.order_by("-updated_at", "-id").values_list(
            "id", "title", "version_count", "current__kind", "current__name"
        )[:PICK_SIZE]
    )
