"""Moderation of posts: hiding one (and showing it again), moving one to another community.

Who may do it, what each reader sees at once (feed, streams, search), what the
author is told, and how bad requests are refused without changing anything.
The read paths for every audience and viewer are in the visibility matrix
(tests/access/test_visibility_matrix.py::test_visibility_matrix_of_hidden_posts).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cercle.access import NotFound
from cercle.communities import services as communities
from cercle.communities.models import AuditEntry, Community, CommunityKind, Role
from cercle.notifications import describe
from cercle.notifications.models import Event, Notification
from cercle.posts import services
from cercle.posts.models import Post
from cercle.search import selectors as search
from cercle.search.selectors import Filters
from tests.accounts.test_api import assert_error_shape, bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(user, other):
    """Alexandra (``other``) owns "Rail" (open) and "Codir" (secret); Marc manages Rail;
    Thomas (``user``) is a member of Rail and writes in it."""
    manager = UserFactory(first_name="Marc", last_name="Manager")
    reader = UserFactory(first_name="Rita", last_name="Reader")
    rail = communities.community_create(actor=other, name="Rail", kind=CommunityKind.OPEN)
    codir = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    for person in (user, manager, reader):
        communities.community_join(actor=person, community=rail)
    communities.member_set_role(actor=other, community=rail, user=manager, role=Role.MANAGER)
    post = services.post_create(
        author=user, community=rail, body="Appel d'offres ferroviaire #ao à Bordeaux"
    )
    services.comment_create(author=reader, post=post, body="Merci pour le partage")
    return {"manager": manager, "reader": reader, "rail": rail, "codir": codir, "post": post}


def _found(viewer, words: str, community: Community | None = None) -> set[int]:
    results = search.conversations(
        viewer=viewer, query=search.parse_query(words), filters=Filters(community=community)
    )
    return {entry.post_id for entry in results}


# --- Hiding ---------------------------------------------------------------------------


def test_a_manager_hides_a_post_and_its_author_is_told(user, team) -> None:
    post, manager, reader = team["post"], team["manager"], team["reader"]
    services.post_pin(actor=manager, post=post, pinned=True)
    services.post_hide(actor=manager, post=post, reason="  Données client :  retirez les noms ")
    post.refresh_from_db()
    assert post.hidden_at is not None and post.hidden_by == manager
    assert post.hidden_reason == "Données client : retirez les noms"
    assert post.pinned_at is None  # a hidden post is not pinned
    # Gone from the reader's search (the post and its comment); the author still finds it.
    assert post.pk not in _found(reader, "ferroviaire")
    assert post.pk not in _found(reader, "partage")
    assert post.pk in _found(user, "ferroviaire")
    # Nobody can comment, react or share any more; its author may still fix it.
    with pytest.raises(PermissionDenied):
        services.comment_create(author=manager, post=post, body="Encore")
    with pytest.raises(PermissionDenied):
        services.post_pin(actor=manager, post=post, pinned=True)
    with pytest.raises(NotFound):  # the reader can no longer see it at all
        services.comment_create(author=reader, post=post, body="Encore")
    services.post_edit(actor=user, post=post, body="Appel d'offres ferroviaire, sans les noms")
    # The author is told, in French, and the notification leads to the post.
    notification = Notification.objects.get(recipient=user, event=Event.MODERATION)
    assert notification.actor == manager and notification.post_id == post.pk
    from django.utils import translation

    with translation.override("fr"):
        assert describe.text(notification) == (
            "Marc Manager a masqué votre message : seuls vous et les modérateurs le voient"
        )
    assert describe.target_url(notification).startswith(post.get_absolute_url())


def test_showing_a_post_again_puts_it_back(user, team) -> None:
    post, manager, reader = team["post"], team["manager"], team["reader"]
    services.post_hide(actor=manager, post=post)
    services.post_restore(actor=manager, post=post)
    post.refresh_from_db()
    assert (post.hidden_at, post.hidden_by, post.hidden_reason) == (None, None, "")
    assert post.pk in _found(reader, "ferroviaire")
    services.comment_create(author=reader, post=post, body="Et de nouveau ouvert")


def test_who_may_hide(user, other, team) -> None:
    post, reader = team["post"], team["reader"]
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):  # a member is not a moderator
        services.post_hide(actor=reader, post=post)
    with pytest.raises(PermissionDenied):  # nor is its author
        services.post_hide(actor=user, post=post)
    on_profile = services.post_create(author=reader, body="Sur mon profil")
    with pytest.raises(PermissionDenied):  # a community's manager moderates its posts only
        services.post_hide(actor=team["manager"], post=on_profile)
    secret = services.post_create(author=other, community=team["codir"], body="Secret")
    with pytest.raises(NotFound):  # an outsider cannot learn that a secret post exists
        services.post_hide(actor=stranger, post=secret)
    assert not Post.objects.filter(hidden_at__isnull=False).exists()


def test_a_site_admin_hides_a_profile_post_and_leaves_a_trace(staff, team) -> None:
    on_profile = services.post_create(author=team["reader"], body="Sur mon profil")
    services.post_hide(actor=staff, post=on_profile)
    assert Post.objects.get(pk=on_profile.pk).hidden_at is not None
    services.post_hide(actor=staff, post=team["post"])  # not a member of Rail: audited
    assert AuditEntry.objects.filter(
        community=team["rail"], actor=staff, action="hide_post"
    ).exists()


def test_a_too_long_reason_is_refused_and_nothing_changes(team) -> None:
    post = team["post"]
    with pytest.raises(ValidationError) as exc:
        services.post_hide(actor=team["manager"], post=post, reason="x" * 201)
    assert "reason" in exc.value.message_dict
    post.refresh_from_db()
    assert post.hidden_at is None
    assert not Notification.objects.filter(event=Event.MODERATION).exists()


def test_a_share_of_a_hidden_post_is_hidden_with_it(user, team) -> None:
    reader = team["reader"]
    share = services.post_create(author=reader, body="À lire", shared_post=team["post"])
    services.post_hide(actor=team["manager"], post=team["post"])
    stranger = UserFactory()
    assert not search.conversations(viewer=stranger, query=search.parse_query("lire")).exists()
    response = Client()
    response.force_login(stranger)
    assert response.get(share.get_absolute_url()).status_code == 404
    # Its sharer keeps their share; the original shows only to those who may open it.
    mine = Client()
    mine.force_login(reader)
    assert mine.get(share.get_absolute_url()).status_code == 404


# --- Moving ---------------------------------------------------------------------------


def test_the_author_moves_a_post_and_its_readers_change_at_once(user, other, team) -> None:
    post, reader = team["post"], team["reader"]
    bordeaux = communities.community_create(
        actor=other, name="Commerciaux Sud-Ouest", kind=CommunityKind.PRIVATE
    )
    communities.community_invite(actor=other, community=bordeaux, user=user)
    communities.community_join(actor=user, community=bordeaux)
    services.post_move(actor=user, post=post, community=bordeaux)
    post.refresh_from_db()
    assert post.community == bordeaux
    # The reader of Rail is not in the private community: the post and its comment are gone.
    assert post.pk not in _found(reader, "ferroviaire")
    assert post.pk not in _found(reader, "partage")
    # Search by community follows the post and its comments.
    assert _found(user, "ferroviaire", bordeaux) == {post.pk}
    assert _found(user, "partage", bordeaux) == {post.pk}
    assert _found(user, "ferroviaire", team["rail"]) == set()
    # The author moved it: nobody to tell.
    assert not Notification.objects.filter(event=Event.MODERATION).exists()


def test_a_manager_moves_a_post_and_its_author_is_told(user, other, team) -> None:
    post, manager = team["post"], team["manager"]
    ventes = communities.community_create(actor=manager, name="Ventes", kind=CommunityKind.OPEN)
    communities.community_join(actor=user, community=ventes)
    services.post_pin(actor=manager, post=post, pinned=True)
    services.post_move(actor=manager, post=post, community=ventes)
    post.refresh_from_db()
    assert post.community == ventes and post.pinned_at is None
    notification = Notification.objects.get(recipient=user, event=Event.MODERATION)
    from django.utils import translation

    with translation.override("en"):
        assert describe.text(notification) == "Marc Manager moved your post to Ventes"


def test_a_profile_post_moves_into_a_community(user, team) -> None:
    post = services.post_create(author=user, body="Retour terrain ferroviaire, sur mon profil")
    services.post_move(actor=user, post=post, community=team["rail"])
    post.refresh_from_db()
    assert post.community == team["rail"]
    assert _found(team["reader"], "terrain", team["rail"]) == {post.pk}
    with pytest.raises(PermissionDenied):  # a manager of Rail had no say over a profile post
        services.post_move(
            actor=team["manager"],
            post=services.post_create(author=team["reader"], body="Sur mon profil"),
            community=team["rail"],
        )


def test_bad_moves_are_refused_and_nothing_changes(user, other, team) -> None:
    post, manager, reader = team["post"], team["manager"], team["reader"]
    elsewhere = communities.community_create(actor=reader, name="Club", kind=CommunityKind.OPEN)
    mine = communities.community_create(actor=manager, name="Managers", kind=CommunityKind.OPEN)
    cases = [
        (reader, team["rail"], PermissionDenied),  # neither author nor moderator
        (user, team["rail"], ValidationError),  # already there
        (user, elsewhere, ValidationError),  # the author is not a member of it
        (manager, mine, ValidationError),  # the moderator is, but the author is not
        (user, team["codir"], ValidationError),  # secret: "no such community"
    ]
    for actor, target, error in cases:
        with pytest.raises(error):
            services.post_move(actor=actor, post=post, community=target)
    post.refresh_from_db()
    assert post.community == team["rail"]
    assert _found(user, "ferroviaire", team["rail"]) == {post.pk}


def test_an_archived_community_keeps_its_posts(user, other, team) -> None:
    ventes = communities.community_create(actor=other, name="Ventes", kind=CommunityKind.OPEN)
    communities.community_join(actor=user, community=ventes)
    communities.community_archive(actor=other, community=team["rail"], archived=True)
    post = Post.objects.get(pk=team["post"].pk)
    with pytest.raises(PermissionDenied):
        services.post_move(actor=user, post=post, community=ventes)


# --- Pages and API -----------------------------------------------------------------


def test_hide_page_then_restore(client_for, user, team) -> None:
    post = team["post"]
    moderator = client_for(team["manager"])
    page = moderator.get(reverse("posts:hide", args=[post.pk]))
    assert page.status_code == 200 and "Masquer le message" in page.content.decode()
    too_long = moderator.post(reverse("posts:hide", args=[post.pk]), {"reason": "x" * 201})
    assert too_long.status_code == 422
    assert "Limitez la raison à 200 caractères." in too_long.content.decode()
    assert Post.objects.get(pk=post.pk).hidden_at is None
    done = moderator.post(reverse("posts:hide", args=[post.pk]), {"reason": "Hors sujet"})
    assert done.status_code == 302
    # The author sees it on its page, marked, with the reason; a reader gets "not found".
    author_view = client_for(user).get(post.get_absolute_url()).content.decode()
    assert "seuls son auteur et les modérateurs le voient" in author_view
    assert "Raison : Hors sujet" in author_view
    assert client_for(team["reader"]).get(post.get_absolute_url()).status_code == 404
    # The community page lists it for its moderators, not for its members.
    community_url = team["rail"].get_absolute_url()
    assert f'id="post-{post.pk}"' in moderator.get(community_url).content.decode()
    assert (
        f'id="post-{post.pk}"' not in client_for(team["reader"]).get(community_url).content.decode()
    )
    # A member cannot reach the pages; the moderator shows it again.
    assert client_for(team["reader"]).get(reverse("posts:hide", args=[post.pk])).status_code == 404
    assert client_for(user).get(reverse("posts:hide", args=[post.pk])).status_code == 403
    moderator.post(reverse("posts:restore", args=[post.pk]))
    assert Post.objects.get(pk=post.pk).hidden_at is None


def test_move_page(client_for, user, other, team) -> None:
    post = team["post"]
    ventes = communities.community_create(actor=other, name="Ventes", kind=CommunityKind.OPEN)
    communities.community_join(actor=user, community=ventes)
    author = client_for(user)
    page = author.get(reverse("posts:move", args=[post.pk])).content.decode()
    assert 'value="ventes"' in page and 'value="rail"' not in page  # not where it already is
    bad = author.post(reverse("posts:move", args=[post.pk]), {"destination": "codir"})
    assert bad.status_code == 422
    assert "Choisissez une de vos communautés." in bad.content.decode()
    assert Post.objects.get(pk=post.pk).community == team["rail"]
    done = author.post(reverse("posts:move", args=[post.pk]), {"destination": "ventes"})
    assert done.status_code == 302
    assert Post.objects.get(pk=post.pk).community == ventes
    assert client_for(team["reader"]).get(reverse("posts:move", args=[post.pk])).status_code == 403


def test_api_hide_restore_and_move(client: Client, user, other, team) -> None:
    post, manager = team["post"], team["manager"]
    url = f"/api/v1/posts/{post.pk}"
    assert_error_shape(
        client.post(f"{url}/hide", {}, content_type="application/json", headers=bearer(user)),
        403,
        "forbidden",
    )
    too_long = client.post(
        f"{url}/hide",
        {"reason": "x" * 201},
        content_type="application/json",
        headers=bearer(manager),
    )
    assert_error_shape(too_long, 422, "invalid")
    hidden = client.post(
        f"{url}/hide",
        {"reason": "Hors sujet"},
        content_type="application/json",
        headers=bearer(manager),
    )
    assert hidden.status_code == 200
    body = hidden.json()
    assert body["hidden_at"] is not None and body["hidden_reason"] == "Hors sujet"
    assert body["permissions"]["hide"] is True and body["permissions"]["comment"] is False
    # The author reads it (marked); the reader gets 404.
    assert client.get(url, headers=bearer(user)).json()["hidden_at"] is not None
    assert_error_shape(client.get(url, headers=bearer(team["reader"])), 404, "not_found")
    restored = client.post(f"{url}/restore", headers=bearer(manager))
    assert restored.status_code == 200 and restored.json()["hidden_at"] is None
    # Moving: an unknown community is a field error; a good one moves it.
    unknown = client.post(
        f"{url}/move",
        {"community": "nulle-part"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert_error_shape(unknown, 422, "invalid")
    assert "community" in unknown.json()["error"]["fields"]
    ventes = communities.community_create(actor=other, name="Ventes", kind=CommunityKind.OPEN)
    communities.community_join(actor=user, community=ventes)
    moved = client.post(
        f"{url}/move",
        {"community": "ventes"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert moved.status_code == 200 and moved.json()["community"]["slug"] == "ventes"
