"""Where files live: the data directory (embedded mode) or an S3-compatible bucket (scaled mode).

Every file — attachments, photos, community pictures, later documents and
exports — goes through Django's storage API (``default_storage``), never
through paths.  In both modes a file is downloaded *through Cercle*, at its
own URL (``MEDIA_URL`` + name for pictures, ``/attachments/...`` for
attachments), never at a signed URL of the bucket:

- every download passes the access rules at the moment it is asked for (a
  signed URL, once handed out, opens the file to whoever holds it until it
  expires, whatever happens to the post or the person meanwhile);
- the security headers a download needs (``nosniff``, a sandboxing CSP, the
  ``Content-Disposition`` chosen from the detected type) are ours to set;
  S3 cannot add a CSP to its answers;
- pages stay cacheable and cheap: a signed URL differs at each render and
  costs a signature (a card shows up to three pictures).

The price is the bytes passing through the web processes, streamed in
chunks (``FileResponse``): for a company's files, a small share of what
they serve.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class BucketStorage(S3Storage):
    """An S3-compatible bucket (AWS, MinIO, Garage, Scaleway...), its files served by Cercle."""

    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        return f"{settings.MEDIA_URL}{filepath_to_uri(name or '')}"
