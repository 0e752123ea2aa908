"""Reading a new version in the background: its text, page by page, and its page pictures.

``process_version`` is enqueued by the service that stored the version, in
the same transaction.  It copies the file out of the storage into a private
temporary directory, has a bounded child process read it
(``cercle.core.sandbox``), then writes the pages and their pictures and
publishes ``VersionRead``: the search index takes the text from there.  A
file that cannot be read (corrupt, protected by a password, too large once
inflated, too slow) is marked "no preview" with the reason, and stays
downloadable and findable by its name.  Running it twice does nothing more.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from cercle.core import events, extract, sandbox
from cercle.documents.events import VersionRead
from cercle.documents.models import DocumentPage, DocumentVersion, PreviewState

# Kinds whose pages are pictured (office files too, when LibreOffice is installed).
PICTURED = frozenset({"pdf", "office"})
# Read here rather than in a child process: decoding UTF-8 runs no parser of the file's
# own structure (and a child costs a third of a second to start).
IN_PROCESS = frozenset({"text"})
COPY_CHUNK = 1024 * 1024


@task()
def process_version(version_id: int) -> str:
    """Read version ``version_id``; returns what came of it (kept as the task's result)."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None:
        return "gone"
    if version.processed_at is not None:
        return "done already"
    if version.kind == "image":  # the picture is its own preview; nothing to read
        _finish(version, pages=[], problem="", page_count=0, state=PreviewState.READY)
        return "image"
    with tempfile.TemporaryDirectory(prefix="cercle-read-") as work:
        folder = Path(work)
        source = folder / f"source{Path(version.name).suffix.lower()}"
        try:
            with version.file.open("rb") as stored, source.open("wb") as copy:
                shutil.copyfileobj(stored, copy, COPY_CHUNK)
        except FileNotFoundError:
            _finish(version, pages=[], problem="missing", page_count=0, state=PreviewState.NONE)
            return "missing"
        out = folder / "out"
        out.mkdir()
        if version.kind in IN_PROCESS:
            result = extract.extract(
                source, kind=version.kind, content_type=version.content_type, out=None
            )
        else:
            result = sandbox.run(
                source,
                kind=version.kind,
                content_type=version.content_type,
                out=out,
                pictures=version.kind in PICTURED,
            )
        rows = []
        for page in result.pages:
            row = DocumentPage(
                version=version,
                number=page.number,
                label=page.label[:160],
                text=page.text.replace("\x00", ""),
                width=page.width,
                height=page.height,
            )
            if page.image:
                picture = out / Path(page.image).name
                if picture.is_file():
                    with picture.open("rb") as handle:
                        row.image.save(
                            f"{version.pk}-{page.number:05d}.jpg", File(handle), save=False
                        )
            rows.append(row)
        useful = any(row.image or row.text for row in rows)
        state = PreviewState.READY if useful and not result.problem else PreviewState.NONE
        _finish(
            version,
            pages=rows,
            problem=result.problem,
            page_count=result.page_count or len(rows),
            state=state,
        )
    return result.problem or "read"


def _finish(
    version: DocumentVersion,
    *,
    pages: list[DocumentPage],
    problem: str,
    page_count: int,
    state: PreviewState,
) -> None:
    with transaction.atomic():
        claimed = DocumentVersion.objects.filter(pk=version.pk, processed_at__isnull=True).update(
            processed_at=timezone.now(), preview=state, problem=problem, page_count=page_count
        )
        if not claimed:  # another worker finished first; its pages stand
            _delete_pictures(pages)
            return
        DocumentPage.objects.bulk_create(pages, batch_size=200)
        version.refresh_from_db()
        events.publish(VersionRead(version=version))


def _delete_pictures(pages: list[DocumentPage]) -> None:
    for page in pages:
        if page.image.name:
            page.image.storage.delete(page.image.name)
