"""Conversations: posts (on a profile or in a community), comments, reactions,
#hashtags, @mentions, praise, shares and attachments.

A post on a profile has ``community = None``; who may see what is decided in
``cercle.access.posts``, never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cercle.core.urls import fast_reverse

if TYPE_CHECKING:
    from cercle.access.posts import CommentPermissions

MAX_BODY = 10_000
MAX_HIDDEN_REASON = 200


MAX_CLIENT_TOKEN = 64


def clean_client_token(raw: str) -> str:
    """A composer's idempotency token as stored (``""``: none was sent)."""
    return raw.strip()[:MAX_CLIENT_TOKEN]


class Hashtag(models.Model):
    """``#Réseau`` and ``#reseau`` are one hashtag: ``key`` is the folded name."""

    name = models.CharField(max_length=50)
    key = models.CharField(max_length=50, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"#{self.name}"

    def get_absolute_url(self) -> str:
        return fast_reverse("posts:hashtag", self.key)


class PostKind(models.TextChoices):
    POST = "post", _("Post")
    PRAISE = "praise", _("Praise")
    SHARE = "share", _("Share")
    # The feed item and discussion of a library document (``cercle.documents``):
    # no text of its own, its card shows the document.  ``created_at`` is when
    # it last came up: a new version after a quiet hour lifts it again.
    DOCUMENT = "document", _("Document")


# Posts that stand for an object of another app, which owns their life: written,
# moved and deleted with it, never on their own.
SUBJECT_KINDS = frozenset({PostKind.DOCUMENT})


class Post(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="posts"
    )
    community = models.ForeignKey(
        "communities.Community", models.CASCADE, null=True, blank=True, related_name="posts"
    )
    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.POST)
    body = models.TextField(max_length=MAX_BODY, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    # A share points at the original; it never copies it (visibility stays the original's).
    shared_post = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="shares"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    # Hidden by a moderator: out of every list but its author's; kept, and
    # reachable at its address by its author and the moderators (see cercle.access.posts).
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # db_default: processes still running the previous release keep inserting posts.
    hidden_reason = models.CharField(
        max_length=MAX_HIDDEN_REASON, blank=True, default="", db_default=""
    )
    # Lifted by new comments: the "latest activity" ordering of the feed.
    last_activity_at = models.DateTimeField(default=timezone.now)
    comment_count = models.PositiveIntegerField(default=0)
    # Sent by the composer so that a double submission creates one post.
    client_token = models.CharField(max_length=MAX_CLIENT_TOKEN, blank=True, editable=False)

    hashtags = models.ManyToManyField(Hashtag, through="PostHashtag", related_name="posts")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=~Q(client_token=""),
                name="post_client_token_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "-created_at", "-id"], name="post_community_recent"),
            models.Index(fields=["author", "-created_at", "-id"], name="post_author_recent"),
            models.Index(fields=["-created_at", "-id"], name="post_recent"),
            models.Index(fields=["-last_activity_at", "-id"], name="post_activity"),
            # The few hidden posts, for the moderators' list on a community page.
            models.Index(
                fields=["community", "-hidden_at"],
                condition=Q(hidden_at__isnull=False),
                name="post_hidden",
            ),
            # A community's pinned posts: a handful among tens of thousands.
            models.Index(
                fields=["community", "-pinned_at"],
                condition=Q(pinned_at__isnull=False),
                name="post_pinned",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} by {self.author_id}"

    def get_absolute_url(self) -> str:
        return fast_reverse("posts:detail", self.pk)


class PostRevision(models.Model):
    """The text of a post before each edit."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Revision of {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class PostHashtag(models.Model):
    """A topic carried by a post.

    ``created_at`` is the post's own, copied: a topic's page walks its index
    newest first and stops after one page, where sorting the posts of a
    common topic (25,000 at 1M posts) by their date would read them all.
    """

    post = models.ForeignKey(Post, models.CASCADE, related_name="post_hashtags")
    hashtag = models.ForeignKey(Hashtag, models.CASCADE, related_name="post_hashtags")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "hashtag"], name="posthashtag_unique")
        ]
        indexes = [
            models.Index(fields=["hashtag", "-created_at", "-post"], name="posthashtag_newest")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.hashtag_id}"


class PraiseRecipient(models.Model):
    post = models.ForeignKey(Post, models.CASCADE, related_name="praise_recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="praises_received"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="praise_unique")]

    def __str__(self) -> str:
        return f"{self.post_id} thanks {self.user_id}"


class Comment(models.Model):
    if TYPE_CHECKING:  # set for its viewer by posts.selectors.comments_for
        permissions: CommentPermissions
        reaction_summary: list[Reactions]
        reply_list: list[Comment]

    post = models.ForeignKey(Post, models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="comments"
    )
    # One level of replies: a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(max_length=MAX_BODY)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    client_token = models.CharField(max_length=MAX_CLIENT_TOKEN, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=~Q(client_token=""),
                name="comment_client_token_unique",
            ),
        ]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.post_id}"


class Mention(models.Model):
    """``@handle`` in a post (``comment`` empty) or in one of its comments."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(
        Comment, models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="mentions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "comment", "user"], name="mention_unique"),
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(comment__isnull=True),
                name="mention_post_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.post_id}"


class Emoji(models.TextChoices):
    LIKE = "like", "👍"
    LOVE = "love", "❤️"
    CELEBRATE = "celebrate", "🎉"
    IDEA = "idea", "💡"
    DONE = "done", "✅"


EMOJI_LABELS = {
    Emoji.LIKE: _("Like"),
    Emoji.LOVE: _("Love"),
    Emoji.CELEBRATE: _("Celebrate"),
    Emoji.IDEA: _("Insightful"),
    Emoji.DONE: _("Agreed"),
}


@dataclass(slots=True)
class Reactions:
    """One emoji's reactions on a post or comment, as its viewer sees them (not stored)."""

    emoji: str
    symbol: str
    label: str
    count: int
    mine: bool


class Reaction(models.Model):
    post = models.ForeignKey(Post, models.CASCADE, related_name="reactions")
    comment = models.ForeignKey(
        Comment, models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="reactions")
    emoji = models.CharField(max_length=12, choices=Emoji.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "emoji"],
                condition=Q(comment__isnull=True),
                name="reaction_post_unique",
            ),
            models.UniqueConstraint(
                fields=["comment", "user", "emoji"],
                condition=Q(comment__isnull=False),
                name="reaction_comment_unique",
            ),
        ]
        indexes = [models.Index(fields=["post", "comment"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.emoji} {self.post_id}/{self.comment_id}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Image")
    PDF = "pdf", _("PDF")
    OFFICE = "office", _("Office document")
    TEXT = "text", _("Text")


class Attachment(models.Model):
    """A file on a post or on a comment; downloads check the post's visibility."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    thumbnail = models.ImageField(upload_to="attachments/%Y/%m/", blank=True)
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # The text inside (PDF, office, text files), read in the background
    # (``cercle.posts.reading``) and searched with its post or comment.
    text = models.TextField(blank=True, default="", db_default="", editable=False)
    read_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("posts:attachment", args=[self.pk, self.name])
