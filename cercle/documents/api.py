"""Library endpoints: a community's folders and documents, versions, restores, downloads.

Reads go through ``cercle.documents.selectors`` (the library policy): a
document, folder or version the caller may not read answers 404 exactly like
a missing one.  Writes go through ``cercle.documents.services``: 403 for what
the caller reads but may not change (not a member, an archived community),
422 for a wrong request, 413 for a file over the size limit.  Files are sent
as ``multipart/form-data``; everything else is JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from cercle.access import found
from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.access.documents import DocumentPolicy, FolderAction, FolderPolicy
from cercle.accounts.models import User
from cercle.api.schema import In, Out, PathId
from cercle.communities import selectors as community_selectors
from cercle.communities.lookups import community_of
from cercle.core.http import viewer_of
from cercle.core.images import too_large
from cercle.documents import selectors, services, views
from cercle.documents.models import (
    MAX_NAME,
    MAX_NOTE,
    Document,
    DocumentVersion,
    Folder,
    ReferenceKind,
)

router = Router(tags=["documents"])

PAGE_SIZE = 50


class PersonRefOut(Out):
    id: int
    name: str


def _person(user: User | None) -> PersonRefOut | None:
    return PersonRefOut(id=user.pk, name=user.name) if user is not None else None


class VersionOut(Out):
    number: int
    name: str
    kind: str = Field(description="image, pdf, office or text: what the content is.")
    content_type: str
    size: int
    note: str
    uploaded_by: PersonRefOut | None
    created_at: datetime
    restored_from: int | None = Field(description="The version whose bytes this one carries.")
    preview: str = Field(description="pending, ready or none (see `problem`).")
    problem: str = Field(description="Why there is no preview: encrypted, corrupt, too_large…")
    page_count: int
    url: str = Field(description="The file's bytes.")

    @staticmethod
    def from_version(version: DocumentVersion) -> VersionOut:
        return VersionOut(
            number=version.number,
            name=version.name,
            kind=version.kind,
            content_type=version.content_type,
            size=version.size,
            note=version.note,
            uploaded_by=_person(version.uploaded_by),
            created_at=version.created_at,
            restored_from=version.restored_from.number if version.restored_from else None,
            preview=version.preview,
            problem=version.problem,
            page_count=version.page_count,
            url=reverse(
                "api:document_version_file",
                args=[version.document_id, version.number],
            ),
        )


class FolderOut(Out):
    id: int
    name: str
    parent_id: int | None
    url: str

    @staticmethod
    def from_folder(folder: Folder) -> FolderOut:
        return FolderOut(
            id=folder.pk,
            name=folder.name,
            parent_id=folder.parent_id,
            url=folder.get_absolute_url(),
        )


class DocumentOut(Out):
    id: int
    title: str
    description: str
    reference: str = Field(description='"", "template" or "reference".')
    community: str = Field(description="The slug of its community.")
    folder_id: int | None
    version_count: int
    current: VersionOut | None
    updated_at: datetime
    updated_by: PersonRefOut | None
    editing_by: PersonRefOut | None = Field(description='"Being edited by": a warning, no lock.')
    can_edit: bool
    can_delete: bool
    url: str

    @staticmethod
    def from_document(viewer: User, document: Document) -> DocumentOut:
        can = DocumentPolicy.permissions(viewer, document)
        current = document.current
        editor = services.editor_now(document)
        return DocumentOut(
            id=document.pk,
            title=document.title,
            description=document.description,
            reference=document.reference,
            community=document.community.slug,
            folder_id=document.folder_id,
            version_count=document.version_count,
            current=VersionOut.from_version(current) if current is not None else None,
            updated_at=document.updated_at,
            updated_by=_person(document.updated_by),
            editing_by=_person(editor),
            can_edit=can.edit,
            can_delete=can.delete,
            url=document.get_absolute_url(),
        )


class LibraryOut(Out):
    community: str
    folder: FolderOut | None
    path: list[FolderOut] = Field(description="From the top of the library down to `folder`.")
    folders: list[FolderOut]
    documents: list[DocumentOut]
    count: int = Field(description="Documents in this folder, all pages together.")
    page: int
    pages: int
    can_add: bool


class LibraryQuery(In):
    folder: int | None = Field(None, ge=1, description="A folder's id; none: the top.")
    sort: selectors.Sort = selectors.Sort.NAME
    page: int = Field(1, ge=1, le=10_000)


class DocumentForm(In):
    title: str = Field("", max_length=MAX_NAME, description="Default: the file's name.")
    description: str = Field("", max_length=2000)
    reference: ReferenceKind = ReferenceKind.NONE
    folder: int | None = Field(None, ge=1)
    note: str = Field("", max_length=MAX_NOTE)


class VersionForm(In):
    note: str = Field("", max_length=MAX_NOTE, description="What changed.")


class RestoreIn(In):
    note: str = Field("", max_length=MAX_NOTE)


class DocumentEditIn(In):
    title: str | None = Field(None, max_length=MAX_NAME)
    description: str | None = Field(None, max_length=2000)
    reference: ReferenceKind | None = None
    folder: int | None = Field(
        None, ge=0, description="A folder's id, or 0 for the top of the library; omit to stay."
    )


class FolderIn(In):
    name: str = Field(max_length=MAX_NAME)
    parent: int | None = Field(None, ge=1)


def _upload(file: UploadedFile) -> services.Upload:
    limit = settings.CERCLE_MAX_DOCUMENT_BYTES
    if file.size is not None and file.size > limit:
        raise HttpError(413, " ".join(too_large(file.size, limit).messages))
    return services.Upload(
        name=file.name or "file", data=file.read(), content_type=file.content_type or ""
    )


def _folder(viewer: User, folder_id: int | None, field: str) -> Folder | None:
    if not folder_id:
        return None
    folder = selectors.folder_get(viewer=viewer, folder_id=folder_id)
    if folder is None:
        raise ValidationError({field: [_("This folder no longer exists.")]})
    return folder


def _document(viewer: User, document_id: int) -> Document:
    return found(selectors.document_get(viewer=viewer, document_id=document_id))


def _document_out(request: HttpRequest, document_id: int) -> DocumentOut:
    viewer = viewer_of(request)
    return DocumentOut.from_document(
        viewer, found(selectors.document_get(viewer=viewer, document_id=document_id))
    )


@router.get(
    "/communities/{slug}/library",
    response=LibraryOut,
    summary="A community's library: folders and documents",
    description="One folder (or the top) at a time, 50 documents a page.",
)
def library(request: HttpRequest, slug: str, query: Query[LibraryQuery]) -> LibraryOut:
    viewer = viewer_of(request)
    community = community_of(request, slug)
    if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
        raise Http404
    folder = None
    if query.folder:
        folder = found(selectors.folder_get(viewer=viewer, folder_id=query.folder))
        if folder.community_id != community.pk:
            raise Http404
    documents = selectors.documents_in(
        viewer=viewer, community=community, folder=folder, sort=query.sort
    ).select_related("current__uploaded_by", "current__restored_from", "updated_by")
    page = Paginator(documents, PAGE_SIZE).get_page(query.page)
    can_add = (
        FolderPolicy.can(viewer, FolderAction.ADD, folder)
        if folder is not None
        else CommunityPolicy.can(viewer, CommunityAction.POST, community)
    )
    for document in page.object_list:
        document.community = community
    return LibraryOut(
        community=community.slug,
        folder=FolderOut.from_folder(folder) if folder else None,
        path=[FolderOut.from_folder(f) for f in selectors.folder_path(folder)],
        folders=[
            FolderOut.from_folder(f)
            for f in selectors.folders_in(viewer=viewer, community=community, parent=folder)
        ],
        documents=[DocumentOut.from_document(viewer, d) for d in page.object_list],
        count=page.paginator.count,
        page=page.number,
        pages=page.paginator.num_pages,
        can_add=can_add,
    )


@router.post(
    "/communities/{slug}/library/folders",
    response={201: FolderOut},
    summary="Create a folder",
)
def create_folder(request: HttpRequest, slug: str, data: FolderIn) -> Status[FolderOut]:
    viewer = viewer_of(request)
    community = community_of(request, slug)
    folder = services.folder_create(
        actor=viewer,
        community=community,
        name=data.name,
        parent=_folder(viewer, data.parent, "parent"),
    )
    return Status(201, FolderOut.from_folder(folder))


@router.delete("/folders/{folder_id}", response={204: None}, summary="Delete an empty folder")
def delete_folder(request: HttpRequest, folder_id: PathId) -> Status[None]:
    viewer = viewer_of(request)
    folder = found(selectors.folder_get(viewer=viewer, folder_id=folder_id))
    services.folder_delete(actor=viewer, folder=folder)
    return Status(204, None)


@router.post(
    "/communities/{slug}/library/documents",
    response={201: DocumentOut},
    summary="Add a document",
    description=(
        "Send `multipart/form-data` with the `file` and the fields below. Its text and "
        "page pictures are made in the background: `current.preview` is `pending` until then."
    ),
)
def add_document(
    request: HttpRequest, slug: str, data: Form[DocumentForm], file: File[UploadedFile]
) -> Status[DocumentOut]:
    viewer = viewer_of(request)
    community = community_of(request, slug)
    folder = _folder(viewer, data.folder, "folder")
    document = services.document_add(
        actor=viewer,
        community=community,
        folder=folder,
        upload=_upload(file),
        title=data.title,
        description=data.description,
        note=data.note,
        reference=data.reference,
    )
    return Status(201, _document_out(request, document.pk))


class ReferencesQuery(In):
    community: str | None = Field(None, max_length=140, description="A slug; none: all mine.")
    kind: ReferenceKind | None = None
    page: int = Field(1, ge=1, le=10_000)


class ReferencesOut(Out):
    documents: list[DocumentOut]
    count: int
    page: int
    pages: int


@router.get(
    "/documents/references",
    response=ReferencesOut,
    summary="Reference material: templates and reference documents",
    description="Of one community (`community`), or of every community you belong to.",
)
def references(request: HttpRequest, query: Query[ReferencesQuery]) -> ReferencesOut:
    viewer = viewer_of(request)
    community = None
    if query.community:  # a filter, as in search: one the caller may not read is unknown
        community = community_selectors.community_get(viewer=viewer, slug=query.community)
        if community is None or not CommunityPolicy.can(viewer, CommunityAction.READ, community):
            raise ValidationError({"community": [_("No such community.")]})
    found = selectors.references(
        viewer=viewer, community=community, kind=query.kind or ""
    ).select_related("community", "current__uploaded_by", "updated_by")
    page = Paginator(found, PAGE_SIZE).get_page(query.page)
    # One object per community: the viewer's membership is then read once for each.
    shared: dict[int, Any] = {}
    for document in page.object_list:
        document.community = shared.setdefault(document.community_id, document.community)
    return ReferencesOut(
        documents=[DocumentOut.from_document(viewer, d) for d in page.object_list],
        count=page.paginator.count,
        page=page.number,
        pages=page.paginator.num_pages,
    )


@router.get("/documents/{document_id}", response=DocumentOut, summary="A document")
def get_document(request: HttpRequest, document_id: PathId) -> DocumentOut:
    return _document_out(request, document_id)


@router.patch(
    "/documents/{document_id}",
    response=DocumentOut,
    summary="Rename, describe, mark as reference or move a document",
)
def edit_document(request: HttpRequest, document_id: PathId, data: DocumentEditIn) -> DocumentOut:
    viewer = viewer_of(request)
    document = _document(viewer, document_id)
    folder: Folder | bool | None = False
    if data.folder is not None:
        folder = _folder(viewer, data.folder, "folder")
    services.document_update(
        actor=viewer,
        document=document,
        title=data.title,
        description=data.description,
        reference=data.reference,
        folder=folder,
    )
    return _document_out(request, document_id)


@router.delete("/documents/{document_id}", response={204: None}, summary="Delete a document")
def delete_document(request: HttpRequest, document_id: PathId) -> Status[None]:
    viewer = viewer_of(request)
    document = _document(viewer, document_id)
    services.document_delete(actor=viewer, document=document)
    return Status(204, None)


@router.get(
    "/documents/{document_id}/versions",
    response=list[VersionOut],
    summary="Every version of a document, newest first",
)
def list_versions(request: HttpRequest, document_id: PathId) -> list[VersionOut]:
    viewer = viewer_of(request)
    document = _document(viewer, document_id)
    return [
        VersionOut.from_version(v) for v in selectors.versions(viewer=viewer, document=document)
    ]


@router.post(
    "/documents/{document_id}/versions",
    response={201: VersionOut},
    summary="Upload a new version",
    description="`multipart/form-data`: the `file` and a `note` saying what changed.",
)
def add_version(
    request: HttpRequest, document_id: PathId, data: Form[VersionForm], file: File[UploadedFile]
) -> Status[VersionOut]:
    viewer = viewer_of(request)
    document = _document(viewer, document_id)
    version = services.version_add(
        actor=viewer, document=document, upload=_upload(file), note=data.note
    )
    return Status(201, VersionOut.from_version(version))


@router.post(
    "/documents/{document_id}/versions/{number}/restore",
    response={201: VersionOut},
    summary="Restore an earlier version (as a new version carrying its bytes)",
)
def restore_version(
    request: HttpRequest, document_id: PathId, number: PathId, data: RestoreIn
) -> Status[VersionOut]:
    viewer = viewer_of(request)
    document = _document(viewer, document_id)
    version = services.version_restore(
        actor=viewer, document=document, number=number, note=data.note
    )
    return Status(201, VersionOut.from_version(version))


@router.get(
    "/documents/{document_id}/versions/{number}/file",
    response={200: None},
    url_name="document_version_file",
    summary="Download a version",
)
def version_file(request: HttpRequest, document_id: PathId, number: PathId) -> FileResponse:
    version = found(
        selectors.version_get(viewer=viewer_of(request), document_id=document_id, number=number)
    )
    return views.version_response(version)


@router.put(
    "/documents/{document_id}/editing",
    response=DocumentOut,
    summary='Say one is editing a document (others see "being edited by")',
)
def start_editing(request: HttpRequest, document_id: PathId) -> DocumentOut:
    viewer = viewer_of(request)
    document = _document(viewer, document_id)
    services.editing_start(actor=viewer, document=document)
    return _document_out(request, document_id)


@router.delete(
    "/documents/{document_id}/editing",
    response=DocumentOut,
    summary='Lift the "being edited" flag (one’s own, or a forgotten one)',
)
def stop_editing(request: HttpRequest, document_id: PathId) -> DocumentOut:
    viewer = viewer_of(request)
    document = _document(viewer, document_id)
    services.editing_stop(actor=viewer, document=document)
    return _document_out(request, document_id)
