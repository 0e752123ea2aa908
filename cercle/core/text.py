"""Text helpers shared by every app: normalisation for search keys and tags."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` ("Île-de-France" -> "ile-de-france")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def clean_label(text: str) -> str:
    """A human label with surrounding and repeated white space removed."""
    return _SPACES.sub(" ", text).strip()
