"""Post cards (``cercle.posts.cards``), read as rows, say exactly what the models say."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cercle.access.posts import PostPolicy
from cercle.accounts import services as accounts
from cercle.accounts.api import PersonOut
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import cards, selectors, services
from cercle.posts.models import EMOJI_LABELS, Emoji, Post
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


def _part(post: Post) -> dict:
    """A post as the models say it, read one object at a time (the cards' oracle)."""
    community = post.community
    return {
        "id": post.pk,
        "kind": post.kind,
        "author": PersonOut.from_user(post.author).model_dump() if post.author else None,
        "community": (
            {
                "slug": community.slug,
                "name": community.name,
                "kind": community.kind,
                "url": community.get_absolute_url(),
            }
            if community
            else None
        ),
        "body": post.body,
        "body_html": post.body_html,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "kind": a.kind,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("api:attachment_file", args=[a.pk]),
                "thumbnail_url": (
                    reverse("api:attachment_thumbnail", args=[a.pk]) if a.thumbnail else None
                ),
            }
            for a in post.attachments.filter(comment=None).order_by("created_at", "id")
        ],
        "praised": [
            PersonOut.from_user(p.user).model_dump() for p in post.praise_recipients.order_by("id")
        ],
        "url": post.get_absolute_url(),
    }


def _expected(viewer, post: Post) -> dict:
    reactions = []
    for emoji in Emoji:
        given = post.reactions.filter(comment=None, emoji=emoji.value)
        if given.exists():
            reactions.append(
                {
                    "emoji": emoji.value,
                    "symbol": emoji.label,
                    "label": str(EMOJI_LABELS[emoji]),
                    "count": given.count(),
                    "mine": given.filter(user=viewer).exists(),
                }
            )
    return {
        **_part(post),
        "pinned": post.pinned_at is not None,
        "hidden_at": post.hidden_at,
        "hidden_reason": post.hidden_reason,
        "comment_count": post.comment_count,
        "reactions": reactions,
        "shared_post": _part(post.shared_post) if post.shared_post else None,
        "permissions": PostPolicy.permissions(viewer, post).as_dict(),
    }


@pytest.mark.parametrize("who", ["user", "other", "staff"])
def test_cards_say_what_the_models_say(request, variety, who) -> None:
    viewer = request.getfixturevalue(who)
    visible = [pk for pk in variety if selectors.post_get(viewer=viewer, post_id=pk)]
    assert visible, "the scene shows the viewer something"
    found = cards.cards(viewer, visible)
    assert [PostOut.model_validate(c.fields).model_dump() for c in found] == [
        PostOut.model_validate(_expected(viewer, Post.objects.get(pk=pk))).model_dump()
        for pk in visible
    ]


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
