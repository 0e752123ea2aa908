"""What happens between people, for whoever subscribes (``cercle.core.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from cercle.accounts.models import User
from cercle.core.events import Event


@dataclass(frozen=True, eq=False)
class Followed(Event):
    follower: User
    followee: User
