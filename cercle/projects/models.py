"""Projects across sites: a community that is also a project, its milestones and actions.

A project is a community with a goal, dates and the sites and regions it
spans (``Project``, one per community at most); its members are the
community's.  Milestones are dated steps with a status; action items are
what someone has to do, by when, often decided in a meeting ("compte
rendu").  Who may see or change what is decided in ``cercle.access.projects``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_TITLE = 200
MAX_GOAL = 2000
MAX_SITES = 20
MAX_SITE = 120


class Project(models.Model):
    community = models.OneToOneField(
        "communities.Community", models.CASCADE, primary_key=True, related_name="project"
    )
    goal = models.TextField(_("goal"), max_length=MAX_GOAL, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    # Site names as profiles write them ("Bordeaux", "Lyon", "Lille").
    sites = models.JSONField(_("sites"), default=list, blank=True)
    regions = models.ManyToManyField("accounts.Region", blank=True, related_name="projects")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Project {self.community_id}"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Milestone(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["project", "due_on"], name="milestone_due")]

    def __str__(self) -> str:
        return self.title


class ActionItem(models.Model):
    """Something one person has to do for a project, by a date; ticked when done."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_actions",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The meeting it was decided in: the minutes' post (a library document's, or any post).
    source_post = models.ForeignKey(
        "posts.Post", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [
            # "My actions": what is still open for someone, soonest first.
            models.Index(
                fields=["assignee", "due_on"], condition=Q(done_at__isnull=True), name="action_open"
            ),
            models.Index(fields=["project", "done_at", "due_on"], name="action_project"),
        ]

    def __str__(self) -> str:
        return self.title
