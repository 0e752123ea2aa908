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
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

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


# What a re-encoded picture keeps of its source's information: how to draw it,
# nothing about who took it, where or with what (EXIF, XMP, IPTC, comments).
_DRAWING_INFO = ("transparency", "duration", "loop", "background", "disposal")


def without_metadata(data: bytes, *, max_bytes: int) -> bytes:
    """``data`` (an accepted picture) re-encoded without EXIF, XMP, IPTC or comments.

    A phone's photo says where it was taken (GPS) and with what device; none
    of it may reach the colleagues who open it.  The EXIF orientation is
    applied to the pixels first, so the picture stands as it was shot; the
    colour profile (ICC) is kept.  A JPEG that needs no rotation keeps its
    quantisation tables (``quality="keep"``: no visible loss); an animated
    GIF keeps its frames.
    """
    image = _open_checked(data, max_bytes=max_bytes)
    source_format = image.format
    icc = image.info.get("icc_profile")
    drawing: dict[str | tuple[int, int], Any] = {
        key: image.info[key] for key in _DRAWING_INFO if key in image.info
    }
    buffer = io.BytesIO()
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if source_format == "GIF":
        # Each frame carries its own information (comments): rebuilt frame by frame.
        frames, durations = [], []
        for frame in ImageSequence.Iterator(image):
            durations.append(frame.info.get("duration", 100))
            copy = frame.convert("RGBA")
            copy.info = {}
            frames.append(copy)
        frames[0].save(
            buffer,
            format="GIF",
            save_all=len(frames) > 1,
            append_images=frames[1:],
            duration=durations if len(frames) > 1 else durations[0],
            loop=drawing.get("loop", 0),
            disposal=2,
        )
        return buffer.getvalue()
    upright = image.getexif().get(0x0112, 1) == 1
    if source_format == "JPEG" and upright:
        image.info = {}
        image.save(buffer, format="JPEG", quality="keep", **options)
        return buffer.getvalue()
    turned = ImageOps.exif_transpose(image)
    turned.info = dict(drawing)
    if source_format == "JPEG":
        turned.save(buffer, format="JPEG", quality=92, optimize=True, **options)
    elif source_format == "PNG":
        kept = {str(key): value for key, value in drawing.items()}
        turned.save(buffer, format="PNG", **kept, **options)
    else:  # WEBP
        turned.save(buffer, format="WEBP", quality=90, method=4, **options)
    return buffer.getvalue()
