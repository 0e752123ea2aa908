"""In-app notifications: what happened that concerns me, grouped, read or not.

One row per thing to tell.  Bursts merge while unread (and not yet e-mailed): a second reaction to
the same post updates the first notification ("Franck and 4 others reacted")
instead of adding a line; ``group_key`` names what merges.  Who acted is kept
in ``NotificationActor`` so that the same person reacting twice counts once.

Visibility is decided when a notification is read, not only when it was
written (``selectors.visible``): someone removed from a community no longer
sees what happened in it, and a deleted post or comment takes its
notifications with it (``CASCADE``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    MENTION = "mention", _("Mentions")
    COMMENT = "comment", _("Comments and replies")
    REACTION = "reaction", _("Reactions")
    FOLLOW = "follow", _("New followers")
    PRAISE = "praise", _("Thanks")
    INVITATION = "invitation", _("Community invitations")
    JOIN_REQUEST = "join_request", _("Requests to join my communities")
    REQUEST_APPROVED = "request_approved", _("My requests accepted")
    REQUEST_DECLINED = "request_declined", _("My requests declined")
    NEW_POST = "new_post", _("Posts from sources I set to notify or digest")
    DOCUMENT = "document", _("Documents added or updated where I asked to be told")
    ACTION = "action", _("Project actions given to me")
    MODERATION = "moderation", _("A moderator hid or moved my post")


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away")
    DIGEST = "digest", _("In the digest")
    OFF = "off", _("Never")


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("Never")


# What a newcomer gets without touching a setting: e-mails right away only for
# what waits for them (mentions, invitations, requests); the rest in a digest.
DEFAULT_EMAIL: dict[str, str] = {
    Event.MENTION: EmailChoice.IMMEDIATE,
    Event.COMMENT: EmailChoice.DIGEST,
    Event.REACTION: EmailChoice.DIGEST,
    Event.FOLLOW: EmailChoice.DIGEST,
    Event.PRAISE: EmailChoice.DIGEST,
    Event.INVITATION: EmailChoice.IMMEDIATE,
    Event.JOIN_REQUEST: EmailChoice.IMMEDIATE,
    Event.REQUEST_APPROVED: EmailChoice.IMMEDIATE,
    Event.REQUEST_DECLINED: EmailChoice.IMMEDIATE,
    Event.NEW_POST: EmailChoice.DIGEST,
    Event.DOCUMENT: EmailChoice.DIGEST,
    Event.ACTION: EmailChoice.IMMEDIATE,
    Event.MODERATION: EmailChoice.IMMEDIATE,
}
DEFAULT_DIGEST = DigestFrequency.DAILY


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=20, choices=Event.choices)
    # The latest person who acted (the others are counted through ``actors``).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_count = models.PositiveIntegerField(default=1)
    post = models.ForeignKey("posts.Post", models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(
        "posts.Comment", models.CASCADE, null=True, blank=True, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", models.CASCADE, null=True, blank=True, related_name="+"
    )
    group_key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)  # the latest activity merged in
    read_at = models.DateTimeField(null=True, blank=True)
    # The channels, decided when written from the recipient's preferences: shown
    # in the app (the bell) or not, and e-mailed right away, in a digest or never.
    in_app = models.BooleanField(default=True)
    email = models.CharField(max_length=10, choices=EmailChoice.choices, default=EmailChoice.OFF)
    emailed_at = models.DateTimeField(null=True, blank=True)  # sent alone or in a digest
    # A delivery in progress holds this lease (see delivery.py); a dead worker's expires.
    email_claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-updated_at"], name="notification_recent"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(email="digest", emailed_at__isnull=True, read_at__isnull=True),
                name="notification_digest_due",
            ),
        ]
        constraints = [
            # At most one open notification per group: the next event merges into it.
            # Read or e-mailed, it is closed: what follows starts a new one, so that
            # the next e-mail or digest tells it.
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True, emailed_at__isnull=True) & ~Q(group_key=""),
                name="notification_one_unread_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id}"


class NotificationActor(models.Model):
    notification = models.ForeignKey(Notification, models.CASCADE, related_name="actors")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "actor"], name="notification_actor")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} in {self.notification_id}"


class Preference(models.Model):
    """A person's channels for one event type, when they differ from the defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=20, choices=Event.choices)
    in_app = models.BooleanField(default=True)
    email = models.CharField(max_length=10, choices=EmailChoice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event}: {self.in_app} / {self.email}"


class MailSettings(models.Model):
    """How often a person gets the digest, and when the last one left."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, primary_key=True, related_name="mail_settings"
    )
    digest = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DEFAULT_DIGEST
    )
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    digest_claimed_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"
