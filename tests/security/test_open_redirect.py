"""Finding L4: a ``next`` was followed when it merely started with "/" (``/\\evil`` passed)."""

from __future__ import annotations

import pytest
from django.test import Client

from cercle.accounts.models import User
from cercle.communities import services as community_services
from cercle.communities.models import CommunityKind
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOSTILE = [
    "//evil.example.com/",
    "/\\evil.example.com/",
    "/\\/evil.example.com",
    "\\\\evil.example.com",
    "https://evil.example.com/",
    "https:evil.example.com",
    "http:/evil.example.com",
    "//testserver@evil.example.com",
    "/\t/evil.example.com",
    " //evil.example.com",
    "javascript:alert(1)",
]


def _stays_here(location: str) -> bool:
    return "evil" not in location and not location.startswith("javascript")


@pytest.mark.parametrize("target", HOSTILE)
def test_joining_a_community_never_leads_off_site(
    logged_client: Client, other: User, target: str
) -> None:
    community = community_services.community_create(
        actor=other, name="Rail", kind=CommunityKind.OPEN
    )
    response = logged_client.post(f"/communities/{community.slug}/join/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == community.get_absolute_url()


@pytest.mark.parametrize("target", HOSTILE)
def test_the_feed_attention_form_never_leads_off_site(
    logged_client: Client, other: User, target: str
) -> None:
    response = logged_client.post(
        "/attention/",
        {"source_kind": "person", "source_id": other.pk, "level": "mute", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_never_leads_off_site(client: Client, user: User, target: str) -> None:
    response = client.post(
        "/login/", {"username": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert _stays_here(response["Location"]) and response["Location"] == "/"


def test_a_local_next_is_still_followed(logged_client: Client, other: User) -> None:
    community = community_services.community_create(
        actor=other, name="Rail", kind=CommunityKind.OPEN
    )
    url = f"/communities/{community.slug}/members/"
    response = logged_client.post(f"/communities/{community.slug}/join/", {"next": url})
    assert response["Location"] == url
