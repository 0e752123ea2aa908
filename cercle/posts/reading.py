"""Reading the text inside the files of posts and comments, in the background.

A PDF, office or text file on a post is searched with it: "the tender brief
someone attached last spring" is found by what it says, not only by its
name.  ``read_attachment`` is enqueued when a file is stored (and, once, for
every file stored before this existed: migration 0006); it reads the file
in the same bounded child process as library documents
(``cercle.core.sandbox``), keeps the text on the attachment and publishes
``AttachmentRead``, on which the search index writes the post or comment
again.  A file that cannot be read keeps an empty text; running it twice
does nothing more.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from cercle.core import events, extract, sandbox
from cercle.posts.events import AttachmentRead
from cercle.posts.models import Attachment

READABLE = frozenset({"pdf", "office", "text"})
MAX_TEXT = 200_000  # characters kept per file: its search entry holds the post's too


@task()
def read_attachment(attachment_id: int) -> str:
    """Read attachment ``attachment_id``'s text; what came of it is the task's result."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        return "gone"
    if attachment.read_at is not None:
        return "done already"
    text, outcome = "", "unreadable kind"
    if attachment.kind in READABLE:
        text, outcome = _read(attachment)
    with transaction.atomic():
        claimed = Attachment.objects.filter(pk=attachment.pk, read_at__isnull=True).update(
            text=text, read_at=timezone.now()
        )
        if claimed:
            attachment.text = text
            events.publish(AttachmentRead(attachment=attachment))
    return outcome


def _read(attachment: Attachment) -> tuple[str, str]:
    with tempfile.TemporaryDirectory(prefix="cercle-read-") as work:
        folder = Path(work)
        source = folder / f"source{Path(attachment.name).suffix.lower()}"
        try:
            with attachment.file.open("rb") as stored, source.open("wb") as copy:
                shutil.copyfileobj(stored, copy, 1024 * 1024)
        except FileNotFoundError:
            return "", "missing"
        out = folder / "out"
        out.mkdir()
        if attachment.kind == "text":  # decoding runs no parser of the file's structure
            result = extract.extract(
                source, kind="text", content_type=attachment.content_type, out=None
            )
        else:
            result = sandbox.run(
                source,
                kind=attachment.kind,
                content_type=attachment.content_type,
                out=out,
                pictures=False,
            )
    text = "\n".join(page.text for page in result.pages).replace("\x00", "")[:MAX_TEXT]
    return text, result.problem or "read"


def enqueue_reading(attachments: list[Attachment]) -> None:
    """Read these new files once their rows are committed (the task is in the same database)."""
    for attachment in attachments:
        if attachment.kind in READABLE:
            read_attachment.enqueue(attachment.pk)
