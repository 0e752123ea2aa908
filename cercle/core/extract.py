"""Reading a stored file: its text page by page, and pictures of its pages.

This module runs in a child process of its own (``cercle.core.sandbox``
starts ``python -m cercle.core.extract``), never in a web or worker
process: a file is whatever its uploader made it, and parsing it is the most
exposed thing Cercle does.  The child lowers its own limits before it opens
anything (address space, CPU seconds, size of what it writes), so a zip bomb
or a pathological PDF ends the child, not the worker; the parent also kills
it at a wall-clock deadline.  It imports no Django, and writes what it found
as ``result.json`` beside the page pictures in the directory it was given.

What each kind gives:

* PDF (PDFium, ``pypdfium2``): the text of every page and a picture of it.
* Word, Excel, PowerPoint (``python-docx``, ``openpyxl``, ``python-pptx``) and
  OpenDocument (its ``content.xml``, parsed with ``defusedxml``): the text, a
  sheet or a slide per "page" (a word-processing file is one page: it has no
  pages until it is laid out).  Where LibreOffice is installed, a document or
  a presentation is also converted to PDF and its pages pictured, so a reader
  sees the real layout; its text then comes page by page from that PDF.  A
  spreadsheet keeps its text sheet by sheet (printed, cells are cut).
* Text, CSV and Markdown: the text.
* Pictures: nothing to read (the picture is its own preview).

Macros never run: a macro-enabled file is refused at upload
(``cercle.core.uploads``), none of these libraries runs code, and LibreOffice
converts with its default macro security (macros of unknown documents off).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# What one file may give, whatever it holds.
MAX_TEXT = 2_000_000  # characters in all
MAX_PAGES = 2000  # pages, sheets or slides read
MAX_ROWS = 20_000  # rows read per sheet
MAX_INFLATED = 256 * 1024 * 1024  # bytes a zip-based document may inflate to, all members
PAGE_WIDTH = 900  # pixels, a page picture's width
PDFIUM_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD

# Why a file has no preview or no text (codes the worker turns into translated words).
ENCRYPTED = "encrypted"
CORRUPT = "corrupt"
TOO_LARGE = "too_large"


@dataclass
class Page:
    number: int
    label: str = ""
    text: str = ""
    image: str = ""  # a file name in the output directory
    width: int = 0
    height: int = 0


@dataclass
class Extracted:
    pages: list[Page] = field(default_factory=list)
    problem: str = ""
    page_count: int = 0


class UnreadableError(Exception):
    """The file cannot be read; ``args[0]`` says why (``ENCRYPTED``, ``CORRUPT``...)."""


class _Budget:
    """Stops reading once ``MAX_TEXT`` characters were kept."""

    def __init__(self) -> None:
        self.left = MAX_TEXT

    def take(self, text: str) -> str:
        text = text[: max(self.left, 0)]
        self.left -= len(text)
        return text

    @property
    def spent(self) -> bool:
        return self.left <= 0


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\x00", "").splitlines())
    return "\n".join(line for line in lines if line)


# --- PDF ----------------------------------------------------------------------


def _pdf(path: Path, out: Path | None, budget: _Budget) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        wrong_password = getattr(error, "err_code", None) == PDFIUM_PASSWORD_ERROR
        raise UnreadableError(ENCRYPTED if wrong_password else CORRUPT) from None
    try:
        count = len(pdf)
        result = Extracted(page_count=count)
        for index in range(min(count, MAX_PAGES)):
            page = pdf[index]
            try:
                entry = Page(number=index + 1)
                if not budget.spent:
                    textpage = page.get_textpage()
                    entry.text = budget.take(_tidy(textpage.get_text_bounded()))
                    textpage.close()
                if out is not None:
                    _picture(page, out, entry)
                result.pages.append(entry)
            finally:
                page.close()
        return result
    finally:
        pdf.close()


def _picture(page: Any, out: Path, entry: Page) -> None:
    """A JPEG of ``page``, ``PAGE_WIDTH`` wide (one page in memory at a time)."""
    width, _height = page.get_size()
    scale = PAGE_WIDTH / width if width else 1.0
    image = page.render(scale=min(scale, 4.0)).to_pil()
    if image.mode != "RGB":
        image = image.convert("RGB")
    name = f"page-{entry.number:05d}.jpg"
    image.save(out / name, "JPEG", quality=72, optimize=False)
    entry.image, entry.width, entry.height = name, image.width, image.height
    image.close()


# --- Zip-based office files -----------------------------------------------------


def _check_zip(path: Path) -> None:
    """Refuse a zip whose members would inflate past ``MAX_INFLATED`` (a zip bomb).

    The central directory's sizes are a bound the reader keeps to: Python's
    zipfile never returns more than a member's declared size.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableError(CORRUPT) from error
    if inflated > MAX_INFLATED:
        raise UnreadableError(TOO_LARGE)


def _docx(path: Path, budget: _Budget) -> Extracted:
    import docx

    with path.open("rb") as handle:  # a file, not a name: the name's extension is no proof
        document = docx.Document(handle)
    parts: list[str] = []
    for paragraph in document.paragraphs:
        parts.append(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return Extracted(
        pages=[Page(number=1, text=budget.take(_tidy("\n".join(parts))))], page_count=1
    )


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _xlsx(path: Path, budget: _Budget) -> Extracted:
    import openpyxl

    handle = path.open("rb")
    book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    try:
        result = Extracted(page_count=len(book.worksheets))
        for number, sheet in enumerate(book.worksheets[:MAX_PAGES], start=1):
            lines = []
            for index, row in enumerate(sheet.iter_rows(values_only=True)):
                if index >= MAX_ROWS or budget.spent:
                    break
                line = _tidy("\t".join(_cell(v) for v in row))
                if line:
                    lines.append(budget.take(line))
            result.pages.append(Page(number=number, label=sheet.title, text="\n".join(lines)))
        return result
    finally:
        book.close()
        handle.close()


def _pptx(path: Path, budget: _Budget) -> Extracted:
    import pptx

    with path.open("rb") as handle:
        presentation = pptx.Presentation(handle)
    slides = list(presentation.slides)
    result = Extracted(page_count=len(slides))
    for number, slide in enumerate(slides[:MAX_PAGES], start=1):
        parts: list[str] = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    parts.append("\t".join(cell.text for cell in row.cells))
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
        result.pages.append(Page(number=number, text=budget.take(_tidy("\n".join(parts)))))
    return result


_ODF = {
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
}


def _odf_sections(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(label, paragraphs) of each sheet (ods) or slide (odp), or of the whole text (odt).

    Streamed from ``content.xml`` (``iterparse``, elements dropped once read):
    odfpy, unmaintained since 2020, builds the whole document tree first.
    """
    from defusedxml.ElementTree import iterparse

    paragraph = {f"{{{_ODF['text']}}}p", f"{{{_ODF['text']}}}h"}
    section = {f"{{{_ODF['table']}}}table", f"{{{_ODF['draw']}}}page"}
    name_attrs = (f"{{{_ODF['table']}}}name", f"{{{_ODF['draw']}}}name")
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
        current: list[str] = []
        found_section = False
        for event, element in iterparse(content, events=("end",)):
            del event
            if element.tag in paragraph:
                current.append("".join(element.itertext()))
                element.clear()
            elif element.tag in section:
                found_section = True
                label = next((element.get(a, "") for a in name_attrs if element.get(a)), "")
                yield label, current
                current = []
                element.clear()
        if current or not found_section:
            yield "", current


def _odf(path: Path, budget: _Budget, content_type: str) -> Extracted:
    presentation = content_type.endswith("presentation")
    spreadsheet = content_type.endswith("spreadsheet")
    result = Extracted()
    for label, paragraphs in _odf_sections(path):
        if len(result.pages) >= MAX_PAGES:
            break
        text = budget.take(_tidy("\n".join(paragraphs)))
        if (spreadsheet or presentation) and not label and not text:
            continue
        result.pages.append(
            Page(number=len(result.pages) + 1, label="" if presentation else label, text=text)
        )
    result.page_count = len(result.pages)
    return result


def _office(path: Path, content_type: str, budget: _Budget) -> Extracted:
    _check_zip(path)
    try:
        if content_type.endswith("wordprocessingml.document"):
            return _docx(path, budget)
        if content_type.endswith("spreadsheetml.sheet"):
            return _xlsx(path, budget)
        if content_type.endswith("presentationml.presentation"):
            return _pptx(path, budget)
        if content_type.startswith("application/vnd.oasis.opendocument."):
            return _odf(path, budget, content_type)
    except UnreadableError:
        raise
    except MemoryError:
        raise UnreadableError(TOO_LARGE) from None
    except Exception as error:  # a broken file, whatever the library says about it
        raise UnreadableError(CORRUPT) from error
    raise UnreadableError(CORRUPT)


def _is_spreadsheet(content_type: str) -> bool:
    return content_type.endswith(("spreadsheetml.sheet", "opendocument.spreadsheet"))


def libreoffice() -> str | None:
    """The LibreOffice program, when installed (Debian's ``libreoffice-nogui``)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


OFFICE_MEMORY = 4096 * 1024 * 1024


def _office_limits() -> None:
    _limit(resource.RLIMIT_AS, OFFICE_MEMORY)


def _office_as_pdf(path: Path, work: Path, seconds: float) -> Path | None:
    """``path`` laid out by LibreOffice as a PDF in ``work``, or None (not installed, failed)."""
    program = libreoffice()
    if program is None:
        return None
    profile = work / "lo-profile"
    try:
        subprocess.run(  # noqa: S603 - our own arguments, no shell
            [
                program,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(path),
            ],
            capture_output=True,
            timeout=seconds,
            check=False,
            cwd=work,
            # LibreOffice maps far more address space than it uses: it gets its own
            # allowance (the deadline above still bounds it).
            preexec_fn=_office_limits,
        )
    except subprocess.TimeoutExpired:
        return None
    converted = work / (path.stem + ".pdf")
    return converted if converted.exists() else None


# --- Entry points -----------------------------------------------------------------


def extract(
    path: Path, *, kind: str, content_type: str, out: Path | None, office_seconds: float = 60
) -> Extracted:
    """What ``path`` holds; ``out``: also picture its pages there (PDF, office with LibreOffice).

    Never raises for a bad file: ``Extracted.problem`` says what went wrong.
    """
    budget = _Budget()
    try:
        if kind == "pdf":
            return _pdf(path, out, budget)
        if kind == "office":
            result = _office(path, content_type, budget)
            # A spreadsheet is read sheet by sheet: laid out for print, its cells are cut
            # at the column's width ("Visite annuelle" printed as "Visite annu").
            if out is not None and not _is_spreadsheet(content_type):
                converted = _office_as_pdf(path, out, office_seconds)
                if converted is not None:
                    try:
                        laid_out = _pdf(converted, out, _Budget())
                    except UnreadableError:
                        return result
                    finally:
                        converted.unlink(missing_ok=True)
                    if laid_out.pages and not any(page.text for page in laid_out.pages):
                        # Pictures only (a scanned file): keep the text read directly.
                        laid_out.pages[0].text = "\n".join(page.text for page in result.pages)
                    return laid_out
            return result
        if kind == "text":
            raw = path.read_bytes()[: MAX_TEXT * 4]
            text = budget.take(raw.decode("utf-8", errors="replace"))
            return Extracted(pages=[Page(number=1, text=text)], page_count=1)
        return Extracted()
    except UnreadableError as error:
        return Extracted(problem=str(error.args[0]))
    except MemoryError:
        return Extracted(problem=TOO_LARGE)


def _limit(kind: int, value: int) -> None:
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, hard))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cercle.core.extract")
    parser.add_argument("path", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--kind", required=True)
    parser.add_argument("--content-type", default="")
    parser.add_argument("--pictures", action="store_true")
    parser.add_argument("--memory", type=int, default=1024, help="MiB of address space")
    parser.add_argument("--cpu", type=int, default=120, help="CPU seconds")
    parser.add_argument("--office-seconds", type=float, default=60)
    args = parser.parse_args(argv)
    _limit(resource.RLIMIT_AS, args.memory * 1024 * 1024)
    _limit(resource.RLIMIT_CPU, args.cpu)
    _limit(resource.RLIMIT_FSIZE, 256 * 1024 * 1024)
    _limit(resource.RLIMIT_CORE, 0)
    os.environ["TMPDIR"] = str(args.out)
    tempfile.tempdir = str(args.out)
    result = extract(
        args.path,
        kind=args.kind,
        content_type=args.content_type,
        out=args.out if args.pictures else None,
        office_seconds=args.office_seconds,
    )
    (args.out / "result.json").write_text(json.dumps(asdict(result)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
