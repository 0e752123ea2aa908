"""Uploads are judged by their content; names only ever make things stricter."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from cercle.core.uploads import classify_upload, safe_filename
from tests.conftest import make_image

MAX = 1_000_000
PDF = b"%PDF-1.4\n%%EOF\n"


def office(member: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind", "content_type"),
    [
        ("photo.jpg", make_image("JPEG"), "image", "image/jpeg"),
        ("photo.png", make_image("PNG"), "image", "image/png"),
        ("notes.pdf", PDF, "pdf", "application/pdf"),
        ("disguised.png", PDF, "pdf", "application/pdf"),  # content wins over the name
        (
            "offre.docx",
            office("word/document.xml"),
            "office",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "chiffrage.xlsx",
            office("xl/workbook.xml"),
            "office",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "rapport.odt",
            odf("application/vnd.oasis.opendocument.text"),
            "office",
            "application/vnd.oasis.opendocument.text",
        ),
        ("liste.csv", "nom;prénom\nDupont;Jean\n".encode(), "text", "text/plain; charset=utf-8"),
    ],
)
def test_accepted(name: str, data: bytes, kind: str, content_type: str) -> None:
    result = classify_upload(name, data, max_bytes=MAX)
    assert (result.kind, result.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("page.html", PDF),  # an HTML name is refused whatever the content
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("notes.txt", b"binary\x00data"),
        ("notes.txt", "café".encode("latin-1")),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("archive.zip", office("random/file.txt")),
        ("macro.docm", office("word/document.xml", {"word/vbaProject.bin": b"\x00"})),
        ("empty.pdf", b""),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10),
    ],
)
def test_refused(name: str, data: bytes) -> None:
    with pytest.raises(ValidationError):
        classify_upload(name, data, max_bytes=MAX)


def test_too_large() -> None:
    with pytest.raises(ValidationError) as exc:
        classify_upload("big.pdf", PDF + b"0" * MAX, max_bytes=MAX)
    assert exc.value.code == "file_too_large"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\rapport final.pdf", "rapport final.pdf"),
        ('"quoted"\n name.pdf', "quoted name.pdf"),
        ("...", "file"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
        ("page.html.", "page.html"),
    ],
)
def test_safe_filename(raw: str, clean: str) -> None:
    assert safe_filename(raw) == clean
