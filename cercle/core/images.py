"""Image uploads: trust the bytes, never the name or the declared type.

An upload is decoded by Pillow (which refuses anything that is not an image
it knows), checked for size and pixel count (decompression bombs), then
re-encoded: the stored file never carries the uploader's bytes, metadata
(EXIF location) or polyglot payloads.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MAX_PIXELS = 40_000_000


@dataclass(frozen=True, slots=True)
class Rendition:
    name: str
    content: ContentFile[bytes]


def too_large(size: int, max_bytes: int) -> ValidationError:
    return ValidationError(
        _("This file is too large (%(size)s). The maximum is %(max)s.")
        % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
        code="file_too_large",
    )


def _open_checked(data: bytes, *, max_bytes: int) -> Image.Image:
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    not_image = ValidationError(
        _("This file is not an image we can read. Use a JPEG, PNG, WebP or GIF picture."),
        code="not_an_image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise not_image
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("This picture has too many pixels."), code="image_too_big")
            probe.verify()  # structural check; the image must be reopened afterwards
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise not_image from exc
    return image


def check_image(data: bytes, *, max_bytes: int) -> None:
    """Raise a translated ``ValidationError`` unless ``data`` is an acceptable picture."""
    _open_checked(data, max_bytes=max_bytes).close()


def square_renditions(
    data: bytes, *, stem: str, sizes: dict[str, int], max_bytes: int
) -> dict[str, Rendition]:
    """Centre-cropped square WebP renditions of an uploaded picture, one per size."""
    image = ImageOps.exif_transpose(_open_checked(data, max_bytes=max_bytes))
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    out: dict[str, Rendition] = {}
    for label, size in sizes.items():
        fitted = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        fitted.save(buffer, format="WEBP", quality=85, method=4)
        out[label] = Rendition(f"{stem}-{size}.webp", ContentFile(buffer.getvalue()))
    return out
