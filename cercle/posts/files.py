"""Sending stored attachments so that a browser can never run one as a page of ours."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404

from cercle.core.http import download
from cercle.posts.models import Attachment

log = logging.getLogger(__name__)

# Shown in the browser: pictures (decoded by the browser's image code, never as a
# document) and PDF (its built-in viewer).  Everything else downloads.
INLINE_KINDS = frozenset({"image", "pdf"})


def attachment_response(attachment: Attachment, *, thumbnail: bool) -> FileResponse:
    """A stored file, as its detected type and under its served name.

    Pictures and PDF open in the browser (``inline``) so a phone shows them
    without a download; office documents and text download (``attachment``).
    ``nosniff`` and a sandboxing CSP make sure none is ever interpreted as
    HTML or script, whatever its bytes: the type we send is the one detected
    from the content at upload (``cercle.core.uploads``).  Chromium's PDF
    viewer opens under that sandbox as it does without it.
    """
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        # The row outlived its bytes (a restore without the media, a storage
        # mishap): the file is gone for the reader, the admins are told.
        log.error("Attachment %s: %s is missing from the storage", attachment.pk, stored.name)
        raise Http404 from None
    if thumbnail:
        response = FileResponse(handle, content_type="image/webp")
    else:
        response = FileResponse(
            handle,
            as_attachment=attachment.kind not in INLINE_KINDS,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return download(response)
