"""Library pages: a community's folders and documents, a document with its versions and
preview, uploads, restores, downloads.  Thin: parse, call a service or a selector, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cercle.access import found
from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.access.documents import DocumentPolicy, FolderAction, FolderPolicy
from cercle.access.posts import PostAction, PostPolicy
from cercle.accounts.models import User
from cercle.communities.lookups import community_of
from cercle.communities.models import Community
from cercle.core.http import download, is_htmx, safe_next, viewer_of
from cercle.core.images import too_large
from cercle.core.jinja import datetime_writer, iso_writer
from cercle.documents import selectors, services
from cercle.documents.forms import EditForm, FolderForm, RestoreForm, UploadForm, VersionForm
from cercle.documents.models import (
    Document,
    DocumentVersion,
    Folder,
    PreviewState,
    ReferenceKind,
)
from cercle.follows.models import SourceKind
from cercle.follows.selectors import attention_of
from cercle.posts import selectors as post_selectors
from cercle.posts.forms import CommentForm
from cercle.posts.html import reactions_html

PER_PAGE = 50
# Shown in the browser (pictures, PDF in its viewer); everything else downloads.
INLINE_KINDS = frozenset({"image", "pdf"})


def _document_of(request: HttpRequest, document_id: int) -> Document:
    return found(selectors.document_get(viewer=viewer_of(request), document_id=document_id))


def _folder_of(request: HttpRequest, folder_id: int) -> Folder:
    return found(selectors.folder_get(viewer=viewer_of(request), folder_id=folder_id))


def _upload(request: HttpRequest, file: UploadedFile[Any]) -> services.Upload:
    return services.Upload(
        name=file.name or "file", data=file.read(), content_type=file.content_type or ""
    )


def _oversized(file: UploadedFile[Any] | None) -> str:
    """The error for a file over the limit, checked before it is read (else "")."""
    limit = settings.CERCLE_MAX_DOCUMENT_BYTES
    if file is not None and file.size is not None and file.size > limit:
        return " ".join(too_large(file.size, limit).messages)
    return ""


def _uploaded(request: HttpRequest, url: str) -> HttpResponse:
    """Where to go after an upload: a redirect, or for the page's progress-bar upload
    (``data-upload`` in cercle.js) a 201 naming the page, which the script opens."""
    if request.headers.get("X-Cercle-Upload") == "1":
        return HttpResponse(status=201, headers={"Location": url})
    return redirect(url)


def _add_errors(form: Any, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- The library --------------------------------------------------------------------


def _library(
    request: HttpRequest,
    community: Community,
    folder: Folder | None,
    *,
    upload_form: UploadForm | None = None,
    folder_form: FolderForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = viewer_of(request)
    if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
        raise Http404
    try:
        sort = selectors.Sort(request.GET.get("sort") or selectors.Sort.NAME)
    except ValueError:
        sort = selectors.Sort.NAME
    page = selectors.library_page(
        viewer=viewer,
        community=community,
        folder=folder,
        sort=sort,
        number=request.GET.get("page"),
        per_page=PER_PAGE,
    )
    can_add = (
        FolderPolicy.can(viewer, FolderAction.ADD, folder)
        if folder is not None
        else CommunityPolicy.can(viewer, CommunityAction.POST, community)
    )
    context = {
        "community": community,
        "document": None,
        "folder": folder,
        "follow_level": attention_of(
            user=viewer, source_kind=SourceKind.FOLDER, source_id=folder.pk
        )
        if folder is not None
        else None,
        "path": selectors.folder_path(folder),
        "folders": selectors.folders_in(viewer=viewer, community=community, parent=folder),
        "page": page,
        "sort": sort,
        "can_add": can_add,
        "can_delete_folder": folder is not None
        and FolderPolicy.can(viewer, FolderAction.DELETE, folder),
        "upload_form": upload_form or UploadForm(initial={"folder": folder.pk if folder else None}),
        "folder_form": folder_form or FolderForm(initial={"parent": folder.pk if folder else None}),
        "references": dict(ReferenceKind.choices),
        "max_bytes": settings.CERCLE_MAX_DOCUMENT_BYTES,
        "nav_section": "communities",
        # Looked up once for the fifty rows (see cercle.core.jinja).
        "day_of": datetime_writer("SHORT_DATE_FORMAT"),
        "iso_of": iso_writer(),
    }
    return render(request, "documents/library.html", context, status=status)


@require_GET
def library(request: HttpRequest, slug: str) -> HttpResponse:
    return _library(request, community_of(request, slug), None)


@require_GET
def folder(request: HttpRequest, folder_id: int) -> HttpResponse:
    folder = _folder_of(request, folder_id)
    return _library(request, folder.community, folder)


@require_GET
def references(request: HttpRequest) -> HttpResponse:
    """Reference material across the viewer's communities, or of one (``?community=``)."""
    viewer = viewer_of(request)
    community = None
    slug = (request.GET.get("community") or "")[:140]
    if slug:
        community = community_of(request, slug)
        if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
            raise Http404
    kind = request.GET.get("kind") or ""
    if kind not in ReferenceKind.values:
        kind = ""
    page = selectors.rows_page(
        selectors.references(viewer=viewer, community=community, kind=kind),
        number=request.GET.get("page"),
        per_page=PER_PAGE,
    )
    return render(
        request,
        "documents/references.html",
        {
            "community": community,
            "kind": kind,
            "page": page,
            "references": dict(ReferenceKind.choices),
            "nav_section": "communities",
            "day_of": datetime_writer("SHORT_DATE_FORMAT"),
            "iso_of": iso_writer(),
        },
    )


@require_POST
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a file to the library (into the folder the form names)."""
    viewer = viewer_of(request)
    community = community_of(request, slug)
    form = UploadForm(request.POST, request.FILES)
    folder: Folder | None = None
    raw_folder = request.POST.get("folder") or ""
    if raw_folder.isdigit():
        folder = selectors.folder_get(viewer=viewer, folder_id=int(raw_folder))
    oversized = _oversized(request.FILES.get("file"))
    if oversized:
        form.is_valid()
        form.add_error("file", oversized)
        return _library(request, community, folder, upload_form=form, status=413)
    if form.is_valid():
        if raw_folder and folder is None:
            form.add_error(None, _("This folder no longer exists."))
        else:
            data = form.cleaned_data
            try:
                document = services.document_add(
                    actor=viewer,
                    community=community,
                    folder=folder,
                    upload=_upload(request, data["file"]),
                    title=data["title"] or "",
                    description=data["description"] or "",
                    reference=data["reference"] or "",
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is in the library. Its preview is being prepared.")
                    % {"title": document.title},
                )
                return _uploaded(request, document.get_absolute_url())
    return _library(request, community, folder, upload_form=form, status=422)


@require_POST
def folder_create(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = community_of(request, slug)
    form = FolderForm(request.POST)
    parent: Folder | None = None
    raw_parent = request.POST.get("parent") or ""
    if raw_parent.isdigit():
        parent = selectors.folder_get(viewer=viewer, folder_id=int(raw_parent))
    if form.is_valid():
        if raw_parent and parent is None:
            form.add_error(None, _("This folder no longer exists."))
        else:
            try:
                created = services.folder_create(
                    actor=viewer, community=community, parent=parent, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Folder created."))
                return redirect(created.get_absolute_url())
    return _library(request, community, parent, folder_form=form, status=422)


@require_POST
def folder_delete(request: HttpRequest, folder_id: int) -> HttpResponse:
    folder = _folder_of(request, folder_id)
    parent = folder.parent
    try:
        services.folder_delete(actor=viewer_of(request), folder=folder)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(folder.get_absolute_url())
    messages.success(request, _("Folder deleted."))
    if parent is not None:
        return redirect(parent.get_absolute_url())
    return redirect("documents:library", folder.community.slug)


# --- A document -----------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    document: Document,
    *,
    version_form: VersionForm | None = None,
    edit_form: EditForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = viewer_of(request)
    current = document.current
    can = DocumentPolicy.permissions(viewer, document)
    context = {
        "document": document,
        "community": document.community,
        "path": selectors.folder_path(document.folder),
        "current": current,
        "pages": selectors.pages(viewer=viewer, document=document, version=current),
        "versions": selectors.version_rows(viewer=viewer, document=document),
        "editor": services.editor_now(document),
        "can": can.as_dict(),
        "version_form": version_form or VersionForm(),
        "edit_form": edit_form or _edit_form(viewer, document),
        "references": dict(ReferenceKind.choices),
        "pending": current is not None and current.preview == PreviewState.PENDING,
        "max_bytes": settings.CERCLE_MAX_DOCUMENT_BYTES,
        "nav_section": "communities",
        "when": datetime_writer(),
        "iso_of": iso_writer(),
        "follow_level": attention_of(
            user=viewer, source_kind=SourceKind.DOCUMENT, source_id=document.pk
        ),
        "uses": selectors.uses(viewer=viewer, document=document),
        **_discussion(request, viewer, document),
    }
    if is_htmx(request) and request.GET.get("part") == "preview":
        return render(request, "documents/_preview.html", context, status=status)
    return render(request, "documents/detail.html", context, status=status)


def _discussion(request: HttpRequest, viewer: User, document: Document) -> dict[str, Any]:
    """The document's discussion: its post's reactions and comments (``cercle.posts``)."""
    post = document.post
    if post is None:
        return {"post": None}
    post.community = document.community  # its post is always in its community: no query
    if not PostPolicy.can(viewer, PostAction.VIEW, post):  # hidden by a moderator
        return {"post": None}
    return {
        "post": post,
        "post_reactions": reactions_html(
            request,
            post_id=post.pk,
            comment_id=None,
            reactions=post_selectors.post_reactions(viewer=viewer, post=post),
        ),
        "comments": post_selectors.comments_for(viewer=viewer, post=post),
        "comment_form": CommentForm(),
        "can_comment": PostPolicy.permissions(viewer, post).comment,
        "comment_count": post.comment_count,
    }


def _edit_form(viewer: User, document: Document, data: Any = None) -> EditForm:
    form = EditForm(
        data,
        initial={
            "title": document.title,
            "description": document.description,
            "reference": document.reference,
            "folder": document.folder_id or "",
        },
    )
    choice: Any = form.fields["folder"]
    choice.choices = [("", _("Top of the library"))] + [
        (f.pk, "— " * depth + f.name)
        for f, depth in selectors.all_folders(viewer=viewer, community=document.community)
    ]
    return form


@require_GET
def detail(request: HttpRequest, document_id: int) -> HttpResponse:
    return _detail(request, _document_of(request, document_id))


@require_POST
def new_version(request: HttpRequest, document_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    document = _document_of(request, document_id)
    form = VersionForm(request.POST, request.FILES)
    oversized = _oversized(request.FILES.get("file"))
    if oversized:
        form.is_valid()
        form.add_error("file", oversized)
        return _detail(request, document, version_form=form, status=413)
    if form.is_valid():
        try:
            version = services.version_add(
                actor=viewer,
                document=document,
                upload=_upload(request, form.cleaned_data["file"]),
                note=form.cleaned_data["note"] or "",
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Version %(number)d added.") % {"number": version.number})
            return _uploaded(request, document.get_absolute_url())
    return _detail(request, document, version_form=form, status=422)


@require_POST
def restore(request: HttpRequest, document_id: int, number: int) -> HttpResponse:
    viewer = viewer_of(request)
    document = _document_of(request, document_id)
    form = RestoreForm(request.POST)
    form.is_valid()
    try:
        version = services.version_restore(
            actor=viewer,
            document=document,
            number=number,
            note=form.cleaned_data.get("note") or "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Version %(old)d restored: it is now version %(number)d.")
            % {"old": number, "number": version.number},
        )
    return redirect(document.get_absolute_url())


@require_POST
def edit(request: HttpRequest, document_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    document = _document_of(request, document_id)
    form = _edit_form(viewer, document, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        target: Folder | None = None
        if data["folder"]:
            target = selectors.folder_get(viewer=viewer, folder_id=data["folder"])
        try:
            services.document_update(
                actor=viewer,
                document=document,
                title=data["title"],
                description=data["description"] or "",
                reference=data["reference"] or "",
                folder=target,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(document.get_absolute_url())
    return _detail(request, document, edit_form=form, status=422)


@require_POST
def editing(request: HttpRequest, document_id: int) -> HttpResponse:
    """Say one is editing the document (``on=1``), or that one is done."""
    viewer = viewer_of(request)
    document = _document_of(request, document_id)
    if request.POST.get("on") == "1":
        services.editing_start(actor=viewer, document=document)
        messages.success(request, _("Your colleagues now see that you are editing this document."))
    else:
        services.editing_stop(actor=viewer, document=document)
    return redirect(safe_next(request, document.get_absolute_url()))


@require_POST
def delete(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document_of(request, document_id)
    folder, community = document.folder, document.community
    services.document_delete(actor=viewer_of(request), document=document)
    messages.success(request, _("“%(title)s” deleted.") % {"title": document.title})
    if folder is not None:
        return redirect(folder.get_absolute_url())
    return redirect("documents:library", community.slug)


# --- Files --------------------------------------------------------------------------


def _secured(response: FileResponse) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return download(response)


@require_GET
def download_version(request: HttpRequest, document_id: int, number: int) -> FileResponse:
    """A version's bytes, as the type detected at upload (see ``cercle.posts.files``)."""
    version = found(
        selectors.version_get(viewer=viewer_of(request), document_id=document_id, number=number)
    )
    return version_response(version)


def version_response(version: DocumentVersion) -> FileResponse:
    """A version's bytes (pages and the API alike), never interpreted as a page of ours."""
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return _secured(
        FileResponse(
            handle,
            as_attachment=version.kind not in INLINE_KINDS,
            filename=version.name,
            content_type=version.content_type,
        )
    )


@require_GET
def page_image(request: HttpRequest, page_id: int) -> FileResponse:
    page = found(selectors.page_get(viewer=viewer_of(request), page_id=page_id))
    if not page.image:
        raise Http404
    try:
        handle = page.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return _secured(FileResponse(handle, content_type="image/jpeg"))


@require_GET
def pick(request: HttpRequest) -> HttpResponse:
    """The "Link a document" list of a composer or comment form (htmx): by title."""
    query = request.GET.get("q", "")[:100]
    found = selectors.pickable(viewer=viewer_of(request), query=query)
    return render(request, "documents/_pick.html", {"found": found, "query": query})
