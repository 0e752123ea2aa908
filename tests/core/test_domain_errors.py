"""The domain's refusals become 404 and 403 in one place for pages, one for the API.

Services raise ``cercle.access.NotFound`` / ``Forbidden`` (never ``Http404``):
``DomainErrorsMiddleware`` answers the pages, ``cercle.api.api`` the API.
"""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from cercle import urls as cercle_urls
from cercle.access import Forbidden, NotFound, require
from cercle.access.posts import PostAction
from cercle.accounts.models import User
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import services as posts


def _raises_not_found(request: HttpRequest) -> HttpResponse:
    raise NotFound


def _raises_forbidden(request: HttpRequest) -> HttpResponse:
    raise Forbidden


# The product's pages (the error pages link to them), plus two that refuse.
urlpatterns = [
    path("not-found/", _raises_not_found),
    path("forbidden/", _raises_forbidden),
    *cercle_urls.urlpatterns,
]


@pytest.mark.urls(__name__)
def test_a_page_answers_the_domains_refusals_with_its_error_pages(logged_client: Client) -> None:
    missing = logged_client.get("/not-found/")
    assert missing.status_code == 404
    assert "introuvable" in missing.content.decode().lower()
    assert logged_client.get("/forbidden/").status_code == 403


@pytest.mark.django_db
def test_require_tells_not_found_from_forbidden(user: User, other: User) -> None:
    secret = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    hidden = posts.post_create(author=other, community=secret, body="Confidentiel")
    seen = posts.post_create(author=other, body="Bonjour")
    with pytest.raises(NotFound):  # not for this viewer: exactly as if it did not exist
        require(user, PostAction.DELETE, hidden)
    with pytest.raises(Forbidden):  # seen, but not theirs to delete
        require(user, PostAction.DELETE, seen)
    require(user, PostAction.VIEW, seen)
    require(other, PostAction.DELETE, hidden)


@pytest.mark.django_db
def test_the_api_answers_a_services_not_found_with_a_json_404(client: Client, user: User) -> None:
    """A reaction on a comment of another post: the service's NotFound, through the API."""
    from tests.accounts.test_api import assert_error_shape, bearer

    first = posts.post_create(author=user, body="Un")
    second = posts.post_create(author=user, body="Deux")
    comment = posts.comment_create(author=user, post=second, body="Réponse")
    with pytest.raises(NotFound):
        posts.reaction_set(user=user, post=first, comment=comment, emoji="like", on=True)
    response = client.put(f"/api/v1/posts/{first.pk}/reactions/unknown", headers=bearer(user))
    assert response.status_code == 422
    assert_error_shape(
        client.delete(f"/api/v1/posts/{first.pk + 100}", headers=bearer(user)), 404, "not_found"
    )
