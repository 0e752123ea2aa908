"""A BRIN index on the entries' ids, on PostgreSQL: "the newest entries" as a cheap bitmap.

Entries are appended in id order, so a block range index of a few hundred
kilobytes tells which table pages hold a range of ids; see
``engine.recent_span``.  SQLite needs nothing (FTS5 gives its matches by rowid).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX search_entry_id_brin ON search_searchentry "
            "USING BRIN (id) WITH (pages_per_range = 8)"
        )


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_id_brin")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_hidden_topic")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
