"""Text helpers shared by every app: normalisation for search keys and tags."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# C0 control characters but tab, newline and carriage return (NUL breaks PostgreSQL).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Multi-line user text without control characters, trimmed."""
    return _CONTROLS.sub("", text).strip()


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` ("Île-de-France" -> "ile-de-france")."""
    decomposed = unicodedata.normalize("NFKD", _CONTROLS.sub("", text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def clean_label(text: str) -> str:
    """A human label with surrounding and repeated white space removed."""
    return _SPACES.sub(" ", _CONTROLS.sub("", text)).strip()
