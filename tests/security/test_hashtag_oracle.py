"""Finding L1: a topic used only in a secret community answered unlike a missing one.

``PUT /api/v1/attention/hashtag/{id}`` gave 200 for it and 404 for an unknown id,
and its page took longer to refuse.  Topics now have a policy
(``cercle.access.hashtags``): "exists but not for you" and "does not exist"
give the same status, the same body and the same number of queries.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.access import NotFound, prepared
from cercle.access.hashtags import NO_TOPIC, HashtagAction, HashtagPolicy
from cercle.accounts.models import User
from cercle.communities import services as community_services
from cercle.communities.models import CommunityKind
from cercle.follows import services as follow_services
from cercle.follows.models import AttentionSetting, HashtagFollow
from cercle.posts import services
from cercle.posts.models import Hashtag
from tests.accounts.test_api import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_tag(user: User, other: User) -> Hashtag:
    secret = community_services.community_create(
        actor=other, name="CODIR", kind=CommunityKind.SECRET
    )
    services.post_create(author=other, community=secret, body="Projet #Quetzal en cours")
    return Hashtag.objects.get(key="quetzal")


def _answer(client: Client, method: str, url: str, **kwargs) -> tuple[int, bytes, int]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    return response.status_code, response.content, len(queries)


def test_the_api_cannot_tell_a_secret_topic_from_a_missing_one(
    client: Client, user: User, secret_tag: Hashtag
) -> None:
    auth = bearer(user)
    missing_id = Hashtag.objects.order_by("-pk").first().pk + 1000
    pairs = [
        (
            "put",
            f"/api/v1/attention/hashtag/{secret_tag.pk}",
            f"/api/v1/attention/hashtag/{missing_id}",
        ),
        ("get", "/api/v1/hashtags/quetzal/posts", "/api/v1/hashtags/nulpart/posts"),
        ("put", "/api/v1/hashtags/quetzal/follow", "/api/v1/hashtags/nulpart/follow"),
    ]
    for method, secret_url, missing_url in pairs:
        kwargs = {"headers": auth}
        if method == "put" and "attention" in secret_url:
            kwargs.update(data={"level": "digest"}, content_type="application/json")
        _answer(client, method, missing_url, **kwargs)  # warm-up: the token's first use
        secret = _answer(client, method, secret_url, **kwargs)
        missing = _answer(client, method, missing_url, **kwargs)
        assert secret[0] == 404, secret_url
        assert secret == missing, (secret_url, secret, missing)
    assert not AttentionSetting.objects.exists() and not HashtagFollow.objects.exists()


def test_the_pages_cannot_tell_a_secret_topic_from_a_missing_one(
    logged_client: Client, secret_tag: Hashtag
) -> None:
    for method, secret_url, missing_url in [
        ("get", "/tags/quetzal/", "/tags/nulpart/"),
        ("post", "/tags/quetzal/follow/", "/tags/nulpart/follow/"),
    ]:
        secret = _answer(logged_client, method, secret_url)
        missing = _answer(logged_client, method, missing_url)
        assert secret[0] == missing[0] == 404
        assert secret[2] == missing[2], (secret_url, secret[2], missing[2])
    assert not HashtagFollow.objects.exists()


def test_the_policy_answers_for_members_only(user: User, other: User, secret_tag: Hashtag) -> None:
    assert HashtagPolicy.can(other, HashtagAction.VIEW, secret_tag)
    assert not HashtagPolicy.can(user, HashtagAction.VIEW, secret_tag)
    assert HashtagPolicy.lookup(user, "quetzal") is None
    assert HashtagPolicy.lookup(other, "quetzal") == secret_tag
    assert list(HashtagPolicy.visible(user, Hashtag.objects.all())) == []

    with pytest.raises(NotFound):
        follow_services.hashtag_follow(user=user, hashtag=secret_tag)
    follow_services.hashtag_follow(user=other, hashtag=secret_tag)  # a member may


def test_the_compiled_answer_is_the_orms(
    user: User, other: User, staff: User, secret_tag: Hashtag, caplog, monkeypatch
) -> None:
    """``can_by_id`` runs its query compiled once per shape: same answers as the ORM's."""
    prepared._prepared.clear()
    caplog.set_level("WARNING", logger="cercle.access.prepared")
    services.post_create(author=other, body="Ouvert à tous #Veille")
    ids = [secret_tag.pk, Hashtag.objects.get(key="veille").pk, NO_TOPIC]
    answers = [
        [HashtagPolicy.can_by_id(v, HashtagAction.VIEW, i) for i in ids]
        for v in (user, other, staff)
    ]
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    assert any(key[1] == "topic_seen" and query for key, query in prepared._prepared.items())
    monkeypatch.setattr(prepared, "for_viewer", lambda *args, **kwargs: None)
    expected = [
        [HashtagPolicy.can_by_id(v, HashtagAction.VIEW, i) for i in ids]
        for v in (user, other, staff)
    ]
    assert answers == expected == [[False, True, False], [True, True, False], [True, True, False]]
