"""Shared building blocks of the policies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cercle.accounts.models import User

    Viewer = User | AnonymousUser
else:
    Viewer = Any


def is_active_viewer(viewer: Viewer | None) -> bool:
    """Only signed-in, active employees see anything at all."""
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


def viewer_pk(viewer: Viewer) -> int:
    """The viewer's id for lookups; 0 (matches nobody) for an anonymous visitor."""
    return int(viewer.pk) if viewer.is_authenticated and viewer.pk is not None else 0


def get_visible_or_404[M: Model](queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from an already-restricted queryset; 404 when absent or hidden."""
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
