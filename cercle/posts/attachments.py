"""The files of posts and comments: checked by their content, stored, and removed.

The services call these inside their transactions; nothing here decides who
may attach or remove a file (``cercle.access`` does, through the services).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from cercle.accounts.models import User
from cercle.core.errors import invalid
from cercle.core.images import square_renditions, without_metadata
from cercle.core.uploads import UploadKind, classify_upload, safe_filename, served_name
from cercle.posts import reading
from cercle.posts.models import Attachment, Comment, Post

MAX_ATTACHMENTS = 10


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as received: name and declared type as the sender gave them, raw bytes."""

    name: str
    data: bytes
    content_type: str = ""


def classify(uploads: Sequence[Upload]) -> list[tuple[Upload, UploadKind]]:
    """Check every file by its content before anything is written."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise invalid(
            "attachments", _("At most %(max)d files per message.") % {"max": MAX_ATTACHMENTS}
        )
    classified = []
    errors: list[str] = []
    for upload in uploads:
        try:
            classified.append(
                (
                    upload,
                    classify_upload(
                        upload.name,
                        upload.data,
                        max_bytes=settings.CERCLE_MAX_ATTACHMENT_BYTES,
                        declared=upload.content_type,
                    ),
                )
            )
        except ValidationError as exc:
            errors.extend(f"{safe_filename(upload.name)}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return classified


def store(
    classified: list[tuple[Upload, UploadKind]], *, post: Post, comment: Comment | None, user: User
) -> list[Attachment]:
    stored = []
    for upload, kind in classified:
        data = upload.data
        if kind.kind == "image":  # no GPS position or device reaches the readers
            data = without_metadata(data, max_bytes=settings.CERCLE_MAX_ATTACHMENT_BYTES)
        attachment = Attachment(
            post=post,
            comment=comment,
            uploaded_by=user,
            name=served_name(upload.name, kind),
            kind=kind.kind,
            content_type=kind.content_type,
            size=len(data),
        )
        stem = uuid.uuid4().hex
        attachment.file.save(f"{stem}{kind.extension}", ContentFile(data), save=False)
        if attachment.kind == "image":
            thumb = square_renditions(
                data,
                stem=stem,
                sizes={"thumb": 480},
                max_bytes=settings.CERCLE_MAX_ATTACHMENT_BYTES,
            )["thumb"]
            attachment.thumbnail.save(thumb.name, thumb.content, save=False)
        attachment.save()
        stored.append(attachment)
    reading.enqueue_reading(stored)  # their text, searched with the post (in the background)
    return stored


def delete_files(attachments: list[Attachment]) -> None:
    names = [f.name for a in attachments for f in (a.file, a.thumbnail) if f.name]
    if not names:
        return
    storage = attachments[0].file.storage

    def remove() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)
