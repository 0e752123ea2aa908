"""The community a request names, for pages and the API alike (``NotFound`` when hidden)."""

from __future__ import annotations

from django.http import HttpRequest

from cercle.access import found
from cercle.communities import selectors
from cercle.communities.models import Community
from cercle.core.http import viewer_of


def community_of(request: HttpRequest, slug: str) -> Community:
    return found(selectors.community_get(viewer=viewer_of(request), slug=slug))
