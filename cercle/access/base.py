"""Shared building blocks of the policies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cercle.accounts.models import User

    type Viewer = User | AnonymousUser  # lazy: the models import the policies too
else:
    Viewer = Any


def is_active_viewer(viewer: Viewer | None) -> bool:
    """Only signed-in, active employees see anything at all."""
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


def viewer_pk(viewer: Viewer) -> int:
    """The viewer's id for lookups; 0 (matches nobody) for an anonymous visitor."""
    return int(viewer.pk) if viewer.is_authenticated and viewer.pk is not None else 0
