"""SQLite write transactions wait their turn in the kernel, and start the moment it comes.

Against a real database file (the test database lives in memory, where there
is a single connection and nothing to queue).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db.utils import ConnectionHandler

HOLD = 0.35  # seconds the first writer keeps the database


@pytest.fixture(autouse=True)
def _own_database(django_db_blocker):
    """These tests open their own database file, never the test database."""
    with django_db_blocker.unblock():
        yield


def _handler(path: str) -> ConnectionHandler:
    return ConnectionHandler(
        {
            "default": {
                "ENGINE": "cercle.core.sqlite",
                "NAME": path,
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            }
        }
    )


def _write(handler: ConnectionHandler, value: int, hold: float, times: dict[str, float]) -> None:
    conn = handler["default"]  # one connection per thread, as in the server
    try:
        # What transaction.atomic() does on entering and leaving.
        conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        times[f"began {value}"] = time.monotonic()
        conn.cursor().execute("INSERT INTO t (v) VALUES (%s)", [value])
        time.sleep(hold)
        times[f"committing {value}"] = time.monotonic()
        conn.commit()
        times[f"committed {value}"] = time.monotonic()
        conn.set_autocommit(True)
    finally:
        conn.close()


def test_a_waiting_writer_starts_as_soon_as_the_other_commits(tmp_path) -> None:
    path = str(tmp_path / "cercle.sqlite3")
    handler = _handler(path)
    setup = handler["default"]
    setup.cursor().execute("PRAGMA journal_mode=WAL")
    setup.cursor().execute("CREATE TABLE t (v integer)")
    setup.close()

    times: dict[str, float] = {}
    first = threading.Thread(target=_write, args=(handler, 1, HOLD, times))
    first.start()
    while "began 1" not in times:
        time.sleep(0.001)
    second = threading.Thread(target=_write, args=(handler, 2, 0, times))
    second.start()
    first.join()
    second.join()

    # One writer at a time: the second begins once the first commits.  It may
    # even record its start before the first thread records its commit's end.
    assert times["began 2"] >= times["committing 1"]
    # SQLite's busy handler would retry 78 ms after the commit (its sleeps add
    # up to 328 then 428 ms); queued in the kernel, the second starts at once.
    assert times["began 2"] - times["committed 1"] < 0.04
    check = handler["default"]
    with check.cursor() as cursor:
        cursor.execute("SELECT v FROM t ORDER BY v")
        assert [row[0] for row in cursor.fetchall()] == [1, 2]
    check.close()


def test_a_failed_begin_or_a_rollback_lets_the_next_writer_in(tmp_path) -> None:
    handler = _handler(str(tmp_path / "cercle.sqlite3"))
    conn = handler["default"]
    conn.cursor().execute("CREATE TABLE t (v integer)")
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    conn.cursor().execute("INSERT INTO t (v) VALUES (1)")
    conn.rollback()
    conn.set_autocommit(True)
    times: dict[str, float] = {}
    writer = threading.Thread(target=_write, args=(handler, 2, 0, times))
    writer.start()
    writer.join(timeout=5)
    assert "committed 2" in times, "the rollback left the queue locked"
    conn.close()
