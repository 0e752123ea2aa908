"""Task backends for ``django.tasks`` with a real queue: the database or Redis.

Both give the same guarantees, which Django's built-in backends (immediate,
dummy) do not:

- **Deferred and retried.** A task that raises is tried again later, with a
  back-off of ``BACKOFF`` seconds × 4ⁿ (10 s, 40 s, 160 s… capped at an
  hour), up to ``MAX_ATTEMPTS`` attempts, then marked failed with each
  attempt's traceback.
- **Nothing lost when a worker dies.** Claiming a task is a lease of
  ``LEASE`` seconds; a task whose worker vanished (killed, machine restarted)
  is claimed again once its lease has passed.
- **At least once.** A task may therefore run twice (its worker died after
  the work, before saying so): tasks are written to be idempotent, claiming
  their own work by compare-and-set (see ``cercle.notifications.delivery``).

``DatabaseBackend`` (embedded mode) keeps the queue in the ``TaskRecord``
table: a task enqueued inside a transaction is committed with it or not at
all.  ``RedisBackend`` (scaled mode) keeps it in Redis and pushes a task
after the enqueuing transaction commits, so a worker never looks for rows
that are not there yet.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.tasks import Task, TaskResult, TaskResultStatus, task_backends
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskError
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

from cercle.tasks.models import TaskRecord

READY, RUNNING = TaskResultStatus.READY, TaskResultStatus.RUNNING
FAILED, SUCCESSFUL = TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL


@dataclass(frozen=True, slots=True)
class QueueStats:
    """One queue as the metrics show it (``cercle.ops.metrics``)."""

    queue: str
    depth: int  # tasks waiting, due or deferred
    oldest_age: float  # seconds the oldest due task has waited (0 when none is due)


def queue_stats() -> list[QueueStats]:
    """Each queue of the default backend, read now (empty for a backend without a queue)."""
    backend = task_backends["default"]
    return backend.stats() if isinstance(backend, QueueBackend) else []


@dataclass
class Claim:
    """A task a worker holds, with what it needs to run it."""

    id: str
    task_path: str
    queue_name: str
    priority: int
    args: list[Any]
    kwargs: dict[str, Any]
    attempts: int  # including this one
    max_attempts: int
    enqueued_at: datetime
    worker_ids: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


def _task(path: str) -> Task[Any, Any]:
    task = import_string(path)
    if not isinstance(task, Task):
        raise TypeError(f"{path} is not a task")
    return task


def _result(
    *,
    backend: str,
    id: str,
    task_path: str,
    status: str,
    args: list[Any],
    kwargs: dict[str, Any],
    enqueued_at: datetime | None,
    started_at: datetime | None,
    last_attempted_at: datetime | None,
    finished_at: datetime | None,
    errors: list[dict[str, str]],
    worker_ids: list[str],
    return_value: Any = None,
) -> TaskResult[Any, Any]:
    result: TaskResult[Any, Any] = TaskResult(
        task=_task(task_path),
        id=id,
        status=TaskResultStatus(status),
        enqueued_at=enqueued_at,
        started_at=started_at,
        last_attempted_at=last_attempted_at,
        finished_at=finished_at,
        args=args,
        kwargs=kwargs,
        backend=backend,
        errors=[TaskError(**e) for e in errors],
        worker_ids=worker_ids,
    )
    object.__setattr__(result, "_return_value", return_value)
    return result


class QueueBackend(BaseTaskBackend):
    """What the worker (``cercle.tasks.worker``) needs from a queue."""

    supports_defer = True
    supports_get_result = True

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.lease = timedelta(seconds=float(self.options.get("LEASE", 300)))
        self.max_attempts = int(self.options.get("MAX_ATTEMPTS", 5))
        self.backoff_base = float(self.options.get("BACKOFF", 10))
        self.poll_interval = float(self.options.get("POLL_INTERVAL", 1.0))

    def backoff(self, attempts: int) -> timedelta:
        """How long to wait before the next attempt, after ``attempts`` failed ones."""
        return timedelta(seconds=min(3600.0, self.backoff_base * 4 ** max(0, attempts - 1)))

    def _record_errors(self, claim: Claim, error: TaskError) -> list[dict[str, str]]:
        return [
            *claim.errors,
            {"exception_class_path": error.exception_class_path, "traceback": error.traceback},
        ]

    # The worker's side, implemented by each backend.
    def claim(self, worker_id: str, queues: list[str]) -> Claim | None:
        raise NotImplementedError

    def succeed(self, claim: Claim, return_value: Any) -> None:
        raise NotImplementedError

    def fail(self, claim: Claim, error: TaskError, retry_at: datetime | None) -> None:
        raise NotImplementedError

    def wait(self, timeout: float) -> None:
        """Sleep until a task may be ready (woken early when one is enqueued)."""
        time.sleep(timeout)

    def stats(self) -> list[QueueStats]:
        raise NotImplementedError

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        raise NotImplementedError


# --- Database ----------------------------------------------------------------------


class DatabaseBackend(QueueBackend):
    supports_priority = True

    # Wakes a worker running in this process (``cercle serve``) as soon as a task commits.
    _enqueued = threading.Event()

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        self.validate_task(task)
        now = timezone.now()
        record = TaskRecord.objects.create(
            id=get_random_string(32),
            task_path=task.module_path,
            queue_name=task.queue_name,
            priority=task.priority,
            args=normalize_json(list(args)),
            kwargs=normalize_json(dict(kwargs)),
            enqueued_at=now,
            run_after=task.run_after or now,
            max_attempts=self.max_attempts,
        )
        transaction.on_commit(self._enqueued.set)
        result = self._to_result(record)
        task_enqueued.send(type(self), task_result=result)
        return result

    def _to_result(self, record: TaskRecord) -> TaskResult[Any, Any]:
        return _result(
            backend=self.alias,
            id=record.pk,
            task_path=record.task_path,
            status=record.status,
            args=record.args,
            kwargs=record.kwargs,
            enqueued_at=record.enqueued_at,
            started_at=record.started_at,
            last_attempted_at=record.last_attempted_at,
            finished_at=record.finished_at,
            errors=record.errors,
            worker_ids=record.worker_ids,
            return_value=record.return_value,
        )

    def get_result(self, result_id: str) -> TaskResult[Any, Any]:
        try:
            return self._to_result(TaskRecord.objects.get(pk=result_id))
        except TaskRecord.DoesNotExist:
            raise TaskResultDoesNotExist(result_id) from None

    def claim(self, worker_id: str, queues: list[str]) -> Claim | None:
        now = timezone.now()
        due = Q(status=READY, run_after__lte=now) | Q(status=RUNNING, locked_until__lt=now)
        candidates = list(
            TaskRecord.objects.filter(due, queue_name__in=queues)
            .order_by("-priority", "run_after", "enqueued_at")
            .values_list("pk", "attempts", "max_attempts")[:8]
        )
        for pk, attempts, max_attempts in candidates:
            if attempts >= max_attempts:  # its worker died on the last attempt: given up
                TaskRecord.objects.filter(due, pk=pk).update(
                    status=FAILED, finished_at=now, locked_until=None
                )
                continue
            # Compare-and-set: only one worker turns this row from due to ours.
            taken = TaskRecord.objects.filter(due, pk=pk).update(
                status=RUNNING,
                attempts=F("attempts") + 1,
                locked_until=now + self.lease,
                last_attempted_at=now,
            )
            if not taken:
                continue
            record = TaskRecord.objects.get(pk=pk)
            record.worker_ids = [*record.worker_ids, worker_id]
            update = ["worker_ids"]
            if record.started_at is None:
                record.started_at = now
                update.append("started_at")
            record.save(update_fields=update)
            return Claim(
                id=record.pk,
                task_path=record.task_path,
                queue_name=record.queue_name,
                priority=record.priority,
                args=record.args,
                kwargs=record.kwargs,
                attempts=record.attempts,
                max_attempts=record.max_attempts,
                enqueued_at=record.enqueued_at,
                worker_ids=record.worker_ids,
                errors=record.errors,
            )
        return None

    def succeed(self, claim: Claim, return_value: Any) -> None:
        TaskRecord.objects.filter(pk=claim.id, status=RUNNING).update(
            status=SUCCESSFUL,
            finished_at=timezone.now(),
            locked_until=None,
            return_value=return_value,
        )

    def fail(self, claim: Claim, error: TaskError, retry_at: datetime | None) -> None:
        changes: dict[str, Any] = {
            "errors": self._record_errors(claim, error),
            "locked_until": None,
        }
        if retry_at is None:
            changes.update(status=FAILED, finished_at=timezone.now())
        else:
            changes.update(status=READY, run_after=retry_at)
        TaskRecord.objects.filter(pk=claim.id, status=RUNNING).update(**changes)

    def wait(self, timeout: float) -> None:
        if self._enqueued.wait(timeout):
            self._enqueued.clear()

    def stats(self) -> list[QueueStats]:
        now = timezone.now()
        found = {
            row["queue_name"]: row
            for row in TaskRecord.objects.filter(status=READY)
            .values("queue_name")
            .annotate(depth=Count("pk"), oldest=Min("run_after", filter=Q(run_after__lte=now)))
            .order_by()
        }
        return [
            QueueStats(
                queue,
                found[queue]["depth"] if queue in found else 0,
                (now - found[queue]["oldest"]).total_seconds()
                if queue in found and found[queue]["oldest"]
                else 0.0,
            )
            for queue in sorted(self.queues)
        ]


# --- Redis -------------------------------------------------------------------------

# Takes the first due task of the given queues into the running set, with its lease.
_CLAIM = """
for i = 2, #KEYS do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', ARGV[1], 'LIMIT', 0, 1)
  if #ids > 0 then
    redis.call('ZREM', KEYS[i], ids[1])
    redis.call('ZADD', KEYS[1], ARGV[2], ids[1])
    return ids[1]
  end
end
return false
"""

# Puts the tasks whose lease has passed back in their queue (their worker is gone).
_RECOVER = """
local lost = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, id in ipairs(lost) do
  redis.call('ZREM', KEYS[1], id)
  local queue = redis.call('HGET', ARGV[2] .. 'task:' .. id, 'queue')
  if queue then
    redis.call('ZADD', ARGV[2] .. 'ready:' .. queue, ARGV[1], id)
  end
end
return #lost
"""


class RedisBackend(QueueBackend):
    """Scaled mode: the queue in Redis, workers as their own processes (``cercle worker``).

    Keys (under ``PREFIX``): ``task:<id>`` a hash with the task as JSON,
    ``ready:<queue>`` a sorted set of ids by time due, ``running`` a sorted
    set of ids by lease deadline, ``wake`` a list a waiting worker blocks on.
    """

    RESULT_TTL = 7 * 24 * 3600

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        import redis

        self.prefix = str(self.options.get("PREFIX", "cercle:tasks:"))
        self.redis = redis.Redis.from_url(str(params["LOCATION"]))
        self._claim = self.redis.register_script(_CLAIM)
        self._recover = self.redis.register_script(_RECOVER)

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def _save(self, pipe: Any, data: dict[str, Any]) -> None:
        key = self._key("task", data["id"])
        pipe.hset(key, mapping={"data": json.dumps(data), "queue": data["queue_name"]})

    def _load(self, id: str) -> dict[str, Any] | None:
        raw = self.redis.hget(self._key("task", id), "data")
        return json.loads(cast(bytes, raw)) if raw else None

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        self.validate_task(task)
        now = timezone.now()
        run_after = task.run_after or now
        data: dict[str, Any] = {
            "id": get_random_string(32),
            "task_path": task.module_path,
            "queue_name": task.queue_name,
            "priority": task.priority,
            "args": normalize_json(list(args)),
            "kwargs": normalize_json(dict(kwargs)),
            "status": READY,
            "enqueued_at": now.isoformat(),
            "started_at": None,
            "last_attempted_at": None,
            "finished_at": None,
            "attempts": 0,
            "max_attempts": self.max_attempts,
            "worker_ids": [],
            "errors": [],
            "return_value": None,
        }

        def push() -> None:
            pipe = self.redis.pipeline()
            self._save(pipe, data)
            pipe.zadd(self._key("ready", data["queue_name"]), {data["id"]: run_after.timestamp()})
            pipe.rpush(self._key("wake"), 1)
            pipe.ltrim(self._key("wake"), -64, -1)
            pipe.execute()

        # After the enqueuing transaction commits: a worker must find what the task reads.
        transaction.on_commit(push)
        result = self._to_result(data)
        task_enqueued.send(type(self), task_result=result)
        return result

    def _to_result(self, data: dict[str, Any]) -> TaskResult[Any, Any]:
        def when(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return _result(
            backend=self.alias,
            id=data["id"],
            task_path=data["task_path"],
            status=data["status"],
            args=data["args"],
            kwargs=data["kwargs"],
            enqueued_at=when(data["enqueued_at"]),
            started_at=when(data["started_at"]),
            last_attempted_at=when(data["last_attempted_at"]),
            finished_at=when(data["finished_at"]),
            errors=data["errors"],
            worker_ids=data["worker_ids"],
            return_value=data["return_value"],
        )

    def get_result(self, result_id: str) -> TaskResult[Any, Any]:
        data = self._load(result_id)
        if data is None:
            raise TaskResultDoesNotExist(result_id)
        return self._to_result(data)

    def claim(self, worker_id: str, queues: list[str]) -> Claim | None:
        now = timezone.now()
        self._recover(keys=[self._key("running")], args=[now.timestamp(), self.prefix])
        keys = [self._key("running"), *(self._key("ready", q) for q in queues)]
        raw = self._claim(keys=keys, args=[now.timestamp(), (now + self.lease).timestamp()])
        if not raw:
            return None
        id = raw.decode() if isinstance(raw, bytes) else str(raw)
        data = self._load(id)
        if data is None:  # expired meanwhile: nothing to run
            self.redis.zrem(self._key("running"), id)
            return None
        if data["attempts"] >= data["max_attempts"]:  # its worker died on the last attempt
            data.update(status=FAILED, finished_at=now.isoformat())
            self._finish(data)
            return None
        data["attempts"] += 1
        data["status"] = RUNNING
        data["started_at"] = data["started_at"] or now.isoformat()
        data["last_attempted_at"] = now.isoformat()
        data["worker_ids"].append(worker_id)
        pipe = self.redis.pipeline()
        self._save(pipe, data)
        pipe.execute()
        return Claim(
            id=id,
            task_path=data["task_path"],
            queue_name=data["queue_name"],
            priority=data["priority"],
            args=data["args"],
            kwargs=data["kwargs"],
            attempts=data["attempts"],
            max_attempts=data["max_attempts"],
            enqueued_at=datetime.fromisoformat(data["enqueued_at"]),
            worker_ids=data["worker_ids"],
            errors=data["errors"],
        )

    def _finish(self, data: dict[str, Any]) -> None:
        pipe = self.redis.pipeline()
        self._save(pipe, data)
        pipe.zrem(self._key("running"), data["id"])
        pipe.expire(self._key("task", data["id"]), self.RESULT_TTL)
        pipe.execute()

    def succeed(self, claim: Claim, return_value: Any) -> None:
        data = self._load(claim.id)
        if data is None:
            return
        data.update(
            status=SUCCESSFUL,
            finished_at=timezone.now().isoformat(),
            return_value=return_value,
        )
        self._finish(data)

    def fail(self, claim: Claim, error: TaskError, retry_at: datetime | None) -> None:
        data = self._load(claim.id)
        if data is None:
            return
        data["errors"] = self._record_errors(claim, error)
        if retry_at is None:
            data.update(status=FAILED, finished_at=timezone.now().isoformat())
            self._finish(data)
            return
        data["status"] = READY
        pipe = self.redis.pipeline()
        self._save(pipe, data)
        pipe.zrem(self._key("running"), claim.id)
        pipe.zadd(self._key("ready", claim.queue_name), {claim.id: retry_at.timestamp()})
        pipe.execute()

    def wait(self, timeout: float) -> None:
        self.redis.blpop([self._key("wake")], timeout=timeout)

    def stats(self) -> list[QueueStats]:
        now = timezone.now().timestamp()
        found = []
        for queue in sorted(self.queues):
            key = self._key("ready", queue)
            pipe = self.redis.pipeline()
            pipe.zcard(key)
            pipe.zrangebyscore(key, "-inf", now, start=0, num=1, withscores=True)
            depth, oldest = pipe.execute()
            found.append(QueueStats(queue, int(depth), now - oldest[0][1] if oldest else 0.0))
        return found
