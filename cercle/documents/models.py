"""A community's library: folders, documents, and each document's versions.

A document is a name in a folder with a history: every upload is a new
``DocumentVersion`` (numbered from 1, never rewritten); restoring an earlier
one adds a version carrying its bytes, so the history only grows.  What a
version holds inside (its text, page by page, and its page images) is
worked out in the background (``cercle.documents.processing``) and kept in
``DocumentPage`` rows.  Who may see or change what is decided in
``cercle.access.documents``, never here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cercle.core.urls import fast_reverse

MAX_DEPTH = 8  # folders inside folders
MAX_NAME = 160
MAX_NOTE = 300


class Folder(models.Model):
    community = models.ForeignKey("communities.Community", models.CASCADE, related_name="folders")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=MAX_NAME)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        ordering = ["name", "id"]
        constraints = [
            # Two folders of one name side by side would be told apart by nobody.
            models.UniqueConstraint(
                "community", "parent", Lower("name"), name="folder_unique_name"
            ),
            models.UniqueConstraint(
                "community",
                Lower("name"),
                condition=Q(parent__isnull=True),
                name="folder_unique_top_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return fast_reverse("documents:folder", self.pk)


class ReferenceKind(models.TextChoices):
    """Documents one reuses: the "tender kit" of a region's salespeople."""

    NONE = "", _("Ordinary document")
    TEMPLATE = "template", _("Template")
    REFERENCE = "reference", _("Reference")


class Document(models.Model):
    community = models.ForeignKey("communities.Community", models.CASCADE, related_name="documents")
    # Null: at the top of the library.  A folder is emptied before it is deleted
    # (RESTRICT: a folder with documents is refused, a community deletes all of it).
    folder = models.ForeignKey(
        Folder, models.RESTRICT, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=MAX_NAME)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    reference = models.CharField(
        _("reference material"),
        max_length=10,
        choices=ReferenceKind.choices,
        blank=True,
        default=ReferenceKind.NONE,
    )
    # The latest version: what readers open, download, preview and find in search.
    current = models.ForeignKey(
        "DocumentVersion", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=0)
    # "Being edited by ...": a soft warning, never a lock (see services.editing_start).
    editing_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    editing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Its feed item and discussion (comments, reactions, @mentions): a post of
    # kind "document", written, lifted and deleted with the document (services).
    post = models.OneToOneField(
        "posts.Post", models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["community", "folder", "title", "id"], name="document_in_folder"),
            models.Index(fields=["community", "-updated_at", "-id"], name="document_recent"),
            models.Index(
                fields=["community", "title"],
                condition=~Q(reference=""),
                name="document_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return fast_reverse("documents:detail", self.pk)


class PreviewState(models.TextChoices):
    PENDING = "pending", _("Preview in preparation")
    READY = "ready", _("Preview ready")
    NONE = "none", _("No preview")


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to="documents/%Y/%m/")
    # The name it is served under (the uploader's, with the extension of its content).
    name = models.CharField(max_length=MAX_NAME)
    kind = models.CharField(max_length=10)  # cercle.core.uploads.UploadKind.kind
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)  # the same bytes twice are not a new version
    note = models.CharField(_("what changed"), max_length=MAX_NOTE, blank=True)
    # A restore: the version whose bytes this one carries again.
    restored_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Worked out in the background (cercle.documents.processing).
    preview = models.CharField(
        max_length=10, choices=PreviewState.choices, default=PreviewState.PENDING
    )
    # Why there is no preview, or why the text could not be read ("protected by a password").
    problem = models.CharField(max_length=40, blank=True)
    page_count = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    def get_absolute_url(self) -> str:
        # No file name in the address (it is in Content-Disposition): reversed by format.
        return fast_reverse("documents:download", self.document_id, self.number)


class DocumentPage(models.Model):
    """One page, sheet or slide of a version: its text, and its picture when one was made."""

    version = models.ForeignKey(DocumentVersion, models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=MAX_NAME, blank=True)  # a sheet's name
    text = models.TextField(blank=True)
    image = models.ImageField(upload_to="documents/pages/%Y/%m/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="page_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} p{self.number}"


class DocumentUse(models.Model):
    """A post or comment that links to a library document: where it was used.

    Written from the links in their text (``[Offre type](/documents/12/)``, see
    ``cercle.documents.uses``): a link, not a copy, so readers always open the
    current version.  Readers see a use only if they see both sides.
    """

    document = models.ForeignKey(Document, models.CASCADE, related_name="uses")
    post = models.ForeignKey("posts.Post", models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        "posts.Comment", models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "post"],
                condition=Q(comment__isnull=True),
                name="documentuse_post_unique",
            ),
            models.UniqueConstraint(
                fields=["document", "comment"],
                condition=Q(comment__isnull=False),
                name="documentuse_comment_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "comment"], name="documentuse_post"),
            models.Index(fields=["document", "-created_at"], name="documentuse_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} in {self.post_id}/{self.comment_id}"
