"""SQLite, with concurrent writers queued by the operating system instead of SQLite's sleeps.

SQLite lets one writer at a time in.  The others wait in its busy handler,
which sleeps and retries — 1, 2, 5, 10 ... then 100 ms between tries — so
that under concurrent writes a waiting writer keeps missing its turn: post
creation at 8 concurrent clients had a p99 of 0.8 to 1.3 s (``bench/load.py``)
while each write takes a few milliseconds.

Here a write transaction (Django's ``atomic``, begun ``IMMEDIATE``) first
takes an exclusive ``flock`` on a file beside the database.  Waiting writers,
in any process of this machine, sleep in the kernel and one is woken the
moment the lock is released.  Readers never take it (WAL lets them read
during a write), and a crashed process releases it with its files.  The lock
covers transactions Django begins; a write outside any ``atomic`` block
still meets SQLite's own lock and busy handler, as before.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _queue: int | None = None  # the lock file's descriptor, per connection
    _queued = False

    def _writers_queue(self) -> int | None:
        if self.transaction_mode not in {"IMMEDIATE", "EXCLUSIVE"} or self.is_in_memory_db():
            return None
        if self._queue is None:
            path = f"{self.settings_dict['NAME']}-writers"
            self._queue = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._queue

    def _leave_queue(self) -> None:
        if self._queued and self._queue is not None:
            fcntl.flock(self._queue, fcntl.LOCK_UN)
        self._queued = False

    def _start_transaction_under_autocommit(self) -> None:
        queue = self._writers_queue()
        if queue is not None:
            fcntl.flock(queue, fcntl.LOCK_EX)
            self._queued = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self) -> Any:
        try:
            return super()._close()
        finally:
            self._leave_queue()
            if self._queue is not None:
                os.close(self._queue)
                self._queue = None
