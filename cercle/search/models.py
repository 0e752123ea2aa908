"""The search index: one row per searchable thing, matched by the database's full-text engine.

Rows are written by ``cercle.search.index`` in the same transaction as the
content they describe.  The full-text part lives outside the model, created
by migration 0002 for each database: an FTS5 table kept in step by triggers
on SQLite, two generated ``tsvector`` columns with GIN indexes on PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    POST = "post", _("Post")
    COMMENT = "comment", _("Comment")
    PERSON = "person", _("Person")
    COMMUNITY = "community", _("Community")
    DOCUMENT = "document", _("Document")


class SearchEntry(models.Model):
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    object_id = models.BigIntegerField()
    # Posts and comments: the post whose visibility rules the entry.
    post = models.ForeignKey("posts.Post", models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(
        "posts.Comment", models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A library document (its current version): readable as its community's content.
    document = models.ForeignKey(
        "documents.Document", models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A community's own entry, or the community a post, comment or document is in.
    community = models.ForeignKey(
        "communities.Community", models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Who wrote it (posts, comments), or who it is (people).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    title = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)  # plain text, for snippets
    terms_fr = models.TextField(blank=True)  # see cercle.search.text
    terms_en = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")
        ]
        indexes = [models.Index(fields=["kind", "-created_at"], name="search_kind_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class HiddenTopic(models.Model):
    """A subject someone does not want to be suggested for on the strength of their activity.

    "Qui sait ?" then ignores what they wrote on it; the skills they declared
    on their profile still count (they chose to show those).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    label = models.CharField(_("subject"), max_length=100)
    # Folded words without spaces ("appelsdoffres"), and the label's stems.
    key = models.CharField(max_length=100, editable=False)
    stems_fr = models.CharField(max_length=400, editable=False)
    stems_en = models.CharField(max_length=400, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hidden subject")
        verbose_name_plural = _("hidden subjects")
        ordering = ["label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="hidden_topic_unique"),
        ]

    def __str__(self) -> str:
        return self.label
