"""``reverse()`` at the cost of a string format, for the links repeated on every card.

A card shows a dozen links and a page twenty cards: reversed each time, they
cost more than the rest of the card.  The URL of a name is kept as a format
per number of arguments and script prefix, and used whenever the arguments
need no quoting (integers, or ``[A-Za-z0-9_-]``); anything else goes through
``reverse()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.urls import get_script_prefix, reverse

_SIMPLE = re.compile(r"[A-Za-z0-9_-]+")  # an argument reverse() would not quote
_formats: dict[tuple[str, int, str], Callable[..., str]] = {}


def fast_reverse(name: str, *args: Any) -> str:
    """``reverse(name, args=args)``."""
    if not all(isinstance(a, int) or (isinstance(a, str) and _SIMPLE.fullmatch(a)) for a in args):
        return reverse(name, args=args)
    key = (name, len(args), get_script_prefix())
    maker = _formats.get(key)
    if maker is None:
        markers = [str(987654320 + i) for i in range(len(args))]
        pattern = reverse(name, args=markers).replace("{", "{{").replace("}", "}}")
        for i, marker in enumerate(markers):
            pattern = pattern.replace(marker, f"{{{i}}}")
        maker = _formats[key] = pattern.format
    return maker(*args)
