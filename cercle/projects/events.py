"""What happens to projects, for whoever subscribes (``cercle.core.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from cercle.accounts.models import User
from cercle.core.events import Event
from cercle.projects.models import ActionItem, Project


@dataclass(frozen=True, eq=False)
class ProjectChanged(Event):
    """A community became a project, or its goal, dates, sites or regions changed."""

    actor: User
    project: Project


@dataclass(frozen=True, eq=False)
class ActionAssigned(Event):
    """An action item was given to someone other than the one who gave it."""

    actor: User
    action: ActionItem
