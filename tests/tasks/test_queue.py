"""The task queue on both backends: results, retries with back-off, leases, crashes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.tasks import TaskResultStatus, task_backends
from django.test import override_settings
from django.utils import timezone

from cercle.tasks.backends import DatabaseBackend, RedisBackend
from cercle.tasks.models import TaskRecord
from cercle.tasks.worker import Worker
from tests.tasks import jobs
from tests.tasks.conftest import REDIS_TEST_URL

pytestmark = pytest.mark.django_db


def _time_passes(result_id: str) -> None:
    """Make a task waiting for its retry due now (the back-off has passed)."""
    backend = task_backends["default"]
    if isinstance(backend, RedisBackend):
        data = backend._load(result_id)
        assert data is not None
        backend.redis.zadd(backend._key("ready", data["queue_name"]), {result_id: 0})
    else:
        TaskRecord.objects.filter(pk=result_id).update(run_after=timezone.now())


def _retry_delay(result_id: str) -> float:
    backend = task_backends["default"]
    if isinstance(backend, RedisBackend):
        data = backend._load(result_id)
        assert data is not None
        score = backend.redis.zscore(backend._key("ready", data["queue_name"]), result_id)
        assert score is not None
        return score - time.time()
    return (TaskRecord.objects.get(pk=result_id).run_after - timezone.now()).total_seconds()


def test_a_task_runs_once_and_its_result_is_kept(
    queue: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = jobs.add.enqueue(2, 3)
    assert result.status == TaskResultStatus.READY
    worker = Worker()
    assert worker.run_pending() == 1
    assert worker.run_pending() == 0  # nothing runs twice
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    assert result.worker_ids == [worker.id]
    assert jobs.add.get_result(result.id).return_value == 5


def test_a_failing_task_is_retried_with_growing_back_off(
    queue: str, django_capture_on_commit_callbacks: Any
) -> None:
    key = f"retry-{queue}"
    jobs.ATTEMPTS.pop(key, None)
    with django_capture_on_commit_callbacks(execute=True):
        result = jobs.flaky.enqueue(key, 2)
    worker = Worker()
    assert worker.run_pending() == 1
    result.refresh()
    assert result.status == TaskResultStatus.READY  # waiting for its next attempt
    assert len(result.errors) == 1
    assert result.errors[0].exception_class_path == "builtins.RuntimeError"
    assert "attempt 1 of" in result.errors[0].traceback
    assert 8 < _retry_delay(result.id) <= 10  # 10 s after the first failure
    assert worker.run_pending() == 0  # not before

    _time_passes(result.id)
    assert worker.run_pending() == 1
    result.refresh()
    assert len(result.errors) == 2
    assert 38 < _retry_delay(result.id) <= 40  # then 40 s

    _time_passes(result.id)
    assert worker.run_pending() == 1
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    assert jobs.ATTEMPTS[key] == 3


def test_a_task_that_keeps_failing_is_given_up(
    queue: str, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    config = {"default": {**settings.TASKS["default"]}}
    config["default"]["OPTIONS"] = {**config["default"].get("OPTIONS", {}), "MAX_ATTEMPTS": 2}
    key = f"give-up-{queue}"
    jobs.ATTEMPTS.pop(key, None)
    with override_settings(TASKS=config):
        with django_capture_on_commit_callbacks(execute=True):
            result = jobs.flaky.enqueue(key, 99)
        worker = Worker()
        worker.run_pending()
        _time_passes(result.id)
        worker.run_pending()
        _time_passes(result.id)
        assert worker.run_pending() == 0
        result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert len(result.errors) == 2
    assert jobs.ATTEMPTS[key] == 2


def test_a_claimed_task_is_not_run_by_a_second_worker(
    queue: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        jobs.add.enqueue(1, 1)
    backend = task_backends["default"]
    assert isinstance(backend, DatabaseBackend | RedisBackend)
    claim = backend.claim("first", ["default"])
    assert claim is not None
    assert backend.claim("second", ["default"]) is None  # its lease holds


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(queue: str) -> None:
    def failing_request() -> None:
        with transaction.atomic():
            jobs.add.enqueue(4, 4)
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    assert Worker().run_pending() == 0


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_no_task(queue: str, tmp_path: Path) -> None:
    """A worker process killed mid-task (SIGKILL): the task runs again once its lease passes."""
    marker = tmp_path / "started"
    result = jobs.stuck_once.enqueue(str(marker))  # autocommit: pushed at once
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        database_url = f"sqlite:///{db['NAME']}"
    else:
        database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    if queue == "redis":
        env["REDIS_URL"] = REDIS_TEST_URL
        env["CERCLE_TEST_TASKS_PREFIX"] = task_backends["default"].prefix  # type: ignore[attr-defined]
    worker = subprocess.Popen(
        [sys.executable, "-m", "cercle", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker never started the task"
            time.sleep(0.05)
        worker.kill()  # mid-task, no chance to say anything
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    result.refresh()
    assert result.status == TaskResultStatus.RUNNING
    assert Worker().run_pending() == 0  # its lease still holds

    backend = task_backends["default"]  # the lease runs out
    if isinstance(backend, RedisBackend):
        backend.redis.zadd(backend._key("running"), {result.id: 0})
    else:
        TaskRecord.objects.filter(pk=result.id).update(
            locked_until=timezone.now() - timedelta(seconds=1)
        )
    survivor = Worker()
    assert survivor.run_pending() == 1
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "finished"
    assert len(result.worker_ids) == 2 and result.worker_ids[-1] == survivor.id


def test_finished_tasks_are_kept_a_week() -> None:
    from cercle.tasks.maintenance import prune_finished_tasks

    old, recent, waiting = (jobs.add.enqueue(i, i) for i in range(3))
    Worker().run_pending()
    TaskRecord.objects.filter(pk=old.id).update(finished_at=timezone.now() - timedelta(days=8))
    TaskRecord.objects.filter(pk=waiting.id).update(status=TaskResultStatus.READY)
    assert prune_finished_tasks.call() == 1
    assert set(TaskRecord.objects.values_list("pk", flat=True)) == {recent.id, waiting.id}


def test_a_task_lost_on_its_last_attempt_is_failed_not_run_again() -> None:
    backend = task_backends["default"]
    assert isinstance(backend, DatabaseBackend)
    result = jobs.add.enqueue(2, 2)
    TaskRecord.objects.filter(pk=result.id).update(max_attempts=1)
    assert backend.claim("dead", ["default"]) is not None  # its worker then dies
    TaskRecord.objects.filter(pk=result.id).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert backend.claim("survivor", ["default"]) is None
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
