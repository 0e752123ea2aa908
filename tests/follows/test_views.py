from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cercle.accounts import services as accounts
from cercle.follows import selectors
from cercle.follows import services as follow_services
from cercle.follows.models import Follow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_follow_is_one_way_and_idempotent(logged_client, user, other) -> None:
    for _ in range(2):
        response = logged_client.post(
            reverse("follows:follow", args=[other.pk]), {"on": "1"}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    assert Follow.objects.filter(follower=user, followee=other).count() == 1
    assert not Follow.objects.filter(follower=other, followee=user).exists()
    page = logged_client.get(reverse("follows:followers", args=[other.pk]))
    assert user.name in page.content.decode()
    logged_client.post(reverse("follows:follow", args=[other.pk]), {"on": "0"})
    assert not Follow.objects.exists()


def test_cannot_follow_yourself(logged_client, user) -> None:
    response = logged_client.post(reverse("follows:follow", args=[user.pk]), {"on": "1"})
    assert response.status_code == 400
    assert not Follow.objects.exists()


def test_unknown_person_is_404(logged_client) -> None:
    assert (
        logged_client.post(reverse("follows:follow", args=[999999]), {"on": "1"}).status_code == 404
    )


def test_suggestions_explain_themselves(staff, user, other) -> None:
    colleague = UserFactory()
    accounts.profile_update(
        actor=staff,
        user=user,
        data={"manager": other, "department": "Ventes", "region": "Sud-Ouest"},
    )
    accounts.profile_update(
        actor=staff, user=colleague, data={"department": "Ventes", "region": "Sud-Ouest"}
    )
    found = {p.pk: p.reason for p in selectors.suggestions(viewer=user)}
    assert found[other.pk] == "manager"
    assert found[colleague.pk] == "team"
    Follow.objects.create(follower=user, followee=other)
    assert other.pk not in {p.pk for p in selectors.suggestions(viewer=user)}


def test_follow_counts_leave_out_people_who_left(user, other) -> None:
    from cercle.follows import services as follows

    gone, staying = UserFactory(), UserFactory()
    for person in (other, gone, staying):
        follows.follow(follower=person, followee=user)
    follows.follow(follower=user, followee=gone)
    follows.follow(follower=user, followee=other)
    assert selectors.counts(user=user) == (3, 2)
    gone.is_active = False
    gone.save()
    assert selectors.counts(user=user) == (2, 1)


def test_the_followers_list_pages_active_people_by_name(logged_client, other) -> None:
    """25 followers, one of whom left: 24 on the first page, in name order, and one more."""
    fans = [UserFactory(last_name=f"Martin{i:02d}") for i in range(25)]
    for fan in fans:
        follow_services.follow(follower=fan, followee=other)
    gone = fans[3]
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    url = reverse("follows:followers", args=[other.pk])
    first = logged_client.get(url)
    shown = list(first.context["page"].object_list)
    assert first.context["page"].paginator.count == 24 and len(shown) == 24
    assert gone not in shown and first.context["page"].paginator.num_pages == 1
    assert [p.pk for p in shown] == [p.pk for p in fans if p != gone]
    follow_services.follow(follower=UserFactory(last_name="Martin99"), followee=other)
    second = logged_client.get(url, {"page": 2}).context["page"]
    assert second.paginator.count == 25 and [p.last_name for p in second.object_list] == [
        "Martin99"
    ]


def test_a_profiles_standing_is_its_counts_follow_and_attention_in_one_statement(
    user, other, staff, django_assert_num_queries
) -> None:
    fans = UserFactory.create_batch(3)
    for fan in fans:
        follow_services.follow(follower=fan, followee=other)
    follow_services.follow(follower=user, followee=other)
    follow_services.follow(follower=other, followee=staff)
    fans[0].is_active = False
    fans[0].save(update_fields=["is_active"])
    follow_services.attention_set(
        user=user, source_kind="person", source_id=other.pk, level="notify"
    )
    with django_assert_num_queries(1):
        seen_by_user = selectors.standing(viewer=user, person=other)
    assert seen_by_user == selectors.Standing(3, 1, True, "notify")
    assert (seen_by_user.followers, seen_by_user.following) == selectors.counts(user=other)
    assert selectors.standing(viewer=staff, person=other) == selectors.Standing(3, 1, False, "feed")
    assert selectors.standing(viewer=other, person=staff).followed is True


def test_a_topics_standing_is_its_follow_and_attention_in_one_statement(
    user, other, django_assert_num_queries
) -> None:
    from cercle.posts import services as post_services
    from cercle.posts.models import Hashtag

    post_services.post_create(author=other, body="Le point #qualite de la semaine")
    tag = Hashtag.objects.get(key="qualite")
    follow_services.hashtag_follow(user=user, hashtag=tag)
    follow_services.attention_set(
        user=user, source_kind="hashtag", source_id=tag.pk, level="notify"
    )
    with django_assert_num_queries(1):
        mine = selectors.topic_standing(viewer=user, hashtag=tag)
    assert mine == selectors.TopicStanding(True, "notify")
    assert mine.followed == selectors.follows_hashtag(user=user, hashtag=tag)
    assert mine.attention == selectors.attention_of(
        user=user, source_kind="hashtag", source_id=tag.pk
    )
    assert selectors.topic_standing(viewer=other, hashtag=tag) == selectors.TopicStanding(
        False, "feed"
    )
    page = Client()
    page.force_login(user)
    html = page.get(f"/tags/{tag.key}/").content.decode()
    assert '<option value="notify" selected>' in html
