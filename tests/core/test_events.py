"""Domain events: services publish, the sinks subscribe, inside the writer's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from cercle.accounts.models import User
from cercle.core import events
from cercle.notifications.models import Notification
from cercle.posts import services as posts
from cercle.posts.events import CommentPublished, PostPublished
from cercle.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def test_the_sinks_listen_to_what_the_domain_publishes() -> None:
    """Search indexes, notifications tell, live updates push: in that order (after the
    libraries, a domain app, keep the links to their documents)."""
    modules = [h.__module__ for h in events.subscribers(PostPublished)]
    assert modules == [
        "cercle.documents.uses",
        "cercle.search.subscribers",
        "cercle.notifications.subscribers",
        "cercle.realtime.subscribers",
    ]
    assert [h.__module__ for h in events.subscribers(CommentPublished)] == [
        "cercle.documents.uses",
        "cercle.search.subscribers",
        "cercle.notifications.subscribers",
    ]


def test_a_published_post_reaches_the_index_and_the_people_it_names(
    user: User, other: User
) -> None:
    post = posts.post_create(author=user, body=f"Merci @{other.handle} pour le #devis")
    assert SearchEntry.objects.filter(object_id=post.pk).exists()
    assert Notification.objects.filter(recipient=other, post=post).exists()


def test_what_subscribers_wrote_rolls_back_with_the_write(user: User, other: User) -> None:
    """The index entry and the notification are part of the write: all or nothing."""

    class StopWritingError(Exception):
        pass

    def write_then_fail() -> None:
        with transaction.atomic():
            posts.post_create(author=user, body=f"Brouillon pour @{other.handle}")
            raise StopWritingError

    with pytest.raises(StopWritingError):
        write_then_fail()
    assert not SearchEntry.objects.exists()
    assert not Notification.objects.exists()


def test_subscribing_twice_delivers_once() -> None:
    seen: list[events.Event] = []

    class Happened(events.Event):
        pass

    def handler(event: Happened) -> None:
        seen.append(event)

    events.subscribe(Happened)(handler)
    events.subscribe(Happened)(handler)
    events.publish(Happened())
    assert len(seen) == 1
