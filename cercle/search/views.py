from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cercle.core.http import viewer_of
from cercle.search import selectors


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The drop-down under the search box (htmx fragment)."""
    q = request.GET.get("q", "")
    return render(
        request,
        "search/_suggestions.html",
        {"suggestions": selectors.suggest(viewer=viewer_of(request), q=q), "q": q[:100]},
    )
