"""The search index: one row per searchable thing, matched by the database's full-text engine.

Rows are written by ``cercle.search.index`` in the same transaction as the
content they describe.  The full-text part lives outside the model, created
by migration 0002 for each database: an FTS5 table kept in step by triggers
on SQLite, two generated ``tsvector`` columns with GIN indexes on PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    POST = "post", _("Post")
    COMMENT = "comment", _("Comment")
    PERSON = "person", _("Person")
    COMMUNITY = "community", _("Community")


class SearchEntry(models.Model):
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    object_id = models.BigIntegerField()
    # Posts and comments: the post whose visibility rules the entry.
    post = models.ForeignKey("posts.Post", models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(
        "posts.Comment", models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A community's own entry, or the community a post or comment was written in.
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
