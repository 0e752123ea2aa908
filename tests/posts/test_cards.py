"""The API's row-built cards (``cercle.posts.cards``) say exactly what the models say."""

from __future__ import annotations

import pytest

from cercle.accounts import services as accounts
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import cards, selectors, services
from cercle.posts.models import Post
from cercle.posts.schemas import PostOut
from tests.conftest import make_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def variety(user, other, staff):
    """One post of every kind a card can show."""
    accounts.profile_update(
        actor=other,
        user=other,
        data={"job_title": "Chargée d'affaires", "department": "Commerce", "region": "Sud-Ouest"},
        photo=make_image(),
    )
    open_c = communities.community_create(actor=other, name="Veille", kind=CommunityKind.OPEN)
    private = communities.community_create(
        actor=other, name="Sud-Ouest", kind=CommunityKind.PRIVATE
    )
    communities.community_invite(actor=other, community=private, user=user)
    communities.community_join(actor=user, community=private)
    archived = communities.community_create(actor=user, name="Archives", kind=CommunityKind.OPEN)
    gone = UserFactory(first_name="Ancien", last_name="Salarié")
    posts = [
        services.post_create(author=other, body="Bonjour **tout le monde** #veille"),
        services.post_create(author=user, community=private, body="Dans Sud-Ouest"),
        services.post_create(
            author=other,
            community=open_c,
            body="Avec des fichiers",
            uploads=[
                services.Upload("memoire.pdf", b"%PDF-1.4\n%%EOF\n"),
                services.Upload("photo.png", make_image()),
            ],
        ),
        services.post_create(author=other, body="", praised=[user, staff]),
        services.post_create(author=gone, body="Écrit par un compte supprimé"),
        services.post_create(author=user, community=archived, body="Avant l'archivage"),
    ]
    posts.append(services.post_create(author=user, body="À lire", shared_post=posts[2]))
    posts.append(services.post_create(author=staff, body="", shared_post=posts[3]))
    services.post_edit(actor=other, post=posts[0], body="Bonjour à tous #veille")
    services.post_pin(actor=other, post=posts[2], pinned=True)
    for emoji in ("like", "idea"):
        services.reaction_set(user=user, post=posts[0], emoji=emoji, on=True)
    services.reaction_set(user=staff, post=posts[0], emoji="like", on=True)
    services.comment_create(author=user, post=posts[2], body="Merci")
    communities.community_archive(actor=user, community=archived, archived=True)
    Post.objects.filter(author=gone).update(author=None)
    return [p.pk for p in posts]


@pytest.mark.parametrize("who", ["user", "other", "staff"])
def test_cards_match_the_model_path(request, variety, who) -> None:
    viewer = request.getfixturevalue(who)
    visible = [pk for pk in variety if selectors.post_get(viewer=viewer, post_id=pk)]
    assert visible, "the scene shows the viewer something"
    from_rows = [
        PostOut.model_validate(card.fields).model_dump() for card in cards.cards(viewer, visible)
    ]
    from_models = [
        PostOut.from_post(selectors.post_get(viewer=viewer, post_id=pk)).model_dump()
        for pk in visible
    ]
    assert from_rows == from_models


def test_cards_keep_the_order_asked_and_skip_missing_ids(user, variety) -> None:
    wanted = [variety[2], 10**9, variety[0]]
    assert [c.fields["id"] for c in cards.cards(user, wanted)] == [variety[2], variety[0]]
    assert cards.cards(user, []) == []


def test_cards_cost_a_constant_number_of_queries(user, variety, django_assert_num_queries) -> None:
    # posts (people and communities joined) + files + praise + reactions + roles
    with django_assert_num_queries(5):
        cards.cards(user, variety)
    with django_assert_num_queries(4):  # the caller knew the roles
        cards.cards(user, variety[:2], post_roles={})
