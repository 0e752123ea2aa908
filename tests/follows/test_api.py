from __future__ import annotations

import pytest
from django.test import Client

from cercle.accounts import services as account_services
from cercle.accounts.models import User
from cercle.follows import services
from cercle.follows.models import Follow
from tests.accounts.test_api import assert_error_shape, bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_follow_twice_is_one_follow(client: Client, user: User, other: User) -> None:
    for _ in range(2):
        response = client.put(f"/api/v1/people/{other.pk}/follow", headers=bearer(user))
        assert response.status_code == 200, response.content
    body = response.json()
    assert body["person"]["id"] == other.pk and body["following"] is True
    assert body["follower_count"] == 1 and body["following_count"] == 0
    assert Follow.objects.count() == 1


def test_unfollow_is_idempotent(client: Client, user: User, other: User) -> None:
    services.follow(follower=user, followee=other)
    for _ in range(2):
        response = client.delete(f"/api/v1/people/{other.pk}/follow", headers=bearer(user))
        assert response.status_code == 200
        assert response.json()["following"] is False
    assert not Follow.objects.exists()


def test_follow_refusals_change_nothing(client: Client, user: User, staff: User) -> None:
    headers = {**bearer(user), "Accept-Language": "en"}
    myself = client.put(f"/api/v1/people/{user.pk}/follow", headers=headers)
    assert "followee" in assert_error_shape(myself, 422, "invalid")["fields"]
    gone = UserFactory()
    account_services.profile_update(actor=staff, user=gone, data={})
    User.objects.filter(pk=gone.pk).update(is_active=False)
    inactive = client.put(f"/api/v1/people/{gone.pk}/follow", headers=headers)
    assert "followee" in assert_error_shape(inactive, 422, "invalid")["fields"]
    for response in (
        client.put("/api/v1/people/999999/follow", headers=headers),
        client.delete("/api/v1/people/999999/follow", headers=headers),
        client.get("/api/v1/people/999999/followers", headers=headers),
        client.get("/api/v1/people/999999/following", headers=headers),
    ):
        assert_error_shape(response, 404, "not_found")
    assert not Follow.objects.exists()


def test_followers_and_following(
    client: Client, user: User, other: User, staff: User, django_assert_max_num_queries
) -> None:
    fans = [UserFactory() for _ in range(15)]
    for i, fan in enumerate(fans):
        account_services.profile_update(
            actor=staff, user=fan, data={"department": f"Dép {i}", "region": f"Rég {i}"}
        )
        services.follow(follower=fan, followee=other)
    services.follow(follower=other, followee=user)
    User.objects.filter(pk=fans[0].pk).update(is_active=False)  # left out of lists
    headers = bearer(user)
    with django_assert_max_num_queries(7):  # 5 measured, whatever the number of followers
        response = client.get(f"/api/v1/people/{other.pk}/followers", headers=headers)
    assert {p["id"] for p in response.json()} == {f.pk for f in fans[1:]}
    assert response.json()[0]["region"]
    following = client.get(f"/api/v1/people/{other.pk}/following", headers=headers).json()
    assert [p["id"] for p in following] == [user.pk]


def test_suggestions(client: Client, user: User, other: User, staff: User) -> None:
    report = UserFactory()
    account_services.profile_update(actor=staff, user=user, data={"manager": other})
    account_services.profile_update(actor=staff, user=report, data={"manager": user})
    body = client.get("/api/v1/me/suggestions", headers=bearer(user)).json()
    assert [(s["person"]["id"], s["reason"]) for s in body] == [
        (other.pk, "manager"),
        (report.pk, "report"),
    ]
    services.follow(follower=user, followee=other)
    after = client.get("/api/v1/me/suggestions", headers=bearer(user)).json()
    assert [s["person"]["id"] for s in after] == [report.pk]


def test_revoked_token_gets_401(client: Client, user: User, other: User) -> None:
    created = account_services.api_token_create(user=user, name="old")
    account_services.api_token_revoke(user=user, token_id=created.token.pk)
    response = client.put(
        f"/api/v1/people/{other.pk}/follow", headers={"Authorization": f"Bearer {created.secret}"}
    )
    assert_error_shape(response, 401, "not_authenticated")
    assert not Follow.objects.exists()


def test_openapi_lists_every_endpoint_with_a_summary(logged_client: Client) -> None:
    paths = logged_client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/people/{user_id}/follow": {"put", "delete"},
        "/api/v1/people/{user_id}/followers": {"get"},
        "/api/v1/people/{user_id}/following": {"get"},
        "/api/v1/me/suggestions": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert paths[path][method]["summary"], (path, method)
            assert paths[path][method]["tags"] == ["follows"]
