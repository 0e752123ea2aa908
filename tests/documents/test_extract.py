"""Reading files in the bounded child process: every kind, and the broken ones."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cercle.core import sandbox
from cercle.core.extract import CORRUPT, ENCRYPTED, TOO_LARGE
from tests.documents import samples

OOXML = "application/vnd.openxmlformats-officedocument."


def read(tmp_path: Path, data: bytes, kind: str, content_type: str = "", *, pictures=False):
    source = tmp_path / "source"
    source.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    return sandbox.run(source, kind=kind, content_type=content_type, out=out, pictures=pictures)


def test_pdf_gives_the_text_and_a_picture_of_each_page(tmp_path, settings) -> None:
    result = read(
        tmp_path,
        samples.pdf("Offre de maintenance préventive", "Grille tarifaire 2027"),
        "pdf",
        pictures=True,
    )
    assert result.problem == ""
    assert result.page_count == 2
    assert [p.number for p in result.pages] == [1, 2]
    assert "maintenance préventive" in result.pages[0].text
    assert "Grille tarifaire" in result.pages[1].text
    picture = tmp_path / "out" / result.pages[1].image
    assert picture.read_bytes()[:3] == b"\xff\xd8\xff"
    assert result.pages[1].width == 900 and result.pages[1].height > 1000


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        (
            samples.docx("Compte rendu du comité", table=[["Action", "Qui"], ["Devis", "Inès"]]),
            OOXML + "wordprocessingml.document",
            [("", ["Compte rendu du comité", "Devis Inès"])],
        ),
        (
            samples.xlsx({"Tarifs": [["Prestation", "Prix"], ["Visite", 450]], "Notes": [["ok"]]}),
            OOXML + "spreadsheetml.sheet",
            [("Tarifs", ["Prestation Prix", "Visite 450"]), ("Notes", ["ok"])],
        ),
        (
            samples.pptx("Croissance 2015\nObjectifs Lyon", "Jalons"),
            OOXML + "presentationml.presentation",
            [("", ["Croissance 2015", "Objectifs Lyon"]), ("", ["Jalons"])],
        ),
        (
            samples.odt("Procédure qualité", "Soudure TIG"),
            "application/vnd.oasis.opendocument.text",
            [("", ["Procédure qualité", "Soudure TIG"])],
        ),
        (
            samples.ods({"Budget": ["Bordeaux", "Lille"], "Vide": []}),
            "application/vnd.oasis.opendocument.spreadsheet",
            [("Budget", ["Bordeaux", "Lille"]), ("Vide", [])],
        ),
        (
            samples.odp("Lancement", "Bilan"),
            "application/vnd.oasis.opendocument.presentation",
            [("", ["Lancement"]), ("", ["Bilan"])],
        ),
    ],
    ids=["docx", "xlsx", "pptx", "odt", "ods", "odp"],
)
def test_office_files_give_their_text_by_sheet_or_slide(
    tmp_path, data, content_type, expected
) -> None:
    result = read(tmp_path, data, "office", content_type)
    assert result.problem == ""
    assert [p.label for p in result.pages] == [label for label, _ in expected]
    for page, (_label, parts) in zip(result.pages, expected, strict=True):
        for part in parts:
            assert part in page.text


def test_text_is_read_as_is(tmp_path) -> None:
    result = read(tmp_path, "Ville;CA\nBordeaux;12 000 €\n".encode(), "text")
    assert result.pages[0].text.startswith("Ville;CA\nBordeaux;12 000 €")


@pytest.mark.parametrize(
    ("data", "kind", "content_type", "problem"),
    [
        (samples.pdf("secret", password="s3cret"), "pdf", "", ENCRYPTED),
        (samples.CORRUPT_PDF, "pdf", "", CORRUPT),
        (b"PK\x03\x04 not a zip", "office", OOXML + "wordprocessingml.document", CORRUPT),
        (samples.docx_bomb(), "office", OOXML + "wordprocessingml.document", TOO_LARGE),
    ],
    ids=["password", "corrupt-pdf", "corrupt-docx", "zip-bomb"],
)
def test_unreadable_files_say_why_and_give_nothing(
    tmp_path, data, kind, content_type, problem
) -> None:
    result = read(tmp_path, data, kind, content_type, pictures=True)
    assert result.problem == problem
    assert result.pages == []


def test_a_reader_past_its_deadline_is_stopped(tmp_path, settings) -> None:
    settings.CERCLE_DOCUMENT_EXTRACTION = {"SECONDS": 0.05, "MEMORY_MB": 1024}
    result = read(tmp_path, samples.pdf("x"), "pdf", pictures=True)
    assert result.problem == sandbox.TIMEOUT


def test_a_reader_past_its_memory_is_stopped(tmp_path, settings) -> None:
    # Too little address space to even start: the child dies, the worker does not.
    settings.CERCLE_DOCUMENT_EXTRACTION = {"SECONDS": 30, "MEMORY_MB": 40}
    result = read(tmp_path, samples.pdf("x"), "pdf", pictures=True)
    assert result.problem == sandbox.FAILED


def _libreoffice() -> None:
    from cercle.core.extract import libreoffice

    if libreoffice() is None:
        if os.environ.get("CERCLE_LIBREOFFICE") == "required":
            pytest.fail("LibreOffice is required here: apt-get install libreoffice-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-nogui)")


@pytest.mark.parametrize(
    ("data", "content_type", "words"),
    [
        (
            samples.docx("Compte rendu du comité Croissance 2015", "Décisions et actions"),
            OOXML + "wordprocessingml.document",
            "Croissance 2015",
        ),
        (
            samples.pptx("Lancement du projet", "Jalons de Lyon"),
            OOXML + "presentationml.presentation",
            "Jalons",
        ),
    ],
    ids=["docx", "pptx"],
)
def test_with_libreoffice_office_files_get_pictures_of_their_pages(
    tmp_path, data, content_type, words
) -> None:
    _libreoffice()
    result = read(tmp_path, data, "office", content_type, pictures=True)
    assert result.problem == ""
    assert result.pages and all(page.image for page in result.pages)
    assert (tmp_path / "out" / result.pages[0].image).read_bytes()[:3] == b"\xff\xd8\xff"
    assert words in " ".join(page.text for page in result.pages)  # from the laid-out pages
