"""The feed's SQL, compiled by the ORM once per process and reused with new values.

Building and compiling the feed queryset (sources OR-ed, mutes, the
visibility policy as subqueries) costs the ORM about ten times what the
database needs to run it.  So the queryset is built once per shape — site
admin or not, filter, order, with or without a cursor, page size — for a
*sentinel* viewer and cursor whose values cannot occur in real data; the
compiled SQL is kept, and each request only swaps the sentinels for its own
values.  The rules still come from ``feed_queryset`` and ``cercle.access``:
nothing here restates them, and a test checks that both paths agree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from cercle.access.base import Viewer, is_active_viewer, viewer_pk
from cercle.access.communities import is_site_admin
from cercle.accounts.models import User
from cercle.posts.models import Post

logger = logging.getLogger(__name__)

# Negative ids never occur, and these fit in 32 bits: Django drops lookups whose
# value is out of the field's range (it would silently drop the viewer's clause).
VIEWER_ID = -1_987_654_321
CURSOR_ID = -1_987_654_322
CURSOR_AT = datetime(1901, 2, 3, 4, 5, 6, 789_000, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Template:
    sql: str
    params: tuple[Any, ...]


_templates: dict[tuple[Any, ...], Template | None] = {}


def _sentinel_viewer(admin: bool) -> User:
    return User(pk=VIEWER_ID, is_active=True, is_staff=admin)


def _compile(key: tuple[Any, ...], build: Callable[[User], QuerySet[Any, Any]]) -> Template | None:
    if key not in _templates:
        queryset = build(_sentinel_viewer(admin=bool(key[1])))
        sql, params = queryset.query.sql_with_params()
        template: Template | None = Template(sql, tuple(params))
        if VIEWER_ID not in params:  # the shape did not use the viewer: do not trust it
            logger.warning("feed template %s has no viewer parameter; not cached", key)
            template = None
        _templates[key] = template
    return _templates[key]


def _bind(template: Template, viewer: Viewer, at: datetime | None, pk: int | None) -> list[Any]:
    adapted_sentinel = connection.ops.adapt_datetimefield_value(CURSOR_AT)
    adapted_at = connection.ops.adapt_datetimefield_value(at) if at is not None else None
    bound: list[Any] = []
    for value in template.params:
        if value == VIEWER_ID:
            value = viewer_pk(viewer)
        elif value == CURSOR_ID:
            value = pk
        elif value in (adapted_sentinel, CURSOR_AT):
            value = adapted_at
        bound.append(value)
    return bound


def bound(
    *,
    kind: str,
    viewer: Viewer,
    shape: Sequence[Any],
    build: Callable[[User], QuerySet[Any, Any]],
    at: datetime | None = None,
    pk: int | None = None,
) -> tuple[str, list[Any]] | None:
    """The compiled SQL and this viewer's parameters (None: use the ORM path instead)."""
    if not is_active_viewer(viewer):  # the sentinel viewer is active: leave these to the ORM
        return None
    key = (connection.alias, is_site_admin(viewer), kind, *shape)
    template = _compile(key, build)
    if template is None:
        return None
    return template.sql, _bind(template, viewer, at, pk)


def run(
    *,
    kind: str,
    viewer: Viewer,
    shape: Sequence[Any],
    build: Callable[[User], QuerySet[Any, Any]],
    at: datetime | None = None,
    pk: int | None = None,
) -> list[tuple[Any, ...]] | None:
    """Rows of the compiled query for this viewer (None: use the ORM path instead)."""
    query = bound(kind=kind, viewer=viewer, shape=shape, build=build, at=at, pk=pk)
    if query is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return list(cursor.fetchall())


def after(field: str, queryset: QuerySet[Post], *, newer: bool) -> QuerySet[Post]:
    """Keyset condition on the sentinel cursor (older than it, or newer for counts)."""
    op = "gt" if newer else "lt"
    return queryset.filter(
        Q(**{f"{field}__{op}": CURSOR_AT}) | Q(**{field: CURSOR_AT, f"id__{op}": CURSOR_ID})
    )
