"""Full-text matching and ranking, the only database-specific part of search.

``matching(entries, query)`` narrows a queryset of ``SearchEntry`` to those
matching the query and annotates ``rank`` (higher is better).  The caller
adds visibility and filters to the *same* queryset, so one SQL statement
decides what is found, counted and shown.

Both engines match the same stems with the same rules (``cercle.search.text``):
a word matches its French stem in ``terms_fr`` or its English stem in
``terms_en``; a "phrase" needs its stems in a row in one of the two; a prefix
matches the start of a stem; ``-word`` excludes.  Only the ranking formula
differs: BM25 on SQLite (FTS5), cover density on PostgreSQL (``ts_rank_cd``).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from cercle.search.models import SearchEntry
from cercle.search.text import SearchQuery, Term

TABLE = SearchEntry._meta.db_table


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


def _sqlite(entries: QuerySet[SearchEntry], query: SearchQuery) -> QuerySet[SearchEntry]:
    expression = fts5_expression(query)
    # Only the table name is interpolated; the user's words travel as parameters.
    matched = RawSQL(  # noqa: S611
        f'"{TABLE}"."id" IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)',  # noqa: S608
        (expression,),
        output_field=BooleanField(),
    )
    rank = RawSQL(  # noqa: S611
        "(SELECT -bm25(search_fts) FROM search_fts "  # noqa: S608
        f'WHERE search_fts MATCH %s AND search_fts.rowid = "{TABLE}"."id")',
        (expression,),
        output_field=FloatField(),
    )
    return entries.filter(matched).annotate(rank=rank).order_by("-rank", "-created_at", "-id")


def _postgresql(entries: QuerySet[SearchEntry], query: SearchQuery) -> QuerySet[SearchEntry]:
    def term_sql(term: Term) -> tuple[str, list[str]]:
        return (
            f"(\"{TABLE}\".tsv_fr @@ to_tsquery('simple', %s) "
            f"OR \"{TABLE}\".tsv_en @@ to_tsquery('simple', %s))",
            [_tsquery(term.fr, term.prefix), _tsquery(term.en, term.prefix)],
        )

    clauses: list[str] = []
    params: list[str] = []
    for term in query.terms:
        sql, values = term_sql(term)
        clauses.append(f"NOT {sql}" if term.excluded else sql)
        params.extend(values)
    matched = RawSQL(" AND ".join(clauses), params, output_field=BooleanField())  # noqa: S611
    any_fr = " | ".join(_tsquery(t.fr, t.prefix) for t in query.positive)
    any_en = " | ".join(_tsquery(t.en, t.prefix) for t in query.positive)
    rank = RawSQL(  # noqa: S611
        f"(ts_rank_cd(\"{TABLE}\".tsv_fr, to_tsquery('simple', %s)) "
        f"+ ts_rank_cd(\"{TABLE}\".tsv_en, to_tsquery('simple', %s)))",
        (any_fr, any_en),
        output_field=FloatField(),
    )
    return entries.filter(matched).annotate(rank=rank).order_by("-rank", "-created_at", "-id")


def matching(entries: QuerySet[SearchEntry], query: SearchQuery) -> QuerySet[SearchEntry]:
    """``entries`` that match ``query``, best first: ``rank``, then the most recent."""
    if not query:
        return entries.none()
    if connection.vendor == "postgresql":
        return _postgresql(entries, query)
    return _sqlite(entries, query)
