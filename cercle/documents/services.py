"""Writes on libraries: folders, documents, versions, restores and the "being edited" flag.

Every function asks ``cercle.access.require`` first (``NotFound`` for what the
actor may not see, ``Forbidden`` for what they see but may not change), then
checks the request (a translated ``ValidationError``, nothing written), then
writes in one transaction and publishes what happened.  A file is checked by
its content (``cercle.core.uploads``) before the transaction starts; its
text and page pictures are made afterwards by a background task
(``cercle.documents.processing``), enqueued in the same transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.access import require
from cercle.access.communities import CommunityAction
from cercle.access.documents import DocumentAction, FolderAction
from cercle.accounts.models import User
from cercle.communities.models import Community
from cercle.core import events
from cercle.core.errors import invalid
from cercle.core.images import without_metadata
from cercle.core.text import clean_label, clean_text
from cercle.core.uploads import UploadKind, classify_upload, served_name
from cercle.documents.events import DocumentChanged, DocumentDeleted, VersionAdded
from cercle.documents.models import (
    MAX_DEPTH,
    MAX_NAME,
    MAX_NOTE,
    Document,
    DocumentVersion,
    Folder,
    ReferenceKind,
)
from cercle.posts import services as posts
from cercle.posts.models import PostKind

MAX_DESCRIPTION = 2000
# "Being edited by ..." fades after this: someone who forgot to say they were done.
EDITING_FOR = timedelta(hours=4)
# New versions within this time of the document's last coming up in the feeds are
# one item there (ten saves in an hour are one alert, showing the latest).
ALERTS_GROUPED = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as received: the sender's name and declared type, and its bytes."""

    name: str
    data: bytes
    content_type: str = ""


@dataclass(frozen=True, slots=True)
class _Checked:
    upload: Upload
    kind: UploadKind
    data: bytes
    sha256: str


def _check_file(upload: Upload) -> _Checked:
    try:
        kind = classify_upload(
            upload.name,
            upload.data,
            max_bytes=settings.CERCLE_MAX_DOCUMENT_BYTES,
            declared=upload.content_type,
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    data = upload.data
    if kind.kind == "image":  # no GPS position or device reaches the readers
        data = without_metadata(data, max_bytes=settings.CERCLE_MAX_DOCUMENT_BYTES)
    return _Checked(upload, kind, data, hashlib.sha256(data).hexdigest())


def _at_most(text: str, limit: int, field: str) -> str:
    if len(text) > limit:
        raise invalid(
            field,
            _("At most %(max)d characters (it has %(count)d).")
            % {"max": limit, "count": len(text)},
            "max_length",
        )
    return text


def _name(raw: str, *, field: str, what: str) -> str:
    name = clean_label(raw)
    if not name:
        raise invalid(field, _("Give the %(what)s a name.") % {"what": what}, "required")
    return _at_most(name, MAX_NAME, field)


def _note(raw: str) -> str:
    return _at_most(clean_label(raw), MAX_NOTE, "note")


def _description(raw: str) -> str:
    return _at_most(clean_text(raw), MAX_DESCRIPTION, "description")


def _reference(raw: str) -> str:
    if raw not in ReferenceKind.values:
        raise invalid("reference", _("Choose one of the listed kinds."), "invalid_choice")
    return raw


def _store(
    document: Document,
    checked: _Checked,
    *,
    actor: User,
    note: str,
    restored_from: DocumentVersion | None = None,
) -> DocumentVersion:
    """Write ``checked`` as the document's next version and make it the current one."""
    from cercle.documents import processing

    now = timezone.now()
    number = document.version_count + 1
    version = DocumentVersion(
        document=document,
        number=number,
        name=served_name(checked.upload.name, checked.kind),
        kind=checked.kind.kind,
        content_type=checked.kind.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        note=note,
        restored_from=restored_from,
        uploaded_by=actor,
        created_at=now,
    )
    version.file.save(
        f"{uuid.uuid4().hex}{checked.kind.extension}", ContentFile(checked.data), save=False
    )
    version.save()
    document.current = version
    document.version_count = number
    document.updated_at = now
    document.updated_by = actor
    if document.editing_by_id == actor.pk:
        document.editing_by, document.editing_since = None, None
    document.save(
        update_fields=[
            "current",
            "version_count",
            "updated_at",
            "updated_by",
            "editing_by",
            "editing_since",
        ]
    )
    processing.process_version.enqueue(version.pk)
    if number > 1:
        _surface(document, actor, now)
    return version


def _surface(document: Document, actor: User, now: datetime) -> None:
    """A new version lifts the document's post to the top of the feeds, once an hour."""
    post = document.post
    if post is not None and post.created_at <= now - ALERTS_GROUPED:
        posts.subject_post_resurface(post=post, actor=actor, at=now)


# --- Folders ----------------------------------------------------------------------


def _depth(folder: Folder | None) -> int:
    depth = 0
    while folder is not None:
        depth += 1
        folder = folder.parent
    return depth


def _check_folder_in(folder: Folder | None, community: Community) -> None:
    if folder is not None and folder.community_id != community.pk:
        raise invalid("folder", _("This folder is not in this library."))


def folder_create(
    *, actor: User, community: Community, name: str, parent: Folder | None = None
) -> Folder:
    """A new folder at the top of the library or inside ``parent``."""
    if parent is not None:
        require(actor, FolderAction.ADD, parent)
        _check_folder_in(parent, community)
    else:
        require(actor, CommunityAction.POST, community)
    name = _name(name, field="name", what=_("folder"))
    if _depth(parent) >= MAX_DEPTH:
        raise invalid("parent", _("Folders go at most %(max)d levels deep.") % {"max": MAX_DEPTH})
    try:
        with transaction.atomic():
            return Folder.objects.create(
                community=community, parent=parent, name=name, created_by=actor
            )
    except IntegrityError:
        raise invalid("name", _("A folder of this name is already here."), "duplicate") from None


def folder_rename(*, actor: User, folder: Folder, name: str) -> Folder:
    require(actor, FolderAction.ADD, folder)
    folder.name = _name(name, field="name", what=_("folder"))
    try:
        with transaction.atomic():
            folder.save(update_fields=["name"])
    except IntegrityError:
        raise invalid("name", _("A folder of this name is already here."), "duplicate") from None
    return folder


def folder_delete(*, actor: User, folder: Folder) -> None:
    """Delete an empty folder (its documents are moved or deleted first, knowingly)."""
    require(actor, FolderAction.DELETE, folder)
    if folder.documents.exists() or folder.children.exists():
        raise invalid(
            "folder",
            _("This folder is not empty: move or delete what it holds first."),
            "not_empty",
        )
    folder.delete()


# --- Documents ----------------------------------------------------------------------


@transaction.atomic
def _create(
    *,
    actor: User,
    community: Community,
    folder: Folder | None,
    checked: _Checked,
    title: str,
    description: str,
    note: str,
    reference: str,
) -> Document:
    now = timezone.now()
    post = posts.subject_post_create(author=actor, community=community, kind=PostKind.DOCUMENT)
    document = Document.objects.create(
        post=post,
        community=community,
        folder=folder,
        title=title,
        description=description,
        reference=reference,
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
    )
    version = _store(document, checked, actor=actor, note=note)
    events.publish(VersionAdded(actor=actor, document=document, version=version))
    return document


def document_add(
    *,
    actor: User,
    community: Community,
    upload: Upload,
    folder: Folder | None = None,
    title: str = "",
    description: str = "",
    note: str = "",
    reference: str = "",
) -> Document:
    """Add a file to ``community``'s library (in ``folder``); its title defaults to its name."""
    if folder is not None:
        require(actor, FolderAction.ADD, folder)
        _check_folder_in(folder, community)
    else:
        require(actor, CommunityAction.POST, community)
    checked = _check_file(upload)
    title = _name(
        title or served_name(upload.name, checked.kind), field="title", what=_("document")
    )
    return _create(
        actor=actor,
        community=community,
        folder=folder,
        checked=checked,
        title=title,
        description=_description(description),
        note=_note(note),
        reference=_reference(reference),
    )


def version_add(
    *, actor: User, document: Document, upload: Upload, note: str = ""
) -> DocumentVersion:
    """Upload a new version of ``document``, with what changed."""
    require(actor, DocumentAction.EDIT, document)
    checked = _check_file(upload)
    note = _note(note)
    with transaction.atomic():
        # One writer at a time per document: two uploads at once get v4 and v5.
        locked = Document.objects.select_for_update().get(pk=document.pk)
        current = locked.current
        if current is not None and current.sha256 == checked.sha256:
            raise invalid(
                "file",
                _("This file is the same as the current version (v%(number)d): nothing changed.")
                % {"number": current.number},
                "unchanged",
            )
        version = _store(locked, checked, actor=actor, note=note)
        events.publish(VersionAdded(actor=actor, document=locked, version=version))
    _refresh(document, locked)
    return version


def version_restore(
    *, actor: User, document: Document, number: int, note: str = ""
) -> DocumentVersion:
    """Make version ``number`` current again, as a new version carrying its bytes."""
    require(actor, DocumentAction.EDIT, document)
    note = _note(note)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        old = locked.versions.filter(number=number).first()
        if old is None:
            raise invalid(
                "version", _("This document has no version %(number)d.") % {"number": number}
            )
        if locked.current_id == old.pk:
            raise invalid("version", _("This version is already the current one."), "unchanged")
        with old.file.open("rb") as handle:
            data = handle.read()
        checked = _Checked(
            Upload(name=old.name, data=data),
            UploadKind(old.kind, old.content_type, _extension(old.name)),  # type: ignore[arg-type]
            data,
            old.sha256,
        )
        version = _store(
            locked,
            checked,
            actor=actor,
            note=note or _("Restored version %(number)d") % {"number": old.number},
            restored_from=old,
        )
        events.publish(VersionAdded(actor=actor, document=locked, version=version))
    _refresh(document, locked)
    return version


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _refresh(document: Document, locked: Document) -> None:
    """Give the caller's object what the locked copy now holds."""
    for field in ("current", "version_count", "updated_at", "updated_by", "editing_by"):
        setattr(document, field, getattr(locked, field))
    document.editing_since = locked.editing_since


def document_update(
    *,
    actor: User,
    document: Document,
    title: str | None = None,
    description: str | None = None,
    reference: str | None = None,
    folder: Folder | bool | None = False,
) -> Document:
    """Rename, describe, mark as reference material or move to another folder
    (``folder=None``: to the top of the library; ``False``: stay where it is)."""
    require(actor, DocumentAction.EDIT, document)
    changed: list[str] = []
    if title is not None:
        document.title = _name(title, field="title", what=_("document"))
        changed.append("title")
    if description is not None:
        document.description = _description(description)
        changed.append("description")
    if reference is not None:
        document.reference = _reference(reference)
        changed.append("reference")
    if folder is not False:
        assert folder is None or isinstance(folder, Folder)
        if folder is not None:
            require(actor, FolderAction.ADD, folder)
            _check_folder_in(folder, document.community)
        document.folder = folder
        changed.append("folder")
    if changed:
        with transaction.atomic():
            document.save(update_fields=changed)
            events.publish(DocumentChanged(actor=actor, document=document))
    return document


def editing_start(*, actor: User, document: Document) -> Document:
    """Tell the others one is editing ``document`` (a warning shown to them, not a lock)."""
    require(actor, DocumentAction.EDIT, document)
    Document.objects.filter(pk=document.pk).update(editing_by=actor, editing_since=timezone.now())
    document.refresh_from_db(fields=["editing_by", "editing_since"])
    return document


def editing_stop(*, actor: User, document: Document) -> Document:
    """Lift the flag: one's own, or anybody's for those who may edit (a forgotten flag)."""
    require(actor, DocumentAction.EDIT, document)
    Document.objects.filter(pk=document.pk).update(editing_by=None, editing_since=None)
    document.editing_by, document.editing_since = None, None
    return document


def editor_now(document: Document) -> User | None:
    """Who said they are editing ``document``, if they said so less than ``EDITING_FOR`` ago."""
    if document.editing_by_id is None or document.editing_since is None:
        return None
    if document.editing_since < timezone.now() - EDITING_FOR:
        return None
    return document.editing_by


def document_delete(*, actor: User, document: Document) -> None:
    """Delete the document, every version and every page picture (bytes once committed)."""
    require(actor, DocumentAction.DELETE, document)
    from cercle.documents.models import DocumentPage

    pictures = DocumentPage.objects.filter(version__document=document).exclude(image="")
    names = [
        *document.versions.values_list("file", flat=True),
        *pictures.values_list("image", flat=True),
    ]
    with transaction.atomic():
        post = document.post
        document.delete()
        if post is not None:
            posts.subject_post_delete(post=post)
        events.publish(DocumentDeleted(actor=actor, document_id=document.pk))
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)
