"""Reads on projects, always for a viewer (``cercle.access.projects``)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from cercle.access.base import Viewer, viewer_pk
from cercle.access.projects import ActionItemPolicy, ProjectPolicy
from cercle.communities.models import Community
from cercle.projects.models import ActionItem, Milestone, Project

MY_ACTIONS = 100


def project_get(*, viewer: Viewer, community: Community) -> Project | None:
    """The project ``community`` is, if it is one and the viewer reads it."""
    return (
        ProjectPolicy.visible(viewer, Project.objects.filter(community=community))
        .select_related("community")
        .prefetch_related("regions")
        .first()
    )


def milestones(*, project: Project) -> QuerySet[Milestone]:
    """A readable project's milestones, soonest first (the caller got ``project`` above)."""
    return project.milestones.order_by("due_on", "id")


def actions(*, project: Project, open_only: bool = False) -> QuerySet[ActionItem]:
    """A readable project's actions: open ones first by due date, then the done ones."""
    found = project.actions.select_related("assignee", "project__community")
    if open_only:
        found = found.filter(done_at__isnull=True)
    return found.order_by(
        F("done_at").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "id"
    )


def action_get(*, viewer: Viewer, action_id: int) -> ActionItem | None:
    return (
        ActionItemPolicy.visible(viewer, ActionItem.objects.filter(pk=action_id))
        .select_related("project__community", "assignee")
        .first()
    )


def milestone_get(*, viewer: Viewer, milestone_id: int) -> Milestone | None:
    from cercle.access.projects import project_q

    return (
        Milestone.objects.filter(project_q(viewer, "project__"), pk=milestone_id)
        .select_related("project__community")
        .first()
    )


def my_actions(*, viewer: Viewer) -> QuerySet[ActionItem]:
    """What is still open for the viewer across the projects they read, soonest first."""
    return (
        ActionItemPolicy.visible(
            viewer, ActionItem.objects.filter(assignee_id=viewer_pk(viewer), done_at__isnull=True)
        )
        .select_related("project__community", "assignee")
        .order_by(F("due_on").asc(nulls_last=True), "id")[:MY_ACTIONS]
    )
