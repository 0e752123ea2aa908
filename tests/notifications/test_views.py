"""The bell, the notifications page and the API: reading, following, marking read."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cercle.notifications.models import Notification
from cercle.posts import services as posts
from tests.accounts.test_api import assert_error_shape, bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commented(user, other):
    post = posts.post_create(author=user, body="Planning du chantier de Pau")
    comment = posts.comment_create(author=other, post=post, body="Je valide le lot 2.")
    return post, comment


def test_the_bell_counts_what_is_unread(client_for, user, other, commented) -> None:
    page = client_for(user).get(reverse("home")).content.decode()
    assert reverse("notifications:badge") in page  # fetched after the page
    badge = client_for(user).get(reverse("notifications:badge")).content.decode()
    assert ">1<" in badge and "non lue" in badge
    empty = client_for(other).get(reverse("notifications:badge")).content.decode()
    assert "hidden" in empty and ">1<" not in empty


def test_the_page_says_what_happened_in_french_and_leads_to_the_comment(
    client_for, user, commented
) -> None:
    post, comment = commented
    client = client_for(user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Alexandra Girard a commenté votre message" in page
    assert "Je valide le lot 2." in page and "1 notification non lue" in page
    assert "à l'instant" in unescape(page)  # not "il y a 0 minute"
    notification = Notification.objects.get()
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_one_and_all(client_for, user, other, commented) -> None:
    post, _comment = commented
    posts.reaction_set(user=other, post=post, emoji="like", on=True)
    client = client_for(user)
    first = Notification.objects.order_by("id").first()
    assert first is not None
    fragment = client.post(
        reverse("notifications:read", args=[first.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "unread" not in fragment.split(">", 1)[0]  # the row is no longer unread
    assert 'hx-swap-oob="true"' in fragment and ">1<" in fragment  # the bell follows
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "Marquer tout comme lu" not in client.get(reverse("notifications:list")).content.decode()


def test_another_persons_notification_is_not_found(client_for, user, commented) -> None:
    notification = Notification.objects.get()
    stranger = client_for(UserFactory())
    assert stranger.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert stranger.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    assert stranger.get(reverse("notifications:open", args=[999999])).status_code == 404
    assert stranger.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None  # nothing changed


def test_api(client: Client, user, other, commented) -> None:
    post, comment = commented
    headers = {**bearer(user), "Accept-Language": "en"}
    body = client.get("/api/v1/notifications", headers=headers).json()
    assert body["unread_count"] == 1 and body["pages"] == 1
    (item,) = body["items"]
    assert item["event"] == "comment" and item["unread"] is True
    assert item["text"] == "Alexandra Girard commented on your post"
    assert item["url"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert item["actor"]["id"] == other.pk and item["actor_count"] == 1
    assert client.get("/api/v1/notifications/unread-count", headers=headers).json() == {
        "unread_count": 1
    }
    assert_error_shape(
        client.post("/api/v1/notifications/999999/read", headers=headers), 404, "not_found"
    )
    assert_error_shape(
        client.post(f"/api/v1/notifications/{item['id']}/read", headers=bearer(other)),
        404,
        "not_found",
    )
    bad = client.get("/api/v1/notifications", {"page": 0}, headers=headers)
    assert_error_shape(bad, 422, "invalid")
    read = client.post(f"/api/v1/notifications/{item['id']}/read", headers=headers)
    assert read.json() == {"unread_count": 0}
    assert (
        client.get("/api/v1/notifications", {"unread": True}, headers=headers).json()["items"] == []
    )
    posts.reaction_set(user=other, post=post, emoji="like", on=True)
    assert client.post("/api/v1/notifications/read-all", headers=headers).json() == {
        "unread_count": 0
    }


def test_the_page_and_the_api_cost_the_same_queries_for_one_or_many(
    client: Client, client_for, user, other
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post = posts.post_create(author=user, body="Bilan sécurité du trimestre")
    posts.comment_create(author=other, post=post, body="Merci pour le bilan.")
    page_client, headers = client_for(user), bearer(user)

    def costs() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert page_client.get(reverse("notifications:list")).status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client.get("/api/v1/notifications", headers=headers).status_code == 200
        return len(page), len(api)

    client.get("/api/v1/notifications/unread-count", headers=headers)  # the token's first use
    few = costs()
    for n in range(6):  # other kinds, other people, other posts, a community
        someone = UserFactory(first_name=f"Collègue{n}")
        mine = posts.post_create(author=user, body=f"Point {n}")
        posts.reaction_set(user=someone, post=mine, emoji="like", on=True)
        posts.comment_create(author=someone, post=mine, body=f"@{user.handle} vu")
    assert costs() == few


def test_the_page_counts_pages_and_unread_once(client_for, user) -> None:
    """31 visible notifications, 2 of them read: two pages, "29 unread", one counting query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cercle.notifications.selectors import PAGE_SIZE

    authors = UserFactory.create_batch(PAGE_SIZE + 1)
    for author in authors:
        posts.post_create(author=author, body=f"Merci @{user.handle}")
    Notification.objects.filter(pk__in=Notification.objects.order_by("pk")[:2]).update(
        read_at=timezone.now()
    )
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("notifications:list")).content.decode()
    assert "29 notifications non lues" in first and "?page=2" in first
    assert sum("COUNT(" in q["sql"] for q in queries.captured_queries) == 1
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert second.count('class="notification card') == 1
