from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, object]:
    """What the page shell needs: the active navigation section."""
    match = getattr(request, "resolver_match", None)
    section = ""
    if match is not None:
        section = match.url_name or ""
    return {"nav_section": section, "cercle_debug": settings.DEBUG}
