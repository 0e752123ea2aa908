from __future__ import annotations

import pytest
from django.urls import reverse

from cercle.communities import services
from cercle.communities.models import Community, CommunityKind, JoinRequest, Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_from_the_form(logged_client, user) -> None:
    response = logged_client.post(
        reverse("communities:create"),
        {"name": "Club Python", "description": "Pour les curieux", "kind": "open"},
    )
    community = Community.objects.get()
    assert response.status_code == 302 and response["Location"] == community.get_absolute_url()
    assert Membership.objects.get(community=community).user == user


def test_invalid_form_keeps_input(client_for, user) -> None:
    response = client_for(user, language="en").post(
        reverse("communities:create"), {"name": "", "description": "Gardé", "kind": "nope"}
    )
    assert response.status_code == 422
    assert "Gardé" in response.content.decode()
    assert not Community.objects.exists()


def test_directory_hides_secret_communities_from_outsiders(logged_client, other) -> None:
    services.community_create(actor=other, name="Veille", kind=CommunityKind.OPEN)
    services.community_create(actor=other, name="Privée RH", kind=CommunityKind.PRIVATE)
    services.community_create(actor=other, name="Comité secret", kind=CommunityKind.SECRET)
    body = logged_client.get(reverse("communities:directory")).content.decode()
    assert "Veille" in body and "Privée RH" in body
    assert "Comité secret" not in body
    assert logged_client.get("/communities/comite-secret/").status_code == 404
    found = logged_client.get(reverse("communities:directory"), {"q": "privee"}).content.decode()
    assert "Privée RH" in found and "Veille" not in found


def test_join_request_approve_flow(client_for, user, other) -> None:
    community = services.community_create(actor=other, name="Sud-Ouest", kind=CommunityKind.PRIVATE)
    page = client_for(user).get(community.get_absolute_url()).content.decode()
    assert "only its members can read it" in page or "seuls ses membres" in page
    client_for(user).post(reverse("communities:request", args=[community.slug]))
    join_request = JoinRequest.objects.get()
    members_page = client_for(other).get(reverse("communities:members", args=[community.slug]))
    assert user.name in members_page.content.decode()
    client_for(other).post(
        reverse("communities:decide_request", args=[community.slug, join_request.pk]),
        {"approve": "1"},
    )
    assert Membership.objects.filter(community=community, user=user).exists()


def test_invite_by_handle_and_roles(client_for, user, other) -> None:
    community = services.community_create(actor=other, name="Projet", kind=CommunityKind.SECRET)
    owner = client_for(other)
    owner.post(reverse("communities:invite", args=[community.slug]), {"handle": f"@{user.handle}"})
    client_for(user).post(reverse("communities:join", args=[community.slug]))
    owner.post(
        reverse("communities:set_role", args=[community.slug, user.pk]), {"role": Role.MANAGER}
    )
    assert Membership.objects.get(community=community, user=user).role == Role.MANAGER
    unknown = owner.post(
        reverse("communities:invite", args=[community.slug]), {"handle": "@personne"}, follow=True
    )
    assert unknown.status_code == 200
    owner.post(reverse("communities:remove_member", args=[community.slug, user.pk]))
    assert not Membership.objects.filter(community=community, user=user).exists()


def test_outsider_cannot_manage(client_for, user, other) -> None:
    community = services.community_create(actor=other, name="Ouverte", kind=CommunityKind.OPEN)
    target = UserFactory()
    services.community_join(actor=target, community=community)
    client = client_for(user)
    assert (
        client.post(
            reverse("communities:remove_member", args=[community.slug, target.pk])
        ).status_code
        == 403
    )
    assert client.get(reverse("communities:settings", args=[community.slug])).status_code == 403
    assert Membership.objects.filter(community=community, user=target).exists()


def test_last_owner_leaving_gets_a_message(client_for, other) -> None:
    community = services.community_create(actor=other, name="Seule", kind=CommunityKind.OPEN)
    response = client_for(other, language="en").post(
        reverse("communities:leave", args=[community.slug]), follow=True
    )
    assert "only owner" in response.content.decode()
    assert Membership.objects.filter(community=community, user=other).exists()


def test_archive_makes_it_read_only(client_for, other) -> None:
    community = services.community_create(actor=other, name="Vieille", kind=CommunityKind.OPEN)
    client_for(other).post(reverse("communities:archive", args=[community.slug]), {"on": "1"})
    community.refresh_from_db()
    assert community.archived_at is not None
    page = client_for(other).get(community.get_absolute_url()).content.decode()
    assert 'id="composer"' not in page


def test_avatar_upload_is_reencoded_and_bad_pictures_refused(client_for, user) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import make_image

    client = client_for(user, language="en")
    good = SimpleUploadedFile("logo.png", make_image(), content_type="image/png")
    client.post(
        reverse("communities:create"), {"name": "Avec logo", "kind": "open", "avatar": good}
    )
    community = Community.objects.get()
    assert community.avatar.name.endswith("-256.webp")
    assert client.get(community.avatar.url).status_code == 200
    bad = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(
        reverse("communities:create"), {"name": "Sans logo", "kind": "open", "avatar": bad}
    )
    assert response.status_code == 422
    assert "not an image" in response.content.decode()
    assert Community.objects.count() == 1


def test_invite_by_email_or_full_name(client_for, other) -> None:
    community = services.community_create(actor=other, name="Projet X", kind=CommunityKind.PRIVATE)
    by_mail = UserFactory(first_name="Franck", last_name="Bernard")
    by_name = UserFactory(first_name="Astrid", last_name="Riou")
    owner = client_for(other)
    owner.post(
        reverse("communities:invite", args=[community.slug]), {"handle": by_mail.email.upper()}
    )
    owner.post(reverse("communities:invite", args=[community.slug]), {"handle": "astrid riou"})
    invited = set(community.invitations.values_list("user_id", flat=True))
    assert invited == {by_mail.pk, by_name.pk}


def test_members_are_paged_and_searchable(
    client_for, user, other, django_assert_max_num_queries
) -> None:
    community = services.community_create(actor=other, name="Grande", kind=CommunityKind.OPEN)
    joiners = [UserFactory(last_name=f"Zmembre{i:02d}") for i in range(60)]
    joiners[7].last_name = "Vasquez"
    joiners[7].save()
    for person in [user, *joiners]:
        services.community_join(actor=person, community=community)
    client = client_for(user, language="en")
    url = reverse("communities:members", args=[community.slug])
    with django_assert_max_num_queries(12):
        first = client.get(url).content.decode()
    assert "62 members" in first
    assert other.name in first  # the owner first
    assert first.count('class="member-row"') == 50
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="member-row"') == 12
    # Read in two steps (the page's ids, then their rows): the order holds across both.
    names = [f"Zmembre{i:02d}" for i in range(60) if i != 7]
    assert all(name in first for name in names[:47]) and names[47] not in first
    positions = [second.index(name) for name in names[47:]]
    assert positions == sorted(positions)
    found = client.get(url, {"q": "vasq"}).content.decode()
    assert found.count('class="member-row"') == 1 and "Vasquez" in found
    nobody = client.get(url, {"q": "personne"}).content.decode()
    assert "No member matches “personne”." in nobody
    assert client.get(url, {"page": "abc"}).status_code == 200  # the first page, as Django pages
