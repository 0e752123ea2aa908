from __future__ import annotations

from django.http import HttpRequest

from cercle.accounts.models import User


def shell(request: HttpRequest) -> dict[str, object]:
    """Which main navigation entry is current (``feed``, ``communities``, ``people``, ``me``)."""
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match is not None else ""
    section = ""
    if view == "home":
        section = "feed"
    elif view.startswith("notifications:"):
        section = "notifications"
    elif view.startswith("communities:"):
        section = "communities"
    elif view.startswith(("accounts:", "follows:")):
        section = "people"
        user = getattr(request, "user", None)
        pk = match.kwargs.get("pk") if match is not None else None
        if isinstance(user, User) and (
            pk == user.pk or view in {"accounts:me", "accounts:settings"}
        ):
            section = "me"
    return {"nav_section": section}
