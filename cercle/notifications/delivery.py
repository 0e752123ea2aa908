"""E-mail delivery: a notification right away, or a digest of what was missed.

Everything here runs as tasks (``django.tasks``, see ``cercle.tasks``), which
may run twice (a worker died after sending, before saying so) and are
retried when they fail (the SMTP server refused or was down).  So each task
claims its own work first, by compare-and-set on a lease
(``Notification.email_claimed_until``, ``MailSettings.digest_claimed_until``):
a second run of the same task finds the work done and sends nothing, or
finds it claimed and raises ``Claimed``, so that it is tried again later:
by then the claim has either become "done" or expired (its worker died
mid-send), and the e-mail leaves once.  A failure releases the claim and
raises, and the task is retried.  A claim lasts ``CLAIM`` (a minute by
default, ``CERCLE_EMAIL_CLAIM`` seconds), far longer than one SMTP exchange
(10 s timeouts) and shorter than the task lease (5 minutes), so that a task
reclaimed from a dead worker finds the claim expired.

Each e-mail's ``Message-ID`` is derived from what it carries (the
notification, or the person and the digest's moment): the idempotency key
of the receiving side.  If a worker dies in the instant between the SMTP
server's "accepted" and the claim's "done", the copy sent again has the same
``Message-ID``, which mail clients show once.

What is sent is decided when it is sent, not when it was written: a
notification the recipient may no longer see (removed from the community,
post deleted), or already read in the app, is not e-mailed and is not in a
digest.  Each digest line appears once: it is marked sent with the digest.
"""

from __future__ import annotations

import email.policy
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cercle.accounts.models import User
from cercle.notifications import describe, preferences, selectors
from cercle.notifications.models import (
    DEFAULT_DIGEST,
    DigestFrequency,
    EmailChoice,
    Event,
    MailSettings,
    Notification,
)

CLAIM = timedelta(seconds=settings.CERCLE_EMAIL_CLAIM)
DIGEST_MAX_ITEMS = 50
UNSUBSCRIBE_SALT = "cercle.notifications.unsubscribe"
ALL = "all"  # every e-mail
DIGEST = "digest"  # the digest only


# --- Unsubscribe links -----------------------------------------------------------


def unsubscribe_token(user: User, scope: str) -> str:
    """A signed token that turns off ``scope`` (an event type, "digest" or "all") for ``user``.

    It works without logging in and does not expire: an old e-mail's link
    must still work.  It carries the user's id and the scope, nothing secret.
    """
    return signing.dumps({"u": user.pk, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    scope = data.get("s")
    if scope not in {ALL, DIGEST, *Event.values}:
        return None
    pk = data.get("u")
    if not isinstance(pk, int):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    return (user, scope) if user is not None else None


def unsubscribe(user: User, scope: str) -> None:
    """Turn off the e-mails of ``scope`` for ``user`` (idempotent)."""
    with transaction.atomic():
        if scope in (ALL, DIGEST):
            MailSettings.objects.update_or_create(
                user=user, defaults={"digest": DigestFrequency.OFF}
            )
        events = Event.values if scope == ALL else [scope] if scope in Event.values else []
        if events:
            current = {c.event: c for c in preferences.current(user).channels}
            preferences.update(
                user, channels={event: (current[event].in_app, EmailChoice.OFF) for event in events}
            )
        # What was waiting for an e-mail of this kind is not sent either.
        pending = Notification.objects.filter(recipient=user, emailed_at__isnull=True)
        if scope != ALL and scope != DIGEST:
            pending = pending.filter(event=scope)
        elif scope == DIGEST:
            pending = pending.filter(email=EmailChoice.DIGEST)
        pending.exclude(email=EmailChoice.OFF).update(email=EmailChoice.OFF)


def unsubscribe_scope_label(scope: str) -> str:
    if scope == ALL:
        return _("all e-mails from Cercle")
    if scope == DIGEST:
        return _("the digest")
    return _("e-mails about: %(kind)s") % {"kind": Event(scope).label}


# --- Messages ---------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.CERCLE_SITE_URL + path


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    excerpt: str
    url: str
    when: datetime


def _line(notification: Notification) -> Line:
    return Line(
        text=describe.text(notification),
        excerpt=describe.excerpt(notification),
        url=_absolute(reverse("notifications:open", args=[notification.pk])),
        when=notification.updated_at,
    )


class _Mail(EmailMultiAlternatives):
    """Headers folded at 998 characters (RFC 5322's limit), not 78.

    At 78, Python's e-mail package encodes a long header without spaces
    (``List-Unsubscribe: <https://…/unsubscribe/long-token/>``) as RFC 2047
    words, which mail clients do not read as a link.
    """

    def message(self, *, policy: Any = None) -> Any:
        return super().message(policy=(policy or email.policy.default).clone(max_line_length=998))


class Claimed(Exception):  # noqa: N818 - a state, not an error
    """Another run holds the claim on this e-mail: try again after it ends or expires."""


def message_id(key: str) -> str:
    """The ``Message-ID`` of the e-mail identified by ``key``: the same for each resend."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">").strip() or "cercle"
    return f"<cercle.{key}@{domain}>"


def _message(
    user: User,
    *,
    subject: str,
    template: str,
    scope: str,
    context: dict[str, Any],
    key: str,
) -> _Mail:
    """A multipart (text + HTML) message to ``user``, with its unsubscribe link and header.

    ``key`` names what the message carries, for its ``Message-ID``.
    """
    unsubscribe_url = _absolute(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user, scope)])
    )
    context = {
        **context,
        "user": user,
        "site_url": settings.CERCLE_SITE_URL,
        "settings_url": _absolute(reverse("notifications:settings")),
        "unsubscribe_url": unsubscribe_url,
        "unsubscribe_label": unsubscribe_scope_label(scope),
        "unsubscribe_all_url": _absolute(
            reverse("notifications:unsubscribe", args=[unsubscribe_token(user, ALL)])
        ),
    }
    message = _Mail(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[user.email],
        headers={
            "Message-ID": message_id(key),
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


# --- One notification, right away --------------------------------------------------


@task()
def send_notification_emails(notification_ids: list[int]) -> dict[str, str]:
    """E-mail each of these notifications (those of one event, written together).

    One task per event rather than per recipient: one row to write in the
    request.  Each notification is claimed on its own, so when the SMTP
    server fails halfway the retry sends only the rest.  Returns what
    happened to each ("sent", or why not), kept as the task's result.
    """
    outcome: dict[str, str] = {}
    failure: BaseException | None = None
    for notification_id in notification_ids:
        try:
            outcome[str(notification_id)] = send_notification_email(notification_id)
        except Exception as error:  # try the others; the task fails and is retried
            outcome[str(notification_id)] = "failed"
            failure = failure or error
    if failure is not None:
        raise failure
    return outcome


def send_notification_email(notification_id: int) -> str:
    """E-mail one notification (mentions, invitations, requests by default), at most once."""
    now = timezone.now()
    claimable = Q(email_claimed_until__isnull=True) | Q(email_claimed_until__lt=now)
    claimed = (
        Notification.objects.filter(
            claimable,
            pk=notification_id,
            email=EmailChoice.IMMEDIATE,
            emailed_at__isnull=True,
        ).update(email_claimed_until=now + CLAIM)
        == 1
    )
    if not claimed:
        state = Notification.objects.filter(pk=notification_id).values("emailed_at", "email")
        found_state = state.first()
        if found_state is None or found_state["emailed_at"] is not None:
            return "already sent"
        if found_state["email"] != EmailChoice.IMMEDIATE:
            return "not to be e-mailed"
        raise Claimed(f"notification {notification_id}")
    try:
        notification = Notification.objects.select_related("recipient").get(pk=notification_id)
        user = notification.recipient
        found = (
            selectors.visible(user, in_app=None)
            .select_related("actor", "post", "post__community", "comment", "community")
            .filter(pk=notification_id)
            .first()
        )
        if found is None:
            Notification.objects.filter(pk=notification_id).update(email_claimed_until=None)
            return "no longer visible"
        if found.in_app and found.read_at is not None:
            Notification.objects.filter(pk=notification_id).update(email_claimed_until=None)
            return "already read"
        with translation.override(_language(user)):
            line = _line(found)
            message = _message(
                user,
                subject=line.text,
                template="notification",
                scope=found.event,
                context={"line": line, "kind": Event(found.event).label},
                key=f"notification.{notification_id}",
            )
            message.send()
    except BaseException:
        Notification.objects.filter(pk=notification_id).update(email_claimed_until=None)
        raise
    done = {"emailed_at": timezone.now(), "email_claimed_until": None}
    if not found.in_app:
        done["read_at"] = done["emailed_at"]  # delivered: its group may start afresh
    Notification.objects.filter(pk=notification_id).update(**done)
    return "sent"


# --- The digest -----------------------------------------------------------------


def digest_slot(frequency: str, moment: datetime) -> datetime | None:
    """The latest time a digest of ``frequency`` was due, at or before ``moment``.

    Digests leave at ``CERCLE_DIGEST_HOUR`` (7 h by default) in the site's
    time zone: every day, or on Mondays for the weekly one.  ``None`` when
    the digest is off.
    """
    if frequency not in (DigestFrequency.DAILY, DigestFrequency.WEEKLY):
        return None
    local = timezone.localtime(moment)
    hour = int(getattr(settings, "CERCLE_DIGEST_HOUR", 7))
    slot = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    if frequency == DigestFrequency.WEEKLY:
        slot -= timedelta(days=slot.weekday())  # back to Monday
    return slot


def _is_due(frequency: str, sent_at: datetime | None, moment: datetime) -> bool:
    slot = digest_slot(frequency, moment)
    return slot is not None and (sent_at is None or sent_at < slot)


@task()
def send_digests(now: str | None = None) -> int:
    """Enqueue a digest for everyone who has one due and something in it (periodic).

    ``now`` (ISO 8601) replaces the clock, for tests and for catching up.
    """
    moment = datetime.fromisoformat(now) if now else timezone.now()
    waiting = (
        Notification.objects.filter(
            email=EmailChoice.DIGEST, emailed_at__isnull=True, read_at__isnull=True
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    recipients = set(waiting)
    settings_of = {m.user_id: m for m in MailSettings.objects.filter(user_id__in=recipients)}
    enqueued = 0
    for user_id in sorted(recipients):
        mail = settings_of.get(user_id)
        frequency = mail.digest if mail else DEFAULT_DIGEST
        if _is_due(frequency, mail.digest_sent_at if mail else None, moment):
            send_digest.enqueue(user_id, moment.isoformat())
            enqueued += 1
    return enqueued


@task()
def send_digest(user_id: int, now: str | None = None) -> str:
    """One person's digest: what they missed since the last one, each line once."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    mail, _created = MailSettings.objects.get_or_create(user_id=user_id)
    if not _is_due(mail.digest, mail.digest_sent_at, moment):
        return "not due"
    claimable = Q(digest_claimed_until__isnull=True) | Q(digest_claimed_until__lt=timezone.now())
    if not MailSettings.objects.filter(
        claimable, pk=user_id, digest_sent_at=mail.digest_sent_at
    ).update(digest_claimed_until=timezone.now() + CLAIM):
        current = MailSettings.objects.filter(pk=user_id).values_list("digest_sent_at", flat=True)
        if current.first() != mail.digest_sent_at:
            return "already sent"
        raise Claimed(f"digest of {user_id}")
    try:
        user = User.objects.get(pk=user_id)
        lines = list(
            selectors.visible(user, in_app=None)
            .filter(
                email=EmailChoice.DIGEST,
                emailed_at__isnull=True,
                read_at__isnull=True,
                created_at__lte=moment,
            )
            .select_related("actor", "post", "post__community", "comment", "community")[
                :DIGEST_MAX_ITEMS
            ]
        )
        if not lines:  # nothing to tell: no e-mail
            MailSettings.objects.filter(pk=user_id).update(digest_claimed_until=None)
            return "nothing to send"
        with translation.override(_language(user)):
            count = len(lines)
            subject = ngettext(
                "Cercle: %(count)d thing you missed",
                "Cercle: %(count)d things you missed",
                count,
            ) % {"count": count}
            weekly = mail.digest == DigestFrequency.WEEKLY
            message = _message(
                user,
                subject=subject,
                template="digest",
                scope=DIGEST,
                context={"lines": [_line(n) for n in lines], "count": count, "weekly": weekly},
                key=f"digest.{user_id}.{int(moment.timestamp())}",
            )
            message.send()
    except BaseException:
        MailSettings.objects.filter(pk=user_id).update(digest_claimed_until=None)
        raise
    sent = timezone.now()
    with transaction.atomic():
        ids = [n.pk for n in lines]
        Notification.objects.filter(pk__in=ids).update(emailed_at=sent)
        # Digest-only lines are never shown in the app: sent is their "read".
        Notification.objects.filter(pk__in=ids, in_app=False).update(read_at=sent)
        MailSettings.objects.filter(pk=user_id).update(
            digest_sent_at=moment, digest_claimed_until=None
        )
    return f"sent {len(ids)}"
