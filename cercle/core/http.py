"""Small helpers shared by the HTML views."""

from __future__ import annotations

from django.http import HttpRequest

from cercle.accounts.models import User


def viewer_of(request: HttpRequest) -> User:
    """The signed-in user (``LoginRequiredMiddleware`` guarantees one on every page)."""
    user = request.user
    assert isinstance(user, User)
    return user


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
