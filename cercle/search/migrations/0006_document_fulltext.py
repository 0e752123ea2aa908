"""A full-text index of library documents alone, so that searching them never walks posts.

Documents are a few percent of the entries: their newest matches for a common
word lie among tens of thousands of posts' (see ``engine.window``, ``kind``).
SQLite gets a second FTS5 table over the same rows, kept by triggers for
``kind = 'document'`` only; PostgreSQL, GIN indexes restricted to them.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts_document USING fts5(terms_fr, terms_en, "
    "content='search_searchentry', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_document_insert AFTER INSERT ON search_searchentry "
    "WHEN new.kind = 'document' BEGIN "
    "INSERT INTO search_fts_document(rowid, terms_fr, terms_en) "
    "VALUES (new.id, new.terms_fr, new.terms_en); END",
    "CREATE TRIGGER search_fts_document_delete AFTER DELETE ON search_searchentry "
    "WHEN old.kind = 'document' BEGIN "
    "INSERT INTO search_fts_document(search_fts_document, rowid, terms_fr, terms_en) "
    "VALUES ('delete', old.id, old.terms_fr, old.terms_en); END",
    # One trigger, its two steps in this order: the old text out, then the new one in.
    "CREATE TRIGGER search_fts_document_update AFTER UPDATE ON search_searchentry "
    "WHEN old.kind = 'document' OR new.kind = 'document' BEGIN "
    "INSERT INTO search_fts_document(search_fts_document, rowid, terms_fr, terms_en) "
    "SELECT 'delete', old.id, old.terms_fr, old.terms_en WHERE old.kind = 'document'; "
    "INSERT INTO search_fts_document(rowid, terms_fr, terms_en) "
    "SELECT new.id, new.terms_fr, new.terms_en WHERE new.kind = 'document'; END",
    "INSERT INTO search_fts_document(rowid, terms_fr, terms_en) "
    "SELECT id, terms_fr, terms_en FROM search_searchentry WHERE kind = 'document'",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_document_update",
    "DROP TRIGGER IF EXISTS search_fts_document_delete",
    "DROP TRIGGER IF EXISTS search_fts_document_insert",
    "DROP TABLE IF EXISTS search_fts_document",
]
POSTGRESQL = [
    "CREATE INDEX search_document_tsv_fr ON search_searchentry USING GIN (tsv_fr) "
    "WHERE kind = 'document'",
    "CREATE INDEX search_document_tsv_en ON search_searchentry USING GIN (tsv_en) "
    "WHERE kind = 'document'",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_document_tsv_en",
    "DROP INDEX IF EXISTS search_document_tsv_fr",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements[schema_editor.connection.vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_document")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
