"""Full-text matching and ranking, the only database-specific part of search.

``matching(entries, query)`` narrows a queryset of ``SearchEntry`` to those
matching the query.  The caller adds visibility and filters to the *same*
queryset, so one SQL statement decides what is found, counted and shown.

``window(entries, query)`` is what pages use: the most recent ``WINDOW``
matches the viewer may see, ranked by relevance, recency breaking ties.
Ranking every match of a word that a quarter of the company uses (250,000
entries at a million posts) would cost a second; the window keeps every
search within a few milliseconds and says when it is not complete, so that
counts read "500+".  A query with fewer matches than the window, which is
nearly every specific one, is ranked and counted exactly.

Both engines match the same stems with the same rules (``cercle.search.text``):
a word matches its French stem in ``terms_fr`` or its English stem in
``terms_en``; a "phrase" needs its stems in a row in one of the two; a prefix
matches the start of a stem; ``-word`` excludes.  Both find the same set;
the order may differ slightly, as each ranks the window its cheapest way:

* SQLite: in Python, from the stored stems (``text.relevance``, BM25's
  term-frequency and length parts).  FTS5's own ``bm25()`` took 22-64 ms for
  a window of 1,000 entries at a million posts; this takes a few.
* PostgreSQL: ``ts_rank`` over the same tsvectors the match used (term
  frequency, divided by 1 + log of the length), computed in the statement
  that reads the window.  Reading 500 rows of stems to rank them in Python
  was a third of a search at 1M posts (10-25 ms of 35-75); ``ts_rank`` on
  the rows already read costs about a millisecond, and only ids travel.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from cercle.core.sql import in_ids
from cercle.search.models import SearchEntry
from cercle.search.text import SearchQuery, Term, matches, relevance

TABLE = SearchEntry._meta.db_table
# 500 rather than 1,000: at 1M posts on PostgreSQL, reading and ranking the
# newest 1,000 matches of a common word cost 60-100 ms a search, 500 about
# half; the first pages of a common word are as good either way.
WINDOW = 500


def _fts5_column(column: str, stems: tuple[str, ...], prefix: bool) -> str:
    # Stems are folded letters and digits only: quoting them is enough.
    return f'{column} : "{" ".join(stems)}"' + (" *" if prefix else "")


def _fts5_term(term: Term) -> str:
    return (
        f"({_fts5_column('terms_fr', term.fr, term.prefix)} OR "
        f"{_fts5_column('terms_en', term.en, term.prefix)})"
    )


def fts5_expression(query: SearchQuery) -> str:
    """The FTS5 MATCH expression of a query."""
    positive = " AND ".join(_fts5_term(t) for t in query.positive)
    negative = [_fts5_term(t) for t in query.terms if t.excluded]
    if negative:
        return f"({positive}) NOT ({' OR '.join(negative)})"
    return positive


def _tsquery(stems: tuple[str, ...], prefix: bool) -> str:
    if len(stems) > 1:
        return "(" + " <-> ".join(f"'{s}'" for s in stems) + ")"
    return f"'{stems[0]}'" + (":*" if prefix else "")


# The full-text tables of SQLite: every entry, and library documents alone (migration 0006).
FTS_TABLES = {None: "search_fts", "document": "search_fts_document"}


def _sqlite(
    entries: QuerySet[SearchEntry], query: SearchQuery, kind: str | None = None
) -> QuerySet[SearchEntry]:
    # Only table names are interpolated; the user's words travel as parameters.
    fts = FTS_TABLES[kind]
    matched = RawSQL(  # noqa: S611
        f'"{TABLE}"."id" IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)',  # noqa: S608
        (fts5_expression(query),),
        output_field=BooleanField(),
    )
    return entries.filter(matched)


def _literal(tsquery: str) -> str:
    """A tsquery as an SQL string literal (its stems are letters and digits only)."""
    if not _SAFE.fullmatch(tsquery):
        raise ValueError(f"Unexpected characters in a search expression: {tsquery!r}")
    return "'" + tsquery.replace("'", "''") + "'"


_SAFE = re.compile(r"[\w'()<>\-:*| ]+")


def _term_literals(term: Term) -> tuple[str, str]:
    """A term's French and English tsqueries, as SQL string literals."""
    return _literal(_tsquery(term.fr, term.prefix)), _literal(_tsquery(term.en, term.prefix))


def _postgresql(
    entries: QuerySet[SearchEntry], query: SearchQuery, indexed: Collection[Term] | None = None
) -> QuerySet[SearchEntry]:
    # The search expression is written into the statement, not sent as a parameter:
    # psycopg prepares a statement after a few runs, and PostgreSQL then plans it
    # once for any parameter.  That generic plan walked the primary key backwards
    # looking for matches (0.3-1.3 s for "planning trimestre" at 1M posts) where
    # the plan for the actual words uses the GIN indexes (19 ms).  Each query's
    # own text gets its own plan.
    #
    # ``indexed``: only these terms may use the GIN indexes; the others are
    # tested on the rows the first give, with ``ts_match_vq`` (what ``@@``
    # calls, which no index serves).  Intersecting the GIN bitmaps of "appel" and
    # "offre" (a quarter of the entries) with that of "ferroviaire" cost
    # more than testing the rows of "ferroviaire" alone.
    def term_sql(term: Term) -> str:
        fr, en = _term_literals(term)
        if indexed is None or term in indexed:
            return (
                f"(\"{TABLE}\".tsv_fr @@ to_tsquery('simple', {fr}) "
                f"OR \"{TABLE}\".tsv_en @@ to_tsquery('simple', {en}))"
            )
        return (
            f"(ts_match_vq(\"{TABLE}\".tsv_fr, to_tsquery('simple', {fr})) "
            f"OR ts_match_vq(\"{TABLE}\".tsv_en, to_tsquery('simple', {en})))"
        )

    clauses = [f"NOT {term_sql(t)}" if t.excluded else term_sql(t) for t in query.terms]
    matched = RawSQL(" AND ".join(clauses), [], output_field=BooleanField())  # noqa: S611
    return entries.filter(matched)


def matching(
    entries: QuerySet[SearchEntry], query: SearchQuery, *, kind: str | None = None
) -> QuerySet[SearchEntry]:
    """``entries`` that match ``query`` (in no particular order).

    ``kind``: ``entries`` are all of this kind, which has an index of its own
    (``FTS_TABLES``; on PostgreSQL, GIN indexes restricted to it).
    """
    if not query:
        return entries.none()
    if connection.vendor == "postgresql":
        return _postgresql(entries if kind is None else entries.filter(kind=kind), query)
    return _sqlite(entries, query, kind)


# --- The recent window ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    """Entry ids found, best first, and whether they are all the matches."""

    ids: list[int]
    complete: bool  # False: there are more matches, older than these


# Entry ids follow created_at (written live, or merged in time order by
# ``index.rebuild``): "newest" is the highest id, and ties break on it.
Row = tuple[int, str, str]  # id, terms_fr, terms_en
COLUMNS = ("id", "terms_fr", "terms_en")


# --- PostgreSQL: which way to find the newest matches ------------------------------
#
# Two plans answer "the newest N matches": walking the primary key backwards
# and testing each row (cost: N / share rows, about 0.8 us each at 1M posts),
# or reading every match through the GIN index and sorting (cost: share x rows,
# about 7 us each: scattered heap pages).  PostgreSQL's planner guesses the
# share of a word from its statistics, but multiplies the shares of several
# words as if they were independent, and it underestimates what testing a row
# costs: it walked 330,000 rows for "python" (0.6 % of the entries, 254 ms)
# where the GIN index takes 70 ms, and its choice flips with the words.  The
# same statistics (``pg_stats``, the most common stems and their shares) bound
# a query's share by that of its rarest word.  Above
# ``WALK_SHARE`` the walk is cheap, whatever the words' correlation; below,
# the statement is written so that only the GIN index can answer it.
WALK_SHARE = 0.012
_STATS_TTL = 600.0  # seconds; ANALYZE (or autovacuum) refreshes pg_stats


@dataclass(slots=True)
class _Stats:
    read_at: float = float("-inf")
    shares: tuple[dict[str, float], dict[str, float]] = ({}, {})
    last_id: int = 0  # the newest entry's id when read (a stale one only widens a range)


_stats = _Stats()


def _stem_shares() -> tuple[dict[str, float], dict[str, float]]:
    """Share of the entries holding each common French / English stem (``pg_stats``)."""
    now = time.monotonic()
    if now - _stats.read_at > _STATS_TTL:
        found: dict[str, dict[str, float]] = {"tsv_fr": {}, "tsv_en": {}}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, most_common_elems::text::text[], most_common_elem_freqs "
                "FROM pg_stats WHERE tablename = %s AND attname IN ('tsv_fr', 'tsv_en')",
                [TABLE],
            )
            for column, stems, shares in cursor.fetchall():
                if stems and shares:
                    found[column] = dict(zip(stems, shares, strict=False))
            cursor.execute(f'SELECT max(id) FROM "{TABLE}"')  # noqa: S608 - our own table
            _stats.last_id = cursor.fetchone()[0] or 0
        _stats.shares, _stats.read_at = (found["tsv_fr"], found["tsv_en"]), now
    return _stats.shares


def _term_share(term: Term, shares: tuple[dict[str, float], dict[str, float]]) -> float:
    def share(stems: tuple[str, ...], common: dict[str, float]) -> float:
        if term.prefix and len(stems) == 1:
            return min(1.0, sum(f for s, f in common.items() if s.startswith(stems[0])))
        return min(common.get(stem, 0.0) for stem in stems)  # a phrase: its rarest word

    # Both streams come from the same words: an entry holding "python" holds
    # it in both, so the larger share is the better guess of their union.
    return max(share(term.fr, shares[0]), share(term.en, shares[1]))


def estimated_share(query: SearchQuery) -> float:
    """About the share of entries matching ``query`` (PostgreSQL statistics), or less.

    The rarest word bounds the share of the whole query.  Stems too rare to be
    in the statistics count as 0.  Excluded words are ignored: they can only
    lower the share.
    """
    shares = _stem_shares()
    return min((_term_share(term, shares) for term in query.positive), default=0.0)


def _newest_matches(query: SearchQuery, limit: int, kind: str | None = None) -> list[int]:
    """Ids of the newest ``limit`` entries matching ``query`` (of ``kind``), visible or not."""
    if connection.vendor == "sqlite":
        fts = FTS_TABLES[kind]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s "  # noqa: S608 - our table
                "ORDER BY rowid DESC LIMIT %s",
                [fts5_expression(query), limit],
            )
            return [row[0] for row in cursor.fetchall()]
    if kind is not None:  # a few percent of the entries, with GIN indexes of their own
        found = matching(SearchEntry.objects.all(), query, kind=kind).order_by("-id")
        return list(found.values_list("id", flat=True)[:limit])
    statistics = _stem_shares()
    shares = {term: _term_share(term, statistics) for term in query.positive}
    rarest = min(shares.values())
    if rarest < WALK_SHARE:
        # "id + 0" is not the order of any index: the matches come from GIN,
        # through the posting list of the rarest word alone.  Building the
        # bitmap of a common word costs more than testing the rarest word's
        # rows: for "cloud migration" at 1M posts, the bitmap of the 98,000
        # entries of "migration" alone took 29 ms, the whole statement 41;
        # testing the 14,000 entries of "cloud" instead, 33 ms in all.
        indexed = [min(shares, key=shares.__getitem__)]
        found = _postgresql(SearchEntry.objects.all(), query, indexed=indexed)
        found = found.alias(newest=F("id") + 0).order_by("-newest")
        span = recent_span(rarest, limit)
        if span is not None:
            recent = list(
                found.filter(id__gt=_stats.last_id - span).values_list("id", flat=True)[:limit]
            )
            if len(recent) == limit:
                return recent
    else:
        found = matching(SearchEntry.objects.all(), query).order_by("-id")
    return list(found.values_list("id", flat=True)[:limit])


# Entries read through GIN are fetched from the table one by one, wherever
# they lie: for "cloud migration" at 1M posts, the 14,000 entries of "cloud"
# (0.8 %), 45 to 160 ms depending on what the OS still caches, to keep the
# newest 625.  A range of the newest ids, served by the BRIN index of
# migration 0004, lets PostgreSQL intersect the two bitmaps and fetch only
# the entries in it: 29 ms.  The range is sized to hold three times the
# entries wanted for the rarest word's share; when the other words make that
# too few, the unbounded statement runs after it.  Only a narrow range pays:
# its bitmap is lossy (whole pages, every entry on them tested), so for
# "ferroviaire" (0.3 %) a range of 38 % of the entries took 36 ms, and then
# held too few, against 21 ms for the unbounded statement alone.
RECENT_SPAN_FACTOR = 3
RECENT_SPAN_MAX = 1 / 6  # of the entries


def recent_span(share: float, limit: int) -> int | None:
    """How many of the newest ids to look in first, or None to look in all of them."""
    if share <= 0.0:
        return None  # too rare to be in the statistics: few rows to fetch anyway
    span = int(limit * RECENT_SPAN_FACTOR / share)
    return span if span <= _stats.last_id * RECENT_SPAN_MAX else None


def candidate_count(size: int) -> int:
    """How many of the index's newest matches to read for ``size`` the viewer may see.

    A viewer sees most of what is written (open communities, profiles): at 1M
    posts, 87 % of the newest matches at worst, 94 % typically, for the
    benchmark's 20 queries and viewers.  A quarter more covers that; a viewer
    it does not cover takes the exact path.  Reading twice the window, as
    before, cost a quarter more per search for nothing.
    """
    return size + max(size // 4, 10)


def _recent(
    entries: QuerySet[SearchEntry],
    query: SearchQuery,
    size: int,
    exact: bool,
    columns: tuple[str, ...] = COLUMNS,
    kind: str | None = None,
) -> tuple[list[tuple[Any, ...]], bool]:
    """The newest matches among ``entries`` (``Row``), and whether that is all of them."""
    if not exact:
        # The newest matches of the whole index first, without reading the others
        # (FTS5 by rowid on SQLite; on PostgreSQL the GIN index or a backward walk
        # of the primary key, whichever the planner finds cheaper); visibility and
        # filters then keep what the viewer may see of them.  A few more than the
        # window are read (``candidate_count``), so that a viewer who may not see
        # some of them still gets a full window; when that is not enough, the
        # exact path below runs.  ``complete`` only ever depends on what the
        # viewer may see.
        wanted = candidate_count(size)
        candidates = _newest_matches(query, wanted, kind)
        rows = list(
            entries.filter(in_ids(SearchEntry, "id", candidates))
            .order_by("-id")
            .values_list(*columns)[: size + 1]
        )
        if len(rows) > size:
            return rows[:size], False
        if len(candidates) < wanted:
            return rows, len(candidates) < wanted
    found = matching(entries, query, kind=kind).order_by("-id")
    rows = list(found.values_list(*columns)[: size + 1])
    return rows[:size], len(rows) <= size


def _pg_score(query: SearchQuery) -> RawSQL:
    """Relevance on PostgreSQL: for each positive term, its better rank in either language."""
    parts = []
    for term in query.positive:
        fr, en = _term_literals(term)
        parts.append(
            f"GREATEST(ts_rank(\"{TABLE}\".tsv_fr, to_tsquery('simple', {fr}), 1), "
            f"ts_rank(\"{TABLE}\".tsv_en, to_tsquery('simple', {en}), 1))"
        )
    return RawSQL(" + ".join(parts), [], output_field=FloatField())  # noqa: S611


def window(
    entries: QuerySet[SearchEntry],
    query: SearchQuery,
    *,
    size: int | None = None,
    exact: bool = False,
    kind: str | None = None,
) -> Window:
    """The newest ``size`` matches among ``entries``, best first (relevance, then recency).

    ``exact``: the caller narrowed ``entries`` (an author, a community, dates),
    so the newest matches of the whole index may all be outside; then the
    newest matches *within* ``entries`` are taken, at the price of reading
    every match once.  ``kind``: ``entries`` are all of a kind with an index
    of its own (documents): its newest matches are read there, not among the
    posts' (50,000 documents among a million posts: for a common word, the
    newest matches of the whole index held none of them, and every search
    took the exact path).
    """
    if not query:
        return Window([], True)
    if connection.vendor == "postgresql":
        scored = entries.annotate(_score=_pg_score(query))
        found, complete = _recent(
            scored, query, size or WINDOW, exact, columns=("id", "_score"), kind=kind
        )
        found.sort(key=lambda row: (-row[1], -row[0]))
        return Window([row[0] for row in found], complete)
    rows, complete = _recent(entries, query, size or WINDOW, exact, kind=kind)
    if rows:
        average = sum(row[1].count(" ") + 1 for row in rows if row[1]) / len(rows)
        scores = {row[0]: relevance(query, row[1], row[2], average) for row in rows}
        rows.sort(key=lambda row: (-scores[row[0]], -row[0]))
    return Window([row[0] for row in rows], complete)


def newest(
    entries: QuerySet[SearchEntry], query: SearchQuery, *, size: int, columns: tuple[str, ...]
) -> tuple[list[tuple[Any, ...]], bool]:
    """The newest ``size`` matches among ``entries`` as rows of ``columns`` ("id" first).

    For evidence ("Qui sait ?"), where recent activity is what counts: no
    ranking, so no stems read: one statement fewer than ``window`` and no text
    (at 1M posts on PostgreSQL, 2,000 rows of stems cost more than finding
    them).  Like ``window``, when the newest matches of the whole index leave
    the viewer too few they may see (a burst of activity in a community they
    are not in), the newest matches *within* ``entries`` are read, visibility
    inside the query: what others wrote where the viewer cannot read never
    pushes out what the viewer can.  Also returns whether that is every match.
    """
    if not query:
        return [], True
    return _recent(entries, query, size, exact=False, columns=columns)


def screen(query: SearchQuery) -> Q:
    """A condition every entry matching ``query`` meets: each positive term's stems occur as text.

    Tested by the database on the rows it reads, so that only the few that may
    match leave it; ``text.matches`` then decides.  For 800 communities at 1M
    posts on PostgreSQL, the communities part of a search: 3.7 → 2.1 ms.
    """
    condition = Q()
    for term in query.positive:
        in_fr = Q(*(Q(terms_fr__contains=stem) for stem in term.fr))
        in_en = Q(*(Q(terms_en__contains=stem) for stem in term.en))
        condition &= in_fr | in_en
    return condition


def small_window(
    entries: QuerySet[SearchEntry],
    query: SearchQuery,
    keep: Callable[[tuple[int, str, str, int | None]], bool] = lambda row: True,
) -> Window:
    """``window`` for a small set (communities: hundreds, not millions), matched in Python.

    The full-text index cannot be narrowed to one kind of entry, so matching
    "qualité" against it to keep 3 communities read its 250,000 posts and
    comments (300 ms).  Reading the set's own stems and applying the same
    rules (``text.matches``) costs a few milliseconds; the corpus test checks
    that both give the same results.  ``keep`` filters rows
    ``(id, terms_fr, terms_en, community_id)`` (visibility, decided by the caller).
    """
    if not query:
        return Window([], True)
    # No ORDER BY: sorting by id would walk the whole index table instead of
    # the (kind, created_at) index; the few rows are sorted here.
    rows = sorted(
        (
            row
            for row in entries.filter(screen(query))
            .order_by()
            .values_list(*COLUMNS, "community_id")
            if keep(row) and matches(query, row[1], row[2])
        ),
        key=lambda row: -row[0],
    )
    if rows:
        average = sum(row[1].count(" ") + 1 for row in rows if row[1]) / len(rows)
        scores = {row[0]: relevance(query, row[1], row[2], average) for row in rows}
        rows.sort(key=lambda row: (-scores[row[0]], -row[0]))
    return Window([row[0] for row in rows], True)
