"""Running ``cercle.core.extract`` in a child process, bounded in time and memory.

The child lowers its own limits (address space, CPU, written bytes) before
it opens the file; here the parent gives it a wall-clock deadline and kills
it past that.  A child that dies, runs out of memory or time, or writes
nothing usable gives a result with a ``problem`` and no pages: the file
stays stored and downloadable, flagged "no preview", found by its name.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from cercle.core.extract import CORRUPT, Extracted, Page

log = logging.getLogger(__name__)

# Where the ``cercle`` package lives: the child imports it from there, whatever its directory.
_SOURCE = Path(__file__).resolve().parents[2]

TIMEOUT = "timeout"
FAILED = "failed"


def run(path: Path, *, kind: str, content_type: str, out: Path, pictures: bool) -> Extracted:
    """What ``path`` holds, read by a bounded child process; page pictures go to ``out``."""
    limits = settings.CERCLE_DOCUMENT_EXTRACTION
    command = [
        sys.executable,
        "-m",
        "cercle.core.extract",
        str(path),
        str(out),
        "--kind",
        kind,
        "--content-type",
        content_type,
        "--memory",
        str(limits["MEMORY_MB"]),
        "--cpu",
        str(int(limits["SECONDS"])),
        "--office-seconds",
        str(limits["SECONDS"] / 2),
    ]
    if pictures:
        command.append("--pictures")
    try:
        finished = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            command,
            capture_output=True,
            timeout=limits["SECONDS"],
            check=False,
            cwd=out,
            env={
                "PATH": "/usr/bin:/bin",
                "HOME": str(out),
                "LANG": "C.UTF-8",
                "PYTHONPATH": str(_SOURCE),
            },
        )
    except subprocess.TimeoutExpired:
        log.warning("Reading %s took more than %s s: stopped", path.name, limits["SECONDS"])
        return Extracted(problem=TIMEOUT)
    if finished.returncode != 0:
        log.warning(
            "Reading %s failed (exit %s): %s",
            path.name,
            finished.returncode,
            finished.stderr[-500:].decode("utf-8", "replace"),
        )
        return Extracted(problem=FAILED)
    try:
        raw = json.loads((out / "result.json").read_text(encoding="utf-8"))
        pages = [Page(**page) for page in raw["pages"]]
        return Extracted(pages=pages, problem=raw["problem"], page_count=raw["page_count"])
    except (OSError, ValueError, KeyError, TypeError):
        return Extracted(problem=CORRUPT)
