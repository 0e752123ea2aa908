"""What happens to communities, for whoever subscribes (``cercle.core.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from cercle.accounts.models import User
from cercle.communities.models import Community
from cercle.core.events import Event


@dataclass(frozen=True, eq=False)
class CommunityChanged(Event):
    """Created, or its name, description or kind changed."""

    community: Community


@dataclass(frozen=True, eq=False)
class JoinRequested(Event):
    actor: User
    community: Community


@dataclass(frozen=True, eq=False)
class RequestAnswered(Event):
    actor: User
    community: Community
    user: User
    approved: bool


@dataclass(frozen=True, eq=False)
class Invited(Event):
    actor: User
    community: Community
    user: User
