"""The live stream through a real ASGI server: who gets what, and nothing lost on reconnect."""

from __future__ import annotations

import time
from typing import Any

import pytest

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.follows import services as network
from cercle.notifications import services
from cercle.notifications.models import Event, Notification
from cercle.posts import services as posts
from cercle.realtime import events
from cercle.realtime.stream import decode, encode
from tests.asgi import SSEClient
from tests.factories import UserFactory
from tests.realtime.conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)


def ids(event: Any) -> list[int]:
    return [n["id"] for n in event.json()["notifications"]]


def test_anonymous_is_refused_with_a_clear_401(server: Any, stream_for: Any) -> None:
    stream = stream_for(None)
    assert stream.status == 401
    assert stream.response.getheader("Content-Type") == "text/plain; charset=utf-8"
    assert stream.body() == "Connectez-vous pour recevoir les mises à jour en direct."
    english = stream_for(None, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert english.body() == "Sign in to receive live updates."
    forged = stream_for(None, Cookie="sessionid=not-a-session")
    assert forged.status == 401
    revoked = stream_for(None, Authorization="Bearer ccl_not-a-token")
    assert revoked.status == 401


def test_a_deactivated_user_is_refused(server: Any, stream_for: Any, user: Any) -> None:
    user.is_active = False
    user.save()
    assert stream_for(user).status == 401


def test_on_connect_the_unread_count_then_a_new_mention_at_once(
    stream_for: Any, user: Any, other: Any
) -> None:
    posts.post_create(author=other, body=f"Bonjour @{user.handle}")
    stream = stream_for(user)
    assert stream.status == 200
    assert stream.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
    hello = stream.next()
    assert stream.retry == 3000
    assert hello.event == "notifications"
    assert hello.json() == {"unread": 1, "notifications": []}  # the page shows the rest
    mention = Notification.objects.get(recipient=user)
    assert decode(hello.id) == (mention.updated_at, mention.pk)

    post = posts.post_create(author=other, body=f"Tu viens @{user.handle} ?")
    told = stream.next(timeout=1.0)
    assert told.event == "notifications"
    assert told.json()["unread"] == 2
    [item] = told.json()["notifications"]
    assert item["event"] == Event.MENTION
    assert item["url"].startswith("/notifications/")
    assert item["text"] == "Alexandra Girard vous a mentionné dans un message"
    newest = Notification.objects.get(recipient=user, post=post)
    assert item["id"] == newest.pk
    assert told.id == encode((newest.updated_at, newest.pk))


def test_a_personal_access_token_opens_the_stream_in_english(
    server: Any, user: Any, other: Any
) -> None:
    user.language = "en"
    user.save()
    stream = SSEClient(server.port, {"Authorization": bearer(user)})
    try:
        assert stream.status == 200
        assert stream.next().json()["unread"] == 0
        network.follow(follower=other, followee=user)
        [item] = stream.next(timeout=1.0).json()["notifications"]
        assert item["text"] == "Alexandra Girard now follows you"
    finally:
        stream.close()


def test_merged_notifications_are_sent_again_with_their_new_text(
    stream_for: Any, user: Any, other: Any
) -> None:
    post = posts.post_create(author=user, body="Le planning du salon Rail+")
    stream = stream_for(user)
    stream.next()
    posts.reaction_set(user=other, post=post, emoji="like", on=True)
    first = stream.next(timeout=1.0)
    franck = UserFactory(first_name="Franck", last_name="Morel")
    posts.reaction_set(user=franck, post=post, emoji="like", on=True)
    second = stream.next(timeout=1.0)
    assert ids(first) == ids(second)  # the same notification, merged
    assert second.json()["notifications"][0]["actor_count"] == 2
    assert second.json()["unread"] == 1
    assert decode(second.id) > decode(first.id)


def _invisible_notification(user: Any, other: Any) -> Notification:
    """A mention in a secret community ``user`` is not in (as if they had been removed)."""
    secret = communities.community_create(actor=other, name="Direction", kind=CommunityKind.SECRET)
    post = posts.post_create(author=other, community=secret, body="Réorganisation")
    notification = Notification.objects.create(
        recipient=user, event=Event.MENTION, actor=other, post=post
    )
    events.notifications_changed([user.pk])  # autocommit: published at once
    return notification


def test_a_notification_the_user_cannot_see_is_never_sent(
    stream_for: Any, user: Any, other: Any
) -> None:
    stream = stream_for(user)
    assert stream.next().json() == {"unread": 0, "notifications": []}
    hidden = _invisible_notification(user, other)
    network.follow(follower=other, followee=user)
    visible = Notification.objects.get(recipient=user, event=Event.FOLLOW)
    # The stream reads the rows, then the count: a notification committed between
    # the two makes one event with the new count alone, then one with the row.
    sent: list[int] = []
    deadline = time.monotonic() + 1.0
    while visible.pk not in sent:
        told = stream.next(timeout=max(0.05, deadline - time.monotonic()))
        sent += ids(told)
    assert sent == [visible.pk]  # the hidden one, signalled first, was skipped
    assert hidden.pk not in sent
    assert told.json()["unread"] == 1


def test_reconnecting_with_last_event_id_replays_what_was_missed(
    stream_for: Any, user: Any, other: Any
) -> None:
    posts.post_create(author=other, body=f"Avant : @{user.handle}")
    stream = stream_for(user)
    last_id = stream.next().id
    stream.close()  # the network drops

    _invisible_notification(user, other)
    missed = posts.post_create(author=other, body=f"Pendant la coupure : @{user.handle}")
    network.follow(follower=other, followee=user)

    again = stream_for(user, last_id=last_id)
    replay = again.next()
    assert replay.event == "notifications"
    expected = Notification.objects.filter(recipient=user).exclude(post__community__isnull=False)
    wanted = list(expected.exclude(post__body__startswith="Avant").order_by("updated_at", "id"))
    assert [n.post_id for n in wanted] == [missed.pk, None]
    assert ids(replay) == [n.pk for n in wanted]  # both missed, oldest first, hidden one not
    assert replay.json()["unread"] == 3
    assert decode(replay.id) == (wanted[-1].updated_at, wanted[-1].pk)
    assert again.next().event == "feed"  # and look again at the feed

    # Resuming at the newest id replays nothing, and a bad id counts as "now".
    for resume in (replay.id, "garbage"):
        quiet = stream_for(user, last_id=resume)
        assert quiet.next().json()["notifications"] == []
        assert quiet.next().event == "feed"


def test_a_new_post_signals_the_feeds_it_enters(stream_for: Any, user: Any, other: Any) -> None:
    network.follow(follower=user, followee=other)
    follower = stream_for(user)
    follower.next()
    posts.post_create(author=other, body="Retour terrain : le client signe.")
    assert follower.next(timeout=1.0).event == "feed"


def test_heartbeats_keep_the_stream_open(
    stream_for: Any, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cercle.realtime import stream as module

    monkeypatch.setattr(module, "HEARTBEAT", 0.2)
    stream = stream_for(user)
    stream.next()
    assert stream.next(timeout=1.0, comments=True).comments == ["keep-alive"]


def test_only_get_and_only_allowed_hosts(server: Any, user: Any) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("POST", "/events/")
    assert connection.getresponse().status == 405
    connection.close()
    forged = SSEClient(server.port, {"Host": "evil.example.com"})
    assert forged.status == 400
    forged.close()


def test_a_closed_stream_leaves_no_inbox(stream_for: Any, user: Any) -> None:
    import time

    from cercle.realtime.hub import hub

    stream = stream_for(user)
    stream.next()
    assert user.pk in hub.inboxes
    stream.close()
    deadline = time.monotonic() + 2
    while user.pk in hub.inboxes and time.monotonic() < deadline:
        time.sleep(0.02)
    assert user.pk not in hub.inboxes


def test_reading_in_another_tab_lowers_the_count_here(
    stream_for: Any, user: Any, other: Any
) -> None:

    posts.post_create(author=other, body=f"Un : @{user.handle}")
    posts.post_create(author=other, body=f"Deux : @{user.handle}")
    stream = stream_for(user)
    assert stream.next().json()["unread"] == 2
    services.mark_read(user, Notification.objects.filter(recipient=user).first().pk)
    assert stream.next(timeout=1.0).json() == {"unread": 1, "notifications": []}
    services.mark_all_read(user)
    assert stream.next(timeout=1.0).json() == {"unread": 0, "notifications": []}
