"""Who follows whom, and which #topics: one-way, no reciprocity needed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="following_set"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="follower_set"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_unique"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["followee", "follower"])]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followee_id}"


class HashtagFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="hashtag_follows"
    )
    hashtag = models.ForeignKey("posts.Hashtag", models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "hashtag"], name="hashtagfollow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → #{self.hashtag_id}"


class SourceKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMMUNITY = "community", _("Community")
    HASHTAG = "hashtag", _("Topic")
    DOCUMENT = "document", _("Document")
    FOLDER = "folder", _("Folder")


# Sources one follows by choosing a level, without a follow of their own: their
# row *is* the follow (``FEED`` stored), and no row means not followed.
FOLLOWED_BY_LEVEL = frozenset({SourceKind.DOCUMENT, SourceKind.FOLDER})
# The level that removes such a row (unfollow).
UNFOLLOW = "none"


class AttentionLevel(models.TextChoices):
    """How much of a source reaches me.  ``FEED`` is the default (no row needed);
    ``NOTIFY`` and ``DIGEST`` are read by the notifications (see issue #6)."""

    NOTIFY = "notify", _("Notify me of every post")
    FEED = "feed", _("In my feed")
    DIGEST = "digest", _("Digest only")
    MUTE = "mute", _("Muted")


class AttentionSetting(models.Model):
    """A person's choice for one source (a person, a community, a hashtag, a
    library document or folder).

    Muting a community keeps the membership: only the feed changes.  A
    document or folder is followed by its row alone (``FOLLOWED_BY_LEVEL``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="attention_settings"
    )
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices)
    source_id = models.BigIntegerField()
    level = models.CharField(max_length=10, choices=AttentionLevel.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_kind", "source_id"], name="attention_unique"
            ),
        ]
        indexes = [models.Index(fields=["user", "level", "source_kind"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.source_kind}:{self.source_id} → {self.level}"
