"""Sending stored attachments so that a browser can never run one as a page of ours."""

from __future__ import annotations

from django.http import FileResponse, Http404

from cercle.posts.models import Attachment


def attachment_response(attachment: Attachment, *, thumbnail: bool) -> FileResponse:
    """The original always downloads (``attachment``); the thumbnail, a WebP we encoded
    ourselves, is shown inline.  ``nosniff`` and a sandboxing CSP make sure neither is
    ever interpreted as HTML or script, whatever its bytes."""
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:
        raise Http404
    if thumbnail:
        response = FileResponse(stored.open("rb"), content_type="image/webp")
    else:
        response = FileResponse(
            stored.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
