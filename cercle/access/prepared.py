"""Querysets compiled by the ORM once per shape, then run with each request's values.

Building and compiling a queryset costs the ORM far more than the database
needs to run the short queries of a page: the feed's page query (sources
OR-ed, mutes, the visibility policy as subqueries) compiles in about ten
times the time SQLite takes to answer it.  So the hot queries are built once
per *shape* with stand-in values that cannot occur in real data (negative
ids, a date in 1901), their SQL is kept, and each request swaps the
stand-ins for its own values.  The rules still come from the querysets (and
through them from the policies beside this module): nothing here restates
them.

A stand-in that the compiled SQL does not carry means the shape did not use
that value (the ORM folded it away, say): such a shape is not kept, and the
caller takes the plain ORM path.  ``tests/feed/test_feed.py`` fails if that
ever happens to a shape the feed uses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import QuerySet

from cercle.access.base import Viewer, is_active_viewer
from cercle.access.communities import is_site_admin

if TYPE_CHECKING:
    from cercle.accounts.models import User

logger = logging.getLogger(__name__)

# Negative, and inside 32 bits: Django drops lookups whose value is out of the
# field's range (it would silently drop the clause).  Real ids are positive.
VIEWER = -1_987_654_321
CURSOR_ID = -1_987_654_322
SOURCE = -1_987_654_323  # the community, person or topic a stream shows
CURSOR_AT = datetime(1901, 2, 3, 4, 5, 6, 789_000, tzinfo=UTC)
_ID_BASE = -1_900_000_000


def id_stand_ins(n: int) -> list[int]:
    """Stand-ins for a list of ``n`` ids (``pk__in=...``)."""
    return [_ID_BASE - i for i in range(n)]


@dataclass(frozen=True, slots=True)
class Prepared:
    sql: str
    params: tuple[Any, ...]

    def bind(self, values: Mapping[Any, Any]) -> list[Any]:
        """The parameters, each stand-in replaced by its value in ``values``."""
        adapted = connection.ops.adapt_datetimefield_value
        real = dict(values)
        if CURSOR_AT in real:  # as the ORM handed it to the driver
            real[adapted(CURSOR_AT)] = None if real[CURSOR_AT] is None else adapted(real[CURSOR_AT])
        return [real.get(p, p) if isinstance(p, (int, str, datetime)) else p for p in self.params]

    def rows(self, values: Mapping[Any, Any]) -> list[tuple[Any, ...]]:
        """Run it: raw rows, without the ORM's converters."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.bind(values))
            return [tuple(row) for row in cursor.fetchall()]


_prepared: dict[tuple[Hashable, ...], Prepared | None] = {}


def prepare(
    key: Sequence[Hashable],
    build: Callable[[], QuerySet[Any, Any]],
    stand_ins: Sequence[Any],
) -> Prepared | None:
    """``build()``'s SQL, compiled once per (database, ``key``); None if it cannot be reused.

    Every one of ``stand_ins`` must appear in the compiled parameters: a value
    that the SQL does not carry could not be swapped in, and the result would
    silently belong to the stand-in.
    """
    full = (connection.alias, *key)
    if full not in _prepared:
        sql, params = build().query.sql_with_params()
        adapted = connection.ops.adapt_datetimefield_value(CURSOR_AT)
        carried = set()
        for p in params:
            if isinstance(p, (int, str, datetime)):
                carried.add(CURSOR_AT if p == adapted else p)
        missing = [s for s in stand_ins if s not in carried]
        if missing:
            logger.warning("query %s does not carry %s: not kept", full, missing)
            _prepared[full] = None
        else:
            _prepared[full] = Prepared(sql, tuple(params))
    return _prepared[full]


def stand_in_viewer(viewer: Viewer) -> User:
    """A viewer with the stand-in id, and the real one's standing (site admin or not)."""
    from cercle.accounts.models import User  # lazy: the models import the policies

    return User(pk=VIEWER, is_active=True, is_staff=is_site_admin(viewer))


def for_viewer(
    key: Sequence[Hashable],
    viewer: Viewer,
    build: Callable[[User], QuerySet[Any, Any]],
    stand_ins: Sequence[Any],
) -> Prepared | None:
    """A query about ``viewer``'s posts (``build(stand_in_viewer)``), compiled once per shape.

    Site administrators see through a different rule: their queries are
    another shape.  None for an inactive viewer (who sees nothing: the ORM
    path answers that at no cost) or a shape that cannot be kept.
    """
    if not is_active_viewer(viewer):
        return None
    return prepare(
        (*key, is_site_admin(viewer)),
        lambda: build(stand_in_viewer(viewer)),
        [VIEWER, *stand_ins],
    )
