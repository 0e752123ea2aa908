"""Attachments: what a file is comes from its bytes, never from its name or declared type.

The browser's ``Content-Type`` and the file name are both chosen by the
uploader, so neither decides how we serve a file. ``classify_upload`` reads
the content and returns the type we will serve it as (with a matching
extension); anything we cannot positively identify as a picture, a PDF, an
office document or plain text is refused. HTML, SVG, XML and scripts are
refused whatever their content: once downloaded, a file opens by its name.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cercle.core.images import check_image, too_large

# Leading bytes of the picture formats ``check_image`` accepts.
_IMAGE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)

# Office Open XML: the part each application cannot do without.
_OOXML_PARTS: tuple[tuple[str, str, str], ...] = (
    (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
)

# OpenDocument: the declared type in the "mimetype" member, and its extension.
_ODF_TYPES: dict[str, str] = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
_ODF_MIMETYPE_MAX = 100  # the real ones are under 50 bytes; never inflate more

_TEXT_EXTENSIONS = frozenset({".txt", ".csv", ".md"})
# Names a browser or desktop would run as a page or a script once downloaded.
_FORBIDDEN_EXTENSIONS = frozenset(
    {".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".svg", ".svgz", ".xml"}
    | {".js", ".mjs"}
)

_MAX_NAME = 120
_QUOTES = frozenset("\"'`")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class UploadKind:
    kind: Literal["image", "pdf", "office", "text"]
    content_type: str
    extension: str


def safe_filename(name: str) -> str:
    """A readable name that is safe in a path, a header and a page.

    Keeps only the last path component (Windows or POSIX); turns white space
    into single spaces; drops control and formatting characters (including
    the bidi overrides that disguise "x.exe" as "x.pdf") and quotes; strips
    leading dots (hidden files, "..") and trailing ones, which Windows drops,
    turning "page.html." into "page.html". Shortens to 120 characters keeping
    the extension.
    """
    kept: list[str] = []
    for ch in name.replace("\\", "/").rsplit("/", 1)[-1]:
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch)[0] != "C" and ch not in _QUOTES:
            kept.append(ch)
    name = _SPACES.sub(" ", "".join(kept)).strip(". ")
    if len(name) > _MAX_NAME:
        suffix = PurePosixPath(name).suffix
        if len(suffix) >= _MAX_NAME // 2:
            suffix = ""
        name = name[: _MAX_NAME - len(suffix)].rstrip() + suffix
    return name or "file"


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "This type of file is not accepted. Accepted: images, PDF, office documents "
            "(Word, Excel, PowerPoint, OpenDocument) and text files."
        ),
        code="file_type_refused",
    )


def _office_kind(data: bytes) -> UploadKind | None:
    """The Office Open XML or OpenDocument type of a ZIP, or None for any other ZIP.

    Only the member list and the tiny ODF "mimetype" member are read, so a
    ZIP bomb is never inflated. Macro-enabled documents (a vbaProject part)
    are not office documents we take, whatever their name.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if any(PurePosixPath(member).name == "vbaProject.bin" for member in names):
                return None
            for part, content_type, extension in _OOXML_PARTS:
                if part in names:
                    return UploadKind("office", content_type, extension)
            if "mimetype" not in names:
                return None
            info = archive.getinfo("mimetype")
            if info.file_size > _ODF_MIMETYPE_MAX:
                return None
            declared = archive.read(info).decode("ascii").strip()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        # Corrupt or truncated archive, unsupported compression, encrypted member,
        # non-ASCII "mimetype" (UnicodeDecodeError is a ValueError).
        return None
    odf_extension = _ODF_TYPES.get(declared)
    if odf_extension is None:
        return None
    return UploadKind("office", declared, odf_extension)


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Declared types that say nothing about the content (what a browser sends when
# it does not know), and the other names browsers and systems give our types.
_GENERIC_TYPES = frozenset(
    {"", "application/octet-stream", "binary/octet-stream", "application/x-download"}
)
_ALSO_DECLARED: dict[str, frozenset[str]] = {
    "image/jpeg": frozenset({"image/jpg", "image/pjpeg"}),
    "image/png": frozenset({"image/x-png"}),
    "application/pdf": frozenset({"application/x-pdf", "application/acrobat"}),
    # Office files are ZIP archives, and some systems declare them so.
    "office": frozenset({"application/zip", "application/x-zip-compressed"}),
    # Windows declares CSV files as Excel's.
    "text": frozenset(
        {
            "text/plain",
            "text/csv",
            "text/markdown",
            "text/x-markdown",
            "application/csv",
            "application/vnd.ms-excel",
        }
    ),
}
# Extensions that name the same type as the canonical one.
_SAME_EXTENSIONS: dict[str, frozenset[str]] = {".jpg": frozenset({".jpeg", ".jpe"})}


def _agrees(declared: str, kind: UploadKind) -> bool:
    """Whether the type the sender declared can be this content's (generic types can)."""
    declared = declared.split(";", 1)[0].strip().lower()
    if declared in _GENERIC_TYPES:
        return True
    base = kind.content_type.split(";", 1)[0]
    if kind.kind in ("office", "text"):
        also = _ALSO_DECLARED[kind.kind]
    else:
        also = _ALSO_DECLARED.get(base, frozenset())
    return declared == base or declared in also


def served_name(name: str, kind: UploadKind) -> str:
    """The name a file is stored and served under: the sender's, with the extension of
    what it is ("facture.bat" holding a PDF is served as "facture.pdf")."""
    cleaned = safe_filename(name)
    path = PurePosixPath(cleaned)
    extension = path.suffix.lower()
    if extension == kind.extension or extension in _SAME_EXTENSIONS.get(kind.extension, ()):
        return cleaned
    stem = path.stem if path.suffix else cleaned
    stem = stem.rstrip(". ") or "file"
    return safe_filename(stem[: _MAX_NAME - len(kind.extension)] + kind.extension)


def classify_upload(name: str, data: bytes, *, max_bytes: int, declared: str = "") -> UploadKind:
    """What ``data`` is and how to serve it; a translated ``ValidationError`` if refused.

    Content wins over the name: a PDF called "scan.png" is a PDF, stored and
    served as "scan.pdf" (``served_name``). The name only matters twice:
    HTML-like and script names are always refused, and plain text (which has
    no signature) must be called .txt, .csv or .md.  ``declared``, the type
    the sender gave, is refused when it names another type than the content's
    (a picture declared as a program): the sender meant something else.
    """
    kind = _classify(name, data, max_bytes=max_bytes)
    if not _agrees(declared, kind):
        raise ValidationError(
            _(
                "This file says it is “%(declared)s” but its content is “%(actual)s”. "
                "Send the file itself, exported in its real format."
            )
            % {
                "declared": declared.split(";", 1)[0].strip()[:80],
                "actual": kind.content_type.split(";", 1)[0],
            },
            code="file_type_mismatch",
        )
    return kind


def _classify(name: str, data: bytes, *, max_bytes: int) -> UploadKind:
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty_file")
    extension = PurePosixPath(safe_filename(name).lower()).suffix
    if extension in _FORBIDDEN_EXTENSIONS:
        raise _refused()

    for signature, content_type, canonical in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            check_image(data, max_bytes=max_bytes)
            return UploadKind("image", content_type, canonical)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        check_image(data, max_bytes=max_bytes)
        return UploadKind("image", "image/webp", ".webp")
    if data.startswith(b"%PDF-"):
        return UploadKind("pdf", "application/pdf", ".pdf")
    if data.startswith(b"PK\x03\x04"):
        office = _office_kind(data)
        if office is None:
            raise _refused()
        return office
    if extension in _TEXT_EXTENSIONS and _is_text(data):
        return UploadKind("text", "text/plain; charset=utf-8", extension)
    raise _refused()
