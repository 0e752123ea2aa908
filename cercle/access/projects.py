"""Visibility and permissions of projects, their milestones and their action items.

A project is its community's: whoever reads the community's content reads
its goal, milestones and actions (``CommunityAction.READ``).  Its managers
make the community a project and keep its goal, dates, sites and milestones;
every member adds actions and assigns them to a member.  An action is ticked
by its assignee, whoever wrote it, or a manager; changed or deleted by whoever
wrote it or a manager.  An archived community's project is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cercle.access.base import Viewer, is_active_viewer
from cercle.access.communities import (
    CommunityAction,
    CommunityPolicy,
    content_q,
)

if TYPE_CHECKING:
    from cercle.projects.models import ActionItem, Project


class ProjectAction(StrEnum):
    VIEW = "view"  # the project page, milestones, actions
    MANAGE = "manage"  # goal, dates, sites, regions, milestones
    ADD_ACTION = "add_action"


class ActionItemAction(StrEnum):
    VIEW = "view"
    TICK = "tick"  # done, or open again
    EDIT = "edit"  # title, assignee, due date
    DELETE = "delete"


def project_q(viewer: Viewer, prefix: str = "") -> Q:
    """Projects (or milestones, actions: ``prefix`` reaches the project) the viewer may read."""
    return content_q(viewer, prefix)


class ProjectPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Project]) -> QuerySet[Project]:
        return queryset.filter(project_q(viewer))

    @staticmethod
    def can(viewer: Viewer, action: ProjectAction, project: Project) -> bool:
        community = project.community
        if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
            return False
        match action:
            case ProjectAction.VIEW:
                return True
            case ProjectAction.MANAGE:
                return not community.is_archived and CommunityPolicy.can(
                    viewer, CommunityAction.MODERATE, community
                )
            case ProjectAction.ADD_ACTION:
                return CommunityPolicy.can(viewer, CommunityAction.POST, community)


@dataclass(frozen=True, slots=True)
class ActionPermissions:
    tick: bool
    edit: bool
    delete: bool

    def as_dict(self) -> dict[str, bool]:
        return {"tick": self.tick, "edit": self.edit, "delete": self.delete}


class ActionItemPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
        return queryset.filter(project_q(viewer, "project__"))

    @staticmethod
    def permissions(viewer: Viewer, action: ActionItem) -> ActionPermissions:
        """What ``viewer`` may do to ``action``, assuming they read it (``can`` checks that)."""
        community = action.project.community
        if community.is_archived or not is_active_viewer(viewer):
            return ActionPermissions(tick=False, edit=False, delete=False)
        manages = CommunityPolicy.can(viewer, CommunityAction.MODERATE, community)
        wrote = action.created_by_id is not None and action.created_by_id == viewer.pk
        member = CommunityPolicy.can(viewer, CommunityAction.POST, community)
        assigned = action.assignee_id is not None and action.assignee_id == viewer.pk
        return ActionPermissions(
            tick=manages or (member and (wrote or assigned)),
            edit=manages or (member and wrote),
            delete=manages or (member and wrote),
        )

    @staticmethod
    def can(viewer: Viewer, what: ActionItemAction, action: ActionItem) -> bool:
        if not CommunityPolicy.can(viewer, CommunityAction.READ, action.project.community):
            return False
        if what == ActionItemAction.VIEW:
            return True
        allowed = ActionItemPolicy.permissions(viewer, action)
        match what:
            case ActionItemAction.TICK:
                return allowed.tick
            case ActionItemAction.EDIT:
                return allowed.edit
            case ActionItemAction.DELETE:
                return allowed.delete
        return False
