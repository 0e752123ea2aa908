from __future__ import annotations

import pytest
from django.test import Client

from cercle.accounts import services as account_services
from cercle.accounts.models import User
from cercle.communities import services
from cercle.communities.models import (
    Community,
    CommunityKind,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from cercle.posts import services as post_services
from tests.accounts.test_api import assert_error_shape, bearer
from tests.conftest import make_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"


def community(owner: User, kind: str = CommunityKind.OPEN, name: str = "Rail") -> Community:
    return services.community_create(actor=owner, name=name, kind=kind, description="Trains")


def add_member(community: Community, owner: User, person: User) -> None:
    """Through the services, whatever the kind: an invitation, then joining."""
    services.community_invite(actor=owner, community=community, user=person)
    services.community_join(actor=person, community=community)


def placed(staff: User, count: int) -> list[User]:
    """Colleagues with a department and a region (what ``PersonOut`` shows)."""
    people = [UserFactory() for _ in range(count)]
    for i, person in enumerate(people):
        account_services.profile_update(
            actor=staff, user=person, data={"department": f"Dép {i}", "region": f"Rég {i}"}
        )
    return people


def json_headers(user: User) -> dict[str, str]:
    return {**bearer(user), "Accept-Language": "en"}


# --- Directory and creation -----------------------------------------------------------


def test_create_community(client: Client, user: User) -> None:
    response = client.post(
        "/api/v1/communities",
        {"name": "  Fret  ferroviaire ", "description": "Wagons", "kind": "private"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Fret ferroviaire" and body["slug"] == "fret-ferroviaire"
    assert body["kind"] == "private" and body["member_count"] == 1
    assert body["viewer_role"] == "owner" and body["is_member"] is True
    assert body["can_post"] and body["can_moderate"] and body["can_administer"]
    assert body["url"] == "/communities/fret-ferroviaire/"


def test_invalid_community_changes_nothing(client: Client, user: User) -> None:
    for payload, field in (
        ({"name": "   "}, "name"),
        ({"name": "Ok", "kind": "public"}, "kind"),
        ({"name": "x" * 121}, "name"),
        ({"description": "no name"}, "name"),
    ):
        response = client.post(
            "/api/v1/communities",
            payload,
            content_type="application/json",
            headers=json_headers(user),
        )
        assert field in assert_error_shape(response, 422, "invalid")["fields"]
    assert Community.objects.count() == 0 and Membership.objects.count() == 0


def test_directory(client: Client, user: User, other: User) -> None:
    rail = community(other, name="Rail")
    community(other, CommunityKind.PRIVATE, name="Ressources humaines")
    community(other, CommunityKind.SECRET, name="Rachat")
    services.community_join(actor=user, community=rail)
    headers = bearer(user)
    listed = client.get("/api/v1/communities", headers=headers).json()
    assert listed["count"] == 2
    assert {c["name"]: c["is_member"] for c in listed["results"]} == {
        "Rail": True,
        "Ressources humaines": False,
    }
    mine = client.get("/api/v1/communities", {"mine": True}, headers=headers).json()
    assert [c["slug"] for c in mine["results"]] == [rail.slug]
    found = client.get("/api/v1/communities", {"q": "ressources"}, headers=headers).json()
    assert [c["name"] for c in found["results"]] == ["Ressources humaines"]
    paged = client.get("/api/v1/communities", {"per_page": 1, "page": 2}, headers=headers).json()
    assert paged["pages"] == 2 and paged["page"] == 2 and len(paged["results"]) == 1
    bad = client.get("/api/v1/communities", {"per_page": 0}, headers=headers)
    assert "per_page" in assert_error_shape(bad, 422, "invalid")["fields"]


def test_revoked_token_gets_401(client: Client, user: User) -> None:
    created = account_services.api_token_create(user=user, name="old")
    account_services.api_token_revoke(user=user, token_id=created.token.pk)
    response = client.post(
        "/api/v1/communities",
        {"name": "Rail"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {created.secret}"},
    )
    assert_error_shape(response, 401, "not_authenticated")
    assert not Community.objects.exists()


# --- Detail and settings --------------------------------------------------------------


def test_detail(client: Client, user: User, other: User) -> None:
    rail = community(other)
    body = client.get(f"/api/v1/communities/{rail.slug}", headers=bearer(user)).json()
    assert body["viewer_role"] is None and body["is_member"] is False
    assert body["can_post"] is False and body["can_moderate"] is False
    assert body["pending_request"] is False and body["invited"] is False
    assert body["description"] == "Trains" and body["archived"] is False
    assert_error_shape(
        client.get("/api/v1/communities/nowhere", headers=bearer(user)), 404, "not_found"
    )


def test_secret_community_is_404_for_non_members_and_visible_once_invited(
    client: Client, user: User, other: User
) -> None:
    secret = community(other, CommunityKind.SECRET)
    headers = bearer(user)
    for response in (
        client.get(f"/api/v1/communities/{secret.slug}", headers=headers),
        client.get(f"/api/v1/communities/{secret.slug}/members", headers=headers),
        client.get(f"/api/v1/communities/{secret.slug}/posts", headers=headers),
        client.post(f"/api/v1/communities/{secret.slug}/join", headers=headers),
        client.post(
            f"/api/v1/communities/{secret.slug}/requests",
            content_type="application/json",
            headers=headers,
        ),
    ):
        assert_error_shape(response, 404, "not_found")
    assert Membership.objects.filter(user=user).count() == 0
    services.community_invite(actor=other, community=secret, user=user)
    body = client.get(f"/api/v1/communities/{secret.slug}", headers=headers).json()
    assert body["invited"] is True and body["is_member"] is False
    joined = client.post(f"/api/v1/communities/{secret.slug}/join", headers=headers).json()
    assert joined["viewer_role"] == "member" and joined["invited"] is False


def test_patch_community(client: Client, user: User, other: User) -> None:
    rail = community(user)
    response = client.patch(
        f"/api/v1/communities/{rail.slug}",
        {"name": "Rail & fret"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Rail & fret"
    assert body["description"] == "Trains" and body["kind"] == "open"
    services.community_join(actor=other, community=rail)
    forbidden = client.patch(
        f"/api/v1/communities/{rail.slug}",
        {"name": "Pirates"},
        content_type="application/json",
        headers=bearer(other),
    )
    assert_error_shape(forbidden, 403, "forbidden")
    invalid = client.patch(
        f"/api/v1/communities/{rail.slug}",
        {"name": "", "kind": "nope"},
        content_type="application/json",
        headers=json_headers(user),
    )
    assert set(assert_error_shape(invalid, 422, "invalid")["fields"]) == {"name", "kind"}
    rail.refresh_from_db()
    assert (rail.name, rail.kind) == ("Rail & fret", "open")


def test_archive_and_unarchive(client: Client, user: User, other: User) -> None:
    rail = community(user)
    services.community_join(actor=other, community=rail)
    assert_error_shape(
        client.post(f"/api/v1/communities/{rail.slug}/archive", headers=bearer(other)),
        403,
        "forbidden",
    )
    archived = client.post(f"/api/v1/communities/{rail.slug}/archive", headers=bearer(user))
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert archived.json()["can_post"] is False
    refused = client.post(
        "/api/v1/posts", {"body": "Encore", "community": rail.slug}, headers=bearer(other)
    )
    assert_error_shape(refused, 403, "forbidden")
    back = client.post(f"/api/v1/communities/{rail.slug}/unarchive", headers=bearer(user))
    assert back.json()["archived"] is False and back.json()["can_post"] is True
    assert_error_shape(
        client.post("/api/v1/communities/nowhere/archive", headers=bearer(user)),
        404,
        "not_found",
    )


# --- Joining and leaving --------------------------------------------------------------


def test_join_twice_is_one_membership(client: Client, user: User, other: User) -> None:
    rail = community(other)
    for _ in range(2):
        response = client.post(f"/api/v1/communities/{rail.slug}/join", headers=bearer(user))
        assert response.status_code == 200, response.content
    assert response.json()["viewer_role"] == "member" and response.json()["member_count"] == 2
    assert Membership.objects.filter(community=rail, user=user).count() == 1


def test_joining_a_private_community_needs_a_request(
    client: Client, user: User, other: User
) -> None:
    private = community(other, CommunityKind.PRIVATE)
    response = client.post(f"/api/v1/communities/{private.slug}/join", headers=bearer(user))
    assert_error_shape(response, 403, "forbidden")
    assert not Membership.objects.filter(user=user).exists()


def test_leave(client: Client, user: User, other: User) -> None:
    rail = community(other)
    services.community_join(actor=user, community=rail)
    for _ in range(2):
        response = client.post(f"/api/v1/communities/{rail.slug}/leave", headers=bearer(user))
        assert response.status_code == 204
    assert not Membership.objects.filter(user=user).exists()
    rail.refresh_from_db()
    assert rail.member_count == 1


def test_the_last_owner_cannot_leave(client: Client, user: User) -> None:
    rail = community(user)
    response = client.post(f"/api/v1/communities/{rail.slug}/leave", headers=json_headers(user))
    error = assert_error_shape(response, 409, "last_owner")
    assert error["fields"] == {
        "__all__": ["You are the only owner. Make another member owner before leaving."]
    }
    assert Membership.objects.filter(community=rail, user=user, role=Role.OWNER).exists()


def test_the_last_owner_error_carries_its_code(client: Client, user: User) -> None:
    rail = community(user)
    response = client.post(f"/api/v1/communities/{rail.slug}/leave", headers=bearer(user))
    assert_error_shape(response, 409, "last_owner")


# --- Requests -------------------------------------------------------------------------


def test_request_to_join_and_approve(client: Client, user: User, other: User) -> None:
    private = community(other, CommunityKind.PRIVATE)
    url = f"/api/v1/communities/{private.slug}/requests"
    first = client.post(
        url,
        {"message": "Je travaille sur le fret"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "pending" and body["person"]["id"] == user.pk
    assert body["community"]["slug"] == private.slug
    again = client.post(url, content_type="application/json", headers=bearer(user))  # no body
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert JoinRequest.objects.count() == 1
    detail = client.get(f"/api/v1/communities/{private.slug}", headers=bearer(user)).json()
    assert detail["pending_request"] is True
    assert client.get(url, headers=bearer(user)).json() == []  # not a manager
    pending = client.get(url, headers=bearer(other)).json()
    assert [r["id"] for r in pending] == [body["id"]]
    approved = client.post(f"{url}/{body['id']}/approve", headers=bearer(other))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert Membership.objects.filter(community=private, user=user).exists()


def test_deny_request(client: Client, user: User, other: User) -> None:
    private = community(other, CommunityKind.PRIVATE)
    join_request = services.community_request(actor=user, community=private)
    url = f"/api/v1/communities/{private.slug}/requests/{join_request.pk}"
    assert_error_shape(client.post(f"{url}/approve", headers=bearer(user)), 404, "not_found")
    denied = client.post(f"{url}/deny", headers=bearer(other))
    assert denied.json()["status"] == "denied"
    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.DENIED
    assert not Membership.objects.filter(community=private, user=user).exists()


def test_request_must_belong_to_the_community(client: Client, user: User, other: User) -> None:
    private = community(other, CommunityKind.PRIVATE)
    elsewhere = community(other, CommunityKind.PRIVATE, name="Autre")
    join_request = services.community_request(actor=user, community=private)
    for url in (
        f"/api/v1/communities/{elsewhere.slug}/requests/{join_request.pk}/approve",
        f"/api/v1/communities/{private.slug}/requests/999999/approve",
    ):
        assert_error_shape(client.post(url, headers=bearer(other)), 404, "not_found")
    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.PENDING


def test_requesting_an_open_community_is_forbidden(client: Client, user: User, other: User) -> None:
    rail = community(other)
    response = client.post(
        f"/api/v1/communities/{rail.slug}/requests",
        content_type="application/json",
        headers=bearer(user),
    )
    assert_error_shape(response, 403, "forbidden")
    assert not JoinRequest.objects.exists()


# --- Invitations ----------------------------------------------------------------------


def test_invite_and_decline(client: Client, user: User, other: User) -> None:
    secret = community(other, CommunityKind.SECRET)
    url = f"/api/v1/communities/{secret.slug}/invitations"
    for _ in range(2):
        response = client.post(
            url, {"user_id": user.pk}, content_type="application/json", headers=bearer(other)
        )
        assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"]["id"] == user.pk and body["status"] == "pending"
    assert Invitation.objects.count() == 1
    third = UserFactory()
    assert_error_shape(
        client.post(f"/api/v1/invitations/{body['id']}/decline", headers=bearer(third)),
        404,
        "not_found",
    )
    declined = client.post(f"/api/v1/invitations/{body['id']}/decline", headers=bearer(user))
    assert declined.status_code == 204
    assert Invitation.objects.get().status == InvitationStatus.DECLINED
    assert_error_shape(
        client.get(f"/api/v1/communities/{secret.slug}", headers=bearer(user)), 404, "not_found"
    )


def test_invitation_refusals_change_nothing(client: Client, user: User, other: User) -> None:
    rail = community(other)
    services.community_join(actor=user, community=rail)
    url = f"/api/v1/communities/{rail.slug}/invitations"
    third = UserFactory()
    by_member = client.post(
        url, {"user_id": third.pk}, content_type="application/json", headers=bearer(user)
    )
    assert_error_shape(by_member, 403, "forbidden")
    unknown = client.post(
        url, {"user_id": 999999}, content_type="application/json", headers=bearer(other)
    )
    assert "user_id" in assert_error_shape(unknown, 422, "invalid")["fields"]
    member = client.post(
        url, {"user_id": user.pk}, content_type="application/json", headers=bearer(other)
    )
    assert "user" in assert_error_shape(member, 422, "invalid")["fields"]
    missing = client.post(url, {}, content_type="application/json", headers=bearer(other))
    assert "user_id" in assert_error_shape(missing, 422, "invalid")["fields"]
    assert not Invitation.objects.exists()


# --- Members --------------------------------------------------------------------------


def test_members(client: Client, user: User, staff: User, django_assert_max_num_queries) -> None:
    rail = community(user)
    people = placed(staff, 15)
    for person in people:
        services.community_join(actor=person, community=rail)
    services.member_set_role(actor=user, community=rail, user=people[3], role=Role.MANAGER)
    headers = bearer(user)
    with django_assert_max_num_queries(7):  # 5 measured, whatever the number of members
        response = client.get(f"/api/v1/communities/{rail.slug}/members", headers=headers)
    body = response.json()
    assert len(body) == 16
    assert [m["role"] for m in body[:3]] == ["owner", "manager", "member"]
    assert body[0]["person"]["id"] == user.pk and body[1]["person"]["id"] == people[3].pk
    assert body[1]["person"]["region"] == "Rég 3"


def test_private_members_are_hidden_from_non_members(
    client: Client, user: User, other: User
) -> None:
    private = community(other, CommunityKind.PRIVATE)
    response = client.get(f"/api/v1/communities/{private.slug}/members", headers=bearer(user))
    assert response.status_code == 200 and response.json() == []


def test_remove_member(client: Client, user: User, other: User) -> None:
    rail = community(user)
    services.community_join(actor=other, community=rail)
    third = UserFactory()
    services.community_join(actor=third, community=rail)
    url = f"/api/v1/communities/{rail.slug}/members"
    assert_error_shape(client.delete(f"{url}/{third.pk}", headers=bearer(other)), 403, "forbidden")
    assert client.delete(f"{url}/{third.pk}", headers=bearer(user)).status_code == 204
    assert client.delete(f"{url}/{third.pk}", headers=bearer(user)).status_code == 204
    assert_error_shape(client.delete(f"{url}/999999", headers=bearer(user)), 404, "not_found")
    assert set(Membership.objects.filter(community=rail).values_list("user_id", flat=True)) == {
        user.pk,
        other.pk,
    }
    last_owner = client.delete(f"{url}/{user.pk}", headers=json_headers(user))
    assert_error_shape(last_owner, 409, "last_owner")
    assert Membership.objects.filter(community=rail, user=user).exists()


def test_set_role(client: Client, user: User, other: User) -> None:
    rail = community(user)
    services.community_join(actor=other, community=rail)
    url = f"/api/v1/communities/{rail.slug}/members/{other.pk}/role"
    response = client.put(
        url, {"role": "manager"}, content_type="application/json", headers=bearer(user)
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "manager" and response.json()["person"]["id"] == other.pk
    invalid = client.put(
        url, {"role": "king"}, content_type="application/json", headers=bearer(user)
    )
    assert "role" in assert_error_shape(invalid, 422, "invalid")["fields"]
    by_manager = client.put(
        f"/api/v1/communities/{rail.slug}/members/{user.pk}/role",
        {"role": "member"},
        content_type="application/json",
        headers=bearer(other),
    )
    assert_error_shape(by_manager, 403, "forbidden")
    demote_last_owner = client.put(
        f"/api/v1/communities/{rail.slug}/members/{user.pk}/role",
        {"role": "member"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert "role" in assert_error_shape(demote_last_owner, 409, "last_owner")["fields"]
    not_member = client.put(
        f"/api/v1/communities/{rail.slug}/members/{UserFactory().pk}/role",
        {"role": "member"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert "user" in assert_error_shape(not_member, 422, "invalid")["fields"]
    roles = dict(Membership.objects.filter(community=rail).values_list("user_id", "role"))
    assert roles == {user.pk: "owner", other.pk: "manager"}


# --- Posts ----------------------------------------------------------------------------


def test_community_posts(
    client: Client, user: User, staff: User, django_assert_max_num_queries
) -> None:
    rail = community(user)
    people = placed(staff, 5)
    for person in people:
        services.community_join(actor=person, community=rail)
    original = post_services.post_create(author=people[0], body="Sur mon profil")
    for i in range(15):
        author = people[i % 5]
        kwargs: dict = {}
        if i % 3 == 0:
            kwargs["uploads"] = [
                post_services.Upload("photo.png", make_image()),
                post_services.Upload("plan.pdf", PDF),
            ]
        if i % 4 == 1:
            kwargs["praised"] = [people[(i + 1) % 5], people[(i + 2) % 5]]
        if i % 5 == 2:
            kwargs["shared_post"] = original
        created = post_services.post_create(
            author=author, body=f"Post {i} #rail", community=rail, **kwargs
        )
        for reactor in people[:3]:
            post_services.reaction_set(user=reactor, post=created, emoji="like", on=True)
        post_services.reaction_set(user=user, post=created, emoji="idea", on=True)
    headers = bearer(user)
    with django_assert_max_num_queries(14):  # 12 measured, whatever the number of posts
        response = client.get(f"/api/v1/communities/{rail.slug}/posts", headers=headers)
    body = response.json()
    assert len(body["items"]) == 15 and body["next_cursor"] is None
    newest = body["items"][0]
    assert newest["body"] == "Post 14 #rail" and newest["community"]["slug"] == rail.slug
    assert [(r["emoji"], r["count"], r["mine"]) for r in newest["reactions"]] == [
        ("like", 3, False),
        ("idea", 1, True),
    ]
    assert newest["permissions"] == {
        "edit": False,
        "delete": True,
        "pin": True,
        "comment": True,
        "hide": True,
        "move": True,
    }
    shares = [p for p in body["items"] if p["kind"] == "share"]
    assert shares and all(p["shared_post"]["id"] == original.pk for p in shares)
    first_page = client.get(
        f"/api/v1/communities/{rail.slug}/posts", {"limit": 10}, headers=headers
    ).json()
    assert len(first_page["items"]) == 10 and first_page["next_cursor"]


def test_private_community_posts_are_not_listed_to_non_members(
    client: Client, user: User, other: User
) -> None:
    private = community(other, CommunityKind.PRIVATE)
    post_services.post_create(author=other, body="Entre nous", community=private)
    response = client.get(f"/api/v1/communities/{private.slug}/posts", headers=bearer(user))
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}
    member = client.get(f"/api/v1/communities/{private.slug}/posts", headers=bearer(other))
    assert len(member.json()["items"]) == 1


def test_openapi_lists_every_endpoint_with_a_summary(logged_client: Client) -> None:
    paths = logged_client.get("/api/v1/openapi.json").json()["paths"]
    base = "/api/v1/communities"
    expected = {
        base: {"get", "post"},
        f"{base}/{{slug}}": {"get", "patch"},
        f"{base}/{{slug}}/archive": {"post"},
        f"{base}/{{slug}}/unarchive": {"post"},
        f"{base}/{{slug}}/join": {"post"},
        f"{base}/{{slug}}/leave": {"post"},
        f"{base}/{{slug}}/requests": {"get", "post"},
        f"{base}/{{slug}}/requests/{{request_id}}/approve": {"post"},
        f"{base}/{{slug}}/requests/{{request_id}}/deny": {"post"},
        f"{base}/{{slug}}/invitations": {"post"},
        "/api/v1/invitations/{invitation_id}/decline": {"post"},
        f"{base}/{{slug}}/members": {"get"},
        f"{base}/{{slug}}/members/{{user_id}}": {"delete"},
        f"{base}/{{slug}}/members/{{user_id}}/role": {"put"},
        f"{base}/{{slug}}/posts": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert paths[path][method]["summary"], (path, method)
            assert paths[path][method]["tags"] == ["communities"]
