"""E-mail end to end against a real SMTP server: right away, digests, refusals, unsubscribe."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.follows import services as network
from cercle.follows.models import AttentionLevel, SourceKind
from cercle.notifications import delivery, preferences, selectors, services
from cercle.notifications.models import (
    DigestFrequency,
    EmailChoice,
    Event,
    MailSettings,
    Notification,
)
from cercle.posts import services as posts
from cercle.tasks.models import Attempts
from cercle.tasks.worker import run_pending
from tests.factories import UserFactory
from tests.notifications.smtp import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    with override_settings(MAILERS=server.mailers, CERCLE_SITE_URL="https://cercle.example.com"):
        yield server
    server.stop()


def deliver() -> int:
    return run_pending()


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    content = part.get_content()
    assert isinstance(content, str)
    return content


def all_due_now() -> None:
    """The back-off of the tasks waiting for a retry has passed."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


def test_a_mention_is_emailed_at_once_multipart_with_unsubscribe(smtp, user, other) -> None:
    post = posts.post_create(author=other, body=f"@{user.handle} peux-tu relire l'offre SNCF ?")
    assert deliver() == 1
    [message] = smtp.mailbox.messages
    assert message["To"] == user.email
    assert message["Subject"] == "Alexandra Girard vous a mentionné dans un message"
    assert message.get_content_type() == "multipart/alternative"
    notification = Notification.objects.get(recipient=user)
    link = f"https://cercle.example.com/notifications/{notification.pk}/"
    text, html = body(message, "plain"), body(message, "html")
    assert link in text and f'href="{link}"' in html
    assert "peux-tu relire l'offre SNCF" in text and "relire l&#x27;offre SNCF" in html
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://cercle.example.com/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As sent: one plain line a mail client reads as a link, not RFC 2047 words.
    assert (
        b"\r\nList-Unsubscribe: <https://cercle.example.com/notifications/unsubscribe/"
        in (smtp.mailbox.raw[0])
    )
    assert unsubscribe.strip("<>") in text
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.read_at is None  # still unread under the bell
    assert post.pk == notification.post_id


def test_english_readers_get_english_mail(smtp, user, other) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    posts.post_create(author=other, body=f"@{user.handle} can you check the SNCF bid?")
    deliver()
    [message] = smtp.mailbox.messages
    assert message["Subject"] == "Alexandra Girard mentioned you in a post"
    assert "See it in Cercle" in body(message, "plain")


def test_a_delivery_run_twice_sends_one_email(smtp, user, other) -> None:
    posts.post_create(author=other, body=f"@{user.handle} ?")
    notification = Notification.objects.get(recipient=user)
    pk = notification.pk
    assert delivery.send_notification_emails.call([pk]) == {str(pk): "sent"}
    assert delivery.send_notification_emails.call([pk]) == {str(pk): "already sent"}
    assert deliver() == 1  # the queued task finds the work done
    assert len(smtp.mailbox.messages) == 1


def test_a_refusing_server_is_retried_nothing_lost_nothing_twice(smtp, user, other) -> None:
    smtp.mailbox.refuse = True
    posts.post_create(author=other, body=f"@{user.handle} urgent : le dossier Pau")
    assert deliver() == 1
    task = DBTaskResult.objects.get()
    attempts = Attempts.objects.get(result=task)
    assert task.status == TaskResultStatus.READY and attempts.count == 1  # waiting to retry
    assert "SMTP" in attempts.errors[0]["exception_class_path"]
    notification = Notification.objects.get(recipient=user)
    assert notification.emailed_at is None and notification.email_claimed_until is None
    assert smtp.mailbox.messages == []

    smtp.mailbox.refuse = False
    all_due_now()
    assert deliver() == 1
    all_due_now()
    assert deliver() == 0
    assert len(smtp.mailbox.messages) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2
    assert Attempts.objects.get(result=task).count == 1  # one failed attempt, then it went


def test_a_server_that_is_down_is_retried_until_it_is_back(smtp, user, other) -> None:
    smtp.stop()
    posts.post_create(author=other, body=f"@{user.handle} tu as vu ?")
    assert deliver() == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    smtp.start()
    all_due_now()
    assert deliver() == 1
    assert len(smtp.mailbox.messages) == 1
    assert Notification.objects.get(recipient=user).emailed_at is not None


def test_no_email_about_what_the_recipient_can_no_longer_see(smtp, user, other) -> None:
    team = communities.community_create(actor=other, name="Offres", kind=CommunityKind.PRIVATE)
    communities.community_invite(actor=other, community=team, user=user)
    communities.community_join(actor=user, community=team)  # accepts the invitation
    DBTaskResult.objects.all().delete()  # (the invitation's own e-mail)
    posts.post_create(author=other, community=team, body=f"@{user.handle} chiffrage ?")
    communities.member_remove(actor=other, community=team, user=user)
    assert deliver() == 1
    assert smtp.mailbox.messages == []
    mention = Notification.objects.get(recipient=user, event=Event.MENTION)
    assert DBTaskResult.objects.get().return_value == {str(mention.pk): "no longer visible"}


def test_what_was_read_in_the_app_is_not_emailed(smtp, user, other) -> None:
    posts.post_create(author=other, body=f"@{user.handle} merci !")
    services.mark_all_read(user)
    deliver()
    assert smtp.mailbox.messages == []


def test_an_event_turned_off_in_the_app_can_still_be_emailed(smtp, client_for, user, other) -> None:
    preferences.update(user, channels={Event.MENTION: (False, EmailChoice.IMMEDIATE)})
    posts.post_create(author=other, body=f"@{user.handle} bonjour")
    assert selectors.unread_count(user) == 0  # not under the bell
    deliver()
    assert len(smtp.mailbox.messages) == 1
    preferences.update(user, channels={Event.MENTION: (False, EmailChoice.OFF)})
    posts.post_create(author=other, body=f"@{user.handle} re-bonjour")
    assert Notification.objects.filter(recipient=user).count() == 1  # nothing written at all


def _digest(smtp: SMTPServer, now: Any, to: Any) -> list[EmailMessage]:
    """Run the digests as of ``now``: the messages ``to`` received."""
    before = len(smtp.mailbox.messages)
    delivery.send_digests.enqueue(now.isoformat())
    deliver()
    return [m for m in smtp.mailbox.messages[before:] if m["To"] == to.email]


def next_tuesday_8am() -> Any:
    local = timezone.localtime()
    days = (1 - local.weekday()) % 7 or 7
    return (local + timedelta(days=days)).replace(hour=8, minute=0, second=0, microsecond=0)


def test_digests_leave_at_seven_daily_or_on_mondays() -> None:
    tuesday = next_tuesday_8am()
    assert delivery.digest_slot("daily", tuesday) == tuesday.replace(hour=7)
    before_seven = tuesday.replace(hour=6)
    assert delivery.digest_slot("daily", before_seven) == tuesday.replace(hour=7) - timedelta(
        days=1
    )
    assert delivery.digest_slot("weekly", tuesday) == tuesday.replace(hour=7) - timedelta(days=1)
    assert delivery.digest_slot("off", tuesday) is None


def test_the_digest_tells_each_thing_once_over_several_days(smtp, user, other) -> None:
    """A controllable clock: the digest round runs on several days at 8 h."""
    tuesday = next_tuesday_8am()
    mine = posts.post_create(author=user, body="Qui a le contact chez Alstom ?")
    deliver()  # (nothing immediate: comments go to the digest by default)
    posts.comment_create(author=other, post=mine, body="Moi, je te l'envoie.")
    network.follow(follower=other, followee=user)

    [day1] = _digest(smtp, tuesday, user)
    assert day1["Subject"] == "Cercle : 2 choses que vous avez manquées"
    text = body(day1, "plain")
    assert "Alexandra Girard a commenté votre message" in text
    assert "Alexandra Girard vous suit" in text
    assert day1["List-Unsubscribe"]

    # Day 2: one new comment, one read in the app before the digest: only the unread one.
    franck = UserFactory(first_name="Franck", last_name="Morel")
    posts.comment_create(author=franck, post=mine, body="Moi aussi je l'ai.")
    network.follow(follower=franck, followee=user)
    follow = selectors.visible(user).get(event=Event.FOLLOW, emailed_at__isnull=True)
    services.mark_read(user, follow.pk)
    assert _digest(smtp, tuesday + timedelta(hours=12), user) == []  # one a day
    [day2] = _digest(smtp, tuesday + timedelta(days=1), user)
    text = body(day2, "plain")
    assert day2["Subject"] == "Cercle : 1 chose que vous avez manquée"
    assert "Franck Morel" in text and "vous suit" not in text

    # Day 3: nothing new, no e-mail.
    assert _digest(smtp, tuesday + timedelta(days=2), user) == []

    # Weekly: on Monday mornings only.
    preferences.update(user, digest=DigestFrequency.WEEKLY)
    posts.comment_create(author=other, post=mine, body="Et le devis ?")
    assert _digest(smtp, tuesday + timedelta(days=3), user) == []  # Friday
    [week] = _digest(smtp, tuesday + timedelta(days=6), user)  # Monday
    assert "Et le devis ?" in body(week, "plain")
    assert "cette semaine" in week["Subject"] or "cette semaine" in body(week, "plain")
    assert len([m for m in smtp.mailbox.messages if m["To"] == user.email]) == 3


def test_an_email_claimed_by_a_run_still_going_is_retried_not_dropped(smtp, user, other) -> None:
    """A second run meeting a live claim raises, so the task is tried again later."""
    posts.post_create(author=other, body=f"@{user.handle} ?")
    pk = Notification.objects.get(recipient=user).pk
    Notification.objects.filter(pk=pk).update(
        email_claimed_until=timezone.now() + timedelta(minutes=1)  # a worker is sending it
    )
    with pytest.raises(delivery.Claimed):
        delivery.send_notification_email(pk)
    assert smtp.mailbox.messages == []
    # That worker died: its claim expires, and the retry sends the e-mail, once.
    Notification.objects.filter(pk=pk).update(email_claimed_until=timezone.now())
    assert delivery.send_notification_email(pk) == "sent"
    assert delivery.send_notification_email(pk) == "already sent"
    assert len(smtp.mailbox.messages) == 1


def test_the_message_id_is_the_same_when_an_email_is_sent_again(smtp, user, other) -> None:
    """The receiving side's idempotency key: a resent copy is the same message."""
    posts.post_create(author=other, body=f"@{user.handle} ?")
    pk = Notification.objects.get(recipient=user).pk
    assert delivery.send_notification_email(pk) == "sent"
    Notification.objects.filter(pk=pk).update(emailed_at=None)  # as if "done" was never written
    assert delivery.send_notification_email(pk) == "sent"
    first, second = smtp.mailbox.messages
    assert first["Message-ID"] == second["Message-ID"] == f"<cercle.notification.{pk}@localhost>"


def test_a_digest_claimed_by_a_run_still_going_is_retried(smtp, user, other) -> None:
    mine = posts.post_create(author=user, body="Salon Rail+ : qui vient ?")
    posts.comment_create(author=other, post=mine, body="Moi")
    now = (timezone.now() + timedelta(minutes=1)).isoformat()
    MailSettings.objects.update_or_create(
        user=user, defaults={"digest_claimed_until": timezone.now() + timedelta(minutes=1)}
    )
    with pytest.raises(delivery.Claimed):
        delivery.send_digest.call(user.pk, now)
    MailSettings.objects.filter(user=user).update(digest_claimed_until=None)
    assert delivery.send_digest.call(user.pk, now) == "sent 1"
    [message] = smtp.mailbox.messages
    assert message["Message-ID"].startswith(f"<cercle.digest.{user.pk}.")


def test_a_digest_run_twice_sends_once(smtp, user, other) -> None:
    mine = posts.post_create(author=user, body="Salon Rail+ : qui vient ?")
    posts.comment_create(author=other, post=mine, body="Moi")
    now = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert delivery.send_digest.call(user.pk, now) == "sent 1"
    assert delivery.send_digest.call(user.pk, now) == "not due"
    assert len(smtp.mailbox.messages) == 1


def test_no_digest_line_about_a_community_one_has_left(smtp, user, other) -> None:
    team = communities.community_create(actor=user, name="Veille", kind=CommunityKind.PRIVATE)
    network.attention_set(
        user=user, source_kind=SourceKind.COMMUNITY, source_id=team.pk, level=AttentionLevel.DIGEST
    )
    communities.community_invite(actor=user, community=team, user=other)
    communities.community_join(actor=other, community=team)
    post = posts.post_create(author=other, community=team, body="Nouvelle norme EN 50126")
    digest_only = Notification.objects.get(recipient=user, post=post)
    assert (digest_only.in_app, digest_only.email) == (False, EmailChoice.DIGEST)
    assert selectors.unread_count(user) == 0  # digest only: not under the bell
    other_owner = other
    communities.member_set_role(actor=user, community=team, user=other_owner, role="owner")
    communities.community_leave(actor=user, community=team)
    assert _digest(smtp, timezone.now() + timedelta(minutes=1), user) == []


def test_a_digest_only_source_is_out_of_the_feed_and_in_the_digest(
    smtp, client_for, user, other
) -> None:
    network.follow(follower=user, followee=other)
    network.attention_set(
        user=user, source_kind=SourceKind.PERSON, source_id=other.pk, level=AttentionLevel.DIGEST
    )
    posts.post_create(author=other, body="Compte rendu du comité qualité")
    feed = client_for(user).get(reverse("home"))
    assert "Compte rendu du comité qualité" not in feed.content.decode()
    [digest] = _digest(smtp, timezone.now() + timedelta(minutes=1), user)
    assert "Compte rendu du comité qualité" in body(digest, "plain")
    assert Notification.objects.get(recipient=user).read_at is not None  # delivered: closed


def test_unsubscribe_without_logging_in(smtp, user, other) -> None:
    posts.post_create(author=other, body=f"@{user.handle} ping")
    deliver()
    [message] = smtp.mailbox.messages
    url = message["List-Unsubscribe"].strip("<>").removeprefix("https://cercle.example.com")
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 200
    assert "Ne plus envoyer" in page.content.decode()
    assert not user.notification_preferences.exists()  # a link scanner's GET changes nothing
    done = anonymous.post(url, {"List-Unsubscribe": "One-Click"})  # RFC 8058, no CSRF token
    assert done.status_code == 200
    assert preferences.current(user).channels[0].email == EmailChoice.OFF  # mentions
    posts.post_create(author=other, body=f"@{user.handle} re-ping")
    deliver()
    assert len(smtp.mailbox.messages) == 1  # no more mention e-mails


def test_a_forged_unsubscribe_link_changes_nothing(user) -> None:
    token = delivery.unsubscribe_token(user, "all")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = Client().post(reverse("notifications:unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert "Ce lien ne fonctionne pas" in response.content.decode()
    assert not MailSettings.objects.filter(user=user).exists()


def test_unsubscribe_from_everything(user) -> None:
    url = reverse("notifications:unsubscribe", args=[delivery.unsubscribe_token(user, "all")])
    assert Client().post(url).status_code == 200
    current = preferences.current(user)
    assert current.digest == DigestFrequency.OFF
    assert {c.email for c in current.channels} == {EmailChoice.OFF}


def test_settings_page_saves_and_refuses_bad_values(client_for, user) -> None:
    client = client_for(user)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200 and "Résumé de ce que j" in page.content.decode()
    form = {f"{e}-email": EmailChoice.DIGEST for e in Event.values}
    form |= {f"{e}-in_app": "on" for e in Event.values if e != Event.REACTION}
    response = client.post(reverse("notifications:settings"), {**form, "digest": "weekly"})
    assert response.status_code == 200
    current = preferences.current(user)
    reaction = next(c for c in current.channels if c.event == Event.REACTION)
    assert (reaction.in_app, reaction.email) == (False, EmailChoice.DIGEST)
    assert current.digest == DigestFrequency.WEEKLY

    bad = client.post(reverse("notifications:settings"), {**form, "mention-email": "fax"})
    assert bad.status_code == 400
    assert "Choix d’e-mail inconnu : fax" in bad.content.decode()
    mention = next(c for c in preferences.current(user).channels if c.event == Event.MENTION)
    assert mention.email == EmailChoice.DIGEST  # unchanged by the refused form


def test_delivery_is_enqueued_with_the_notification_or_not_at_all(user, other) -> None:
    def failing_request() -> None:
        with transaction.atomic():
            posts.post_create(author=other, body=f"@{user.handle} brouillon")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        failing_request()
    assert not DBTaskResult.objects.exists()
    assert not Notification.objects.exists()


def test_settings_through_the_api(client_for, user) -> None:
    client = client_for(user)
    current = client.get("/api/v1/notifications/settings").json()
    assert current["digest"] == "daily"
    mention = next(c for c in current["channels"] if c["event"] == "mention")
    assert mention == {
        "event": "mention",
        "label": "Mentions",
        "in_app": True,
        "email": "immediate",
    }
    changed = client.put(
        "/api/v1/notifications/settings",
        {"channels": [{"event": "reaction", "in_app": False, "email": "off"}], "digest": "weekly"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    reaction = next(c for c in changed.json()["channels"] if c["event"] == "reaction")
    assert (reaction["in_app"], reaction["email"]) == (False, "off")
    refused = client.put(
        "/api/v1/notifications/settings",
        {"channels": [{"event": "telepathy", "email": "off"}], "digest": "daily"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "Type de notification inconnu : telepathy" in refused.content.decode()
    assert preferences.current(user).digest == DigestFrequency.WEEKLY  # nothing changed
    # The same event twice, a wrong value hidden behind a right one (found by schemathesis).
    twice = client.put(
        "/api/v1/notifications/settings",
        {
            "channels": [
                {"event": "reaction", "email": "__not_in_enum__"},
                {"event": "reaction", "email": "immediate"},
            ],
            "digest": "daily",
        },
        content_type="application/json",
    )
    assert twice.status_code == 422
    assert "Chaque type de notification ne peut figurer qu'une fois." in twice.content.decode()
    assert preferences.current(user).digest == DigestFrequency.WEEKLY


def test_one_task_per_event_and_a_retry_sends_only_the_rest(smtp, user, other) -> None:
    franck = UserFactory(first_name="Franck", last_name="Morel")
    posts.post_create(author=other, body=f"@{user.handle} @{franck.handle} réunion à 14 h")
    task = DBTaskResult.objects.get()  # one task for both mentions
    first = Notification.objects.get(recipient=user)
    delivery.send_notification_email(first.pk)  # as if an earlier attempt got this far
    assert deliver() == 1
    assert sorted(m["To"] for m in smtp.mailbox.messages) == sorted([user.email, franck.email])
    task.refresh_from_db()
    assert task.return_value == {
        str(first.pk): "already sent",
        str(Notification.objects.get(recipient=franck).pk): "sent",
    }
