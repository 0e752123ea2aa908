"""Finding High: a replayed ``client_token`` answered the stored post without asking the policy.

Thomas shares a post of an open community (token T); its author moves the
original into a secret community and edits it; Thomas sends T again.  The
answer must be what a fresh read of his share gives him now (404: a share is
never seen without its original), never the original's current text, and
never a 500 through the HTML composer.  The same for comments, and for a post
in a private community that Thomas has left.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cercle.accounts.models import User
from cercle.communities import services as community_services
from cercle.communities.models import Community, CommunityKind
from cercle.posts import services
from cercle.posts.models import Comment, Post
from tests.accounts.test_api import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Chiffres confidentiels du CODIR"
HTMX = {"HX-Request": "true"}


def _community(owner: User, kind: str, name: str, *members: User) -> Community:
    community = community_services.community_create(actor=owner, name=name, kind=kind)
    for person in members:
        community_services.community_invite(actor=owner, community=community, user=person)
        community_services.community_join(actor=person, community=community)
    return community


@pytest.fixture
def people(db) -> tuple[User, User]:
    thomas = UserFactory(first_name="Thomas", last_name="Lefebvre")
    alexandra = UserFactory(first_name="Alexandra", last_name="Girard")
    return thomas, alexandra


def _shared_then_moved(thomas: User, alexandra: User) -> tuple[Post, Post]:
    """Thomas shares Alexandra's open post with token T; she moves it out of his reach."""
    open_one = _community(alexandra, CommunityKind.OPEN, "Ventes", thomas)
    secret = _community(alexandra, CommunityKind.SECRET, "CODIR")
    original = services.post_create(author=alexandra, community=open_one, body="Bilan public")
    share = services.post_create(
        author=thomas, body="À lire", shared_post=original, client_token="T"
    )
    services.post_move(actor=alexandra, post=original, community=secret)
    services.post_edit(actor=alexandra, post=original, body=SECRET_TEXT)
    return original, share


def _same_answer(replay, fresh) -> None:
    assert replay.status_code in (fresh.status_code, 201 if fresh.status_code == 200 else -1)
    assert replay.json() == fresh.json()


def test_api_replay_of_a_share_whose_original_left_answers_as_a_fresh_read(
    client: Client, people
) -> None:
    thomas, alexandra = people
    _original, share = _shared_then_moved(thomas, alexandra)
    auth = bearer(thomas)
    fresh = client.get(f"/api/v1/posts/{share.pk}", headers=auth)
    assert fresh.status_code == 404
    for payload in ({"body": "À lire", "client_token": "T"}, {"body": "", "client_token": "T"}):
        replay = client.post("/api/v1/posts", payload, headers=auth)
        assert SECRET_TEXT not in replay.content.decode()
        _same_answer(replay, fresh)
    assert Post.objects.filter(author=thomas).count() == 1  # nothing created either


def test_api_replay_still_visible_is_exactly_the_fresh_read(client: Client, people) -> None:
    thomas, alexandra = people
    open_one = _community(alexandra, CommunityKind.OPEN, "Ventes", thomas)
    first = client.post(
        "/api/v1/posts",
        {"body": "Retour terrain", "community": open_one.slug, "client_token": "R"},
        headers=bearer(thomas),
    )
    assert first.status_code == 201
    services.reaction_set(user=alexandra, post=Post.objects.get(), emoji="like", on=True)
    replay = client.post(
        "/api/v1/posts", {"body": "autre chose", "client_token": "R"}, headers=bearer(thomas)
    )
    fresh = client.get(f"/api/v1/posts/{first.json()['id']}", headers=bearer(thomas))
    assert replay.status_code == fresh.status_code == 200
    assert replay.json() == fresh.json()  # the reaction included: a read, not a stored copy
    assert replay.json()["body"] == "Retour terrain"


def test_api_replay_after_leaving_a_private_community(client: Client, people) -> None:
    thomas, alexandra = people
    private = _community(alexandra, CommunityKind.PRIVATE, "Offres Sud", thomas)
    post = services.post_create(
        author=thomas, community=private, body="Offre Lyon", client_token="P"
    )
    community_services.community_leave(actor=thomas, community=private)
    replay = client.post(
        "/api/v1/posts", {"body": "Offre Lyon", "client_token": "P"}, headers=bearer(thomas)
    )
    fresh = client.get(f"/api/v1/posts/{post.pk}", headers=bearer(thomas))
    assert fresh.status_code == 404
    _same_answer(replay, fresh)


def test_html_composer_replay_is_never_a_500(people, client_for) -> None:
    thomas, alexandra = people
    _original, share = _shared_then_moved(thomas, alexandra)
    browser = client_for(thomas)
    fresh = browser.get(share.get_absolute_url())
    assert fresh.status_code == 404
    replay = browser.post("/posts/new/", {"body": "Encore", "client_token": "T"}, headers=HTMX)
    assert replay.status_code == 404
    assert SECRET_TEXT not in replay.content.decode()
    plain = browser.post("/posts/new/", {"body": "Encore", "client_token": "T"})
    assert plain.status_code == 404  # as the share's own page answers, no redirect to it
    assert Post.objects.filter(author=thomas).count() == 1


def test_html_composer_replay_still_visible_shows_the_card(people, client_for) -> None:
    thomas, _alexandra = people
    browser = client_for(thomas)
    first = browser.post("/posts/new/", {"body": "Premier jet", "client_token": "H"}, headers=HTMX)
    assert first.status_code == 200
    replay = browser.post("/posts/new/", {"body": "Autre", "client_token": "H"}, headers=HTMX)
    assert replay.status_code == 200
    page = replay.content.decode()
    post = Post.objects.get()
    assert f'id="post-{post.pk}"' in page and "Premier jet" in page and "Autre" not in page


def _commented_then_left(thomas: User, alexandra: User) -> tuple[Post, Comment]:
    private = _community(alexandra, CommunityKind.PRIVATE, "Offres Sud", thomas)
    topic = services.post_create(author=alexandra, community=private, body="Qui a la grille ?")
    comment = services.comment_create(
        author=thomas, post=topic, body="Moi, je l'envoie", client_token="C"
    )
    community_services.community_leave(actor=thomas, community=private)
    return topic, comment


def test_api_comment_replay_answers_as_the_comment_list(client: Client, people) -> None:
    thomas, alexandra = people
    topic, _comment = _commented_then_left(thomas, alexandra)
    services.post_edit(actor=alexandra, post=topic, body=SECRET_TEXT)
    auth = bearer(thomas)
    fresh = client.get(f"/api/v1/posts/{topic.pk}/comments", headers=auth)
    assert fresh.status_code == 404
    # Sent again to the same post, or to a post Thomas may see: the token decides.
    mine = services.post_create(author=thomas, body="Mon mur")
    for target in (topic.pk, mine.pk):
        replay = client.post(
            f"/api/v1/posts/{target}/comments", {"body": "Moi", "client_token": "C"}, headers=auth
        )
        assert replay.status_code == 404
        assert SECRET_TEXT not in replay.content.decode()
        assert "je l'envoie" not in replay.content.decode()
    assert Comment.objects.filter(author=thomas).count() == 1


def test_api_comment_replay_still_visible(client: Client, people) -> None:
    thomas, alexandra = people
    topic = services.post_create(author=alexandra, body="Une question")
    url = f"/api/v1/posts/{topic.pk}/comments"
    first = client.post(url, {"body": "Réponse", "client_token": "K"}, headers=bearer(thomas))
    services.reaction_set(
        user=alexandra, post=topic, comment=Comment.objects.get(), emoji="like", on=True
    )
    replay = client.post(url, {"body": "Autre", "client_token": "K"}, headers=bearer(thomas))
    assert (first.status_code, replay.status_code) == (201, 200)
    listed = client.get(url, headers=bearer(thomas)).json()
    assert replay.json() == next(c for c in listed if c["id"] == first.json()["id"])
    assert json.dumps(replay.json()).count('"count": 1') == 1  # the reaction: read now


def test_html_comment_replay_after_leaving(people, client_for) -> None:
    thomas, alexandra = people
    topic, _comment = _commented_then_left(thomas, alexandra)
    browser = client_for(thomas)
    mine = services.post_create(author=thomas, body="Mon mur")
    for target in (topic.pk, mine.pk):
        replay = browser.post(
            f"/posts/{target}/comments/new/", {"body": "Moi", "client_token": "C"}, headers=HTMX
        )
        assert replay.status_code == 404
        assert "je l'envoie" not in replay.content.decode()
    assert Comment.objects.filter(author=thomas).count() == 1
