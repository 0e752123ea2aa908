"""What a stream reads from the database: a constant number of queries, visible rows only."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.follows import services as network
from cercle.notifications.models import Notification
from cercle.posts import services as posts
from cercle.realtime.stream import Stream, decode, encode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_one_or_many_new_notifications_cost_the_same_queries(
    user: Any, other: Any, django_assert_num_queries: Any
) -> None:
    stream = Stream(user, "fr", None)
    with django_assert_num_queries(3):  # the position, the rows, the count
        assert stream.read() == {"unread": 0, "notifications": []}

    posts.post_create(author=other, body=f"@{user.handle} un")
    with django_assert_num_queries(2):  # the rows, the count
        one = stream.read()
    assert one is not None and len(one["notifications"]) == 1

    for n in range(3):
        posts.post_create(author=UserFactory(), body=f"@{user.handle} {n}")
        network.follow(follower=UserFactory(), followee=user)  # merged into one row
    with django_assert_num_queries(2):
        many = stream.read()
    assert many is not None and len(many["notifications"]) == 4  # 3 mentions, 1 merged follow
    assert many["unread"] == 5
    with django_assert_num_queries(2):
        assert stream.read() is None  # nothing new: nothing sent


def test_a_resumed_stream_sends_only_what_is_after_its_position(user: Any, other: Any) -> None:
    posts.post_create(author=other, body=f"@{user.handle} avant")
    seen = Notification.objects.get(recipient=user)
    position = encode((seen.updated_at, seen.pk))
    posts.post_create(author=other, body=f"@{user.handle} après")
    resumed = Stream(user, "fr", decode(position))
    event = resumed.read()
    assert event is not None
    assert [n["excerpt"] for n in event["notifications"]] == [f"@{user.handle} après"]
