"""The person a request names, for pages and the API alike (``NotFound`` when hidden)."""

from __future__ import annotations

from django.http import HttpRequest

from cercle.access import found
from cercle.accounts import selectors
from cercle.accounts.models import User
from cercle.core.http import viewer_of


def person_of(request: HttpRequest, user_id: int) -> User:
    return found(selectors.person_get(viewer=viewer_of(request), user_id=user_id))
