"""Visibility of people and their profiles.

Profiles are visible to every active employee (an enterprise directory);
deactivated people stay visible so their name on past content still links
somewhere, but are left out of the directory and suggestions.  A profile is
edited by its owner or by staff.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from cercle.access.base import Viewer, is_active_viewer

if TYPE_CHECKING:
    from cercle.accounts.models import User


class ProfileAction(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    DEACTIVATE = "deactivate"
    SET_MANAGER = "set_manager"  # who the person reports to: the org chart is the admins' to keep


class ProfilePolicy:
    @staticmethod
    def can(viewer: Viewer, action: ProfileAction, person: User) -> bool:
        if not is_active_viewer(viewer):
            return False
        match action:
            case ProfileAction.VIEW:
                return True
            case ProfileAction.EDIT:
                return bool(viewer.pk == person.pk or viewer.is_staff)
            case ProfileAction.DEACTIVATE:
                return bool(viewer.is_staff and viewer.pk != person.pk)
            case ProfileAction.SET_MANAGER:
                return bool(viewer.is_staff)

    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[User]) -> QuerySet[User]:
        """Every profile for an active employee, nothing for anyone else."""
        if not is_active_viewer(viewer):
            return queryset.none()
        return queryset

    @staticmethod
    def listed(viewer: Viewer, queryset: QuerySet[User]) -> QuerySet[User]:
        """People shown in lists (directory, suggestions): active ones only."""
        return ProfilePolicy.visible(viewer, queryset).filter(is_active=True)

    @staticmethod
    def audience(person: User) -> QuerySet[User]:
        from cercle.accounts.models import User

        return User.objects.filter(is_active=True)
