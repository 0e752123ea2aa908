"""The product shell: home, health check, error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cercle.accounts.models import User
from cercle.communities import selectors as community_selectors
from cercle.network import selectors as network_selectors
from cercle.posts import selectors as post_selectors
from cercle.posts.forms import ComposerForm


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    checks = [
        bool(user.photo),
        bool(user.job_title),
        user.department_id is not None,
        user.region_id is not None,
        user.skills.exists(),
        bool(user.bio or user.ask_me_about),
    ]
    completion = round(100 * sum(checks) / len(checks))
    mine = community_selectors.directory(viewer=user, mine=True)
    return render(
        request,
        "core/home.html",
        {
            "completion": completion,
            "suggestions": network_selectors.suggestions(viewer=user),
            "invitations": community_selectors.my_invitations(viewer=user),
            "my_communities": mine[:8],
            "composer": ComposerForm(),
            "composer_community": None,
            "composer_destinations": [c for c in mine if c.archived_at is None],
            "page": post_selectors.stream(viewer=user, author=user, limit=10),
            "stream_query": f"author={user.pk}",
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "unhealthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
