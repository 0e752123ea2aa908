"""The full-text side of the search index, one way per database (see models.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    # External content: the stems live in search_searchentry; FTS5 keeps only its index.
    "CREATE VIRTUAL TABLE search_fts USING fts5(terms_fr, terms_en, "
    "content='search_searchentry', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, terms_fr, terms_en) VALUES (new.id, new.terms_fr, new.terms_en);"
    " END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms_fr, terms_en) "
    "VALUES ('delete', old.id, old.terms_fr, old.terms_en); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms_fr, terms_en) "
    "VALUES ('delete', old.id, old.terms_fr, old.terms_en); "
    "INSERT INTO search_fts(rowid, terms_fr, terms_en) VALUES (new.id, new.terms_fr, new.terms_en);"
    " END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]
# The stems are already folded and stemmed: the "simple" configuration only splits them.
POSTGRESQL = [
    "ALTER TABLE search_searchentry ADD COLUMN tsv_fr tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', terms_fr)) STORED",
    "ALTER TABLE search_searchentry ADD COLUMN tsv_en tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', terms_en)) STORED",
    "CREATE INDEX search_tsv_fr ON search_searchentry USING GIN (tsv_fr)",
    "CREATE INDEX search_tsv_en ON search_searchentry USING GIN (tsv_en)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_tsv_en",
    "DROP INDEX IF EXISTS search_tsv_fr",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS tsv_en",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS tsv_fr",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"Cercle's search needs SQLite or PostgreSQL, not {vendor}.")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
