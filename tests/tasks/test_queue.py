"""The task queue: results, retries with back-off, dead workers, periodic tasks.

The queue is ``django_tasks_db``'s; what is tested here is what Cercle adds on
top (``cercle.tasks``) and the guarantees the product relies on.
"""

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
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cercle.tasks.maintenance import prune_finished_tasks
from cercle.tasks.models import Attempts, Schedule
from cercle.tasks.retries import LOST, reclaim_abandoned
from cercle.tasks.schedule import enqueue_due
from cercle.tasks.worker import run_pending
from tests.tasks import jobs

pytestmark = pytest.mark.django_db


def _time_passes(result_id: str) -> None:
    """Make a task waiting for its retry due now (its back-off has passed)."""
    DBTaskResult.objects.filter(pk=result_id).update(run_after=timezone.now())


def _retry_delay(result_id: str) -> float:
    run_after = DBTaskResult.objects.get(pk=result_id).run_after
    return (run_after - timezone.now()).total_seconds()


def _attempts(result_id: str) -> Attempts:
    return Attempts.objects.get(result_id=result_id)


def test_a_task_runs_once_and_its_result_is_kept() -> None:
    result = jobs.add.enqueue(2, 3)
    assert result.status == TaskResultStatus.READY
    assert run_pending() == 1
    assert run_pending() == 0  # nothing runs twice
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    assert len(result.worker_ids) == 1
    assert jobs.add.get_result(result.id).return_value == 5
    assert not Attempts.objects.exists()  # nothing failed


def test_a_failing_task_is_retried_with_growing_back_off() -> None:
    key = "retry"
    jobs.ATTEMPTS.pop(key, None)
    result = jobs.flaky.enqueue(key, 2)
    assert run_pending() == 1
    result.refresh()
    assert result.status == TaskResultStatus.READY  # waiting for its next attempt, same id
    first = _attempts(result.id)
    assert first.count == 1
    assert first.errors[0]["exception_class_path"] == "builtins.RuntimeError"
    assert "attempt 1 of" in first.errors[0]["traceback"]
    assert 8 < _retry_delay(result.id) <= 10  # 10 s after the first failure
    assert run_pending() == 0  # not before

    _time_passes(result.id)
    assert run_pending() == 1
    assert _attempts(result.id).count == 2
    assert 38 < _retry_delay(result.id) <= 40  # then 40 s

    _time_passes(result.id)
    assert run_pending() == 1
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    assert jobs.ATTEMPTS[key] == 3
    assert len(result.worker_ids) == 3


def test_a_task_that_keeps_failing_is_given_up(settings: Any) -> None:
    settings.CERCLE_TASK_RETRIES = {"MAX_ATTEMPTS": 2, "BACKOFF": 10, "LEASE": 300}
    key = "give-up"
    jobs.ATTEMPTS.pop(key, None)
    result = jobs.flaky.enqueue(key, 99)
    run_pending()
    _time_passes(result.id)
    run_pending()
    _time_passes(result.id)
    assert run_pending() == 0
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[-1].exception_class_path == "builtins.RuntimeError"
    assert _attempts(result.id).count == 2 and len(_attempts(result.id).errors) == 2
    assert jobs.ATTEMPTS[key] == 2


def test_a_running_task_is_not_taken_by_another_worker() -> None:
    result = jobs.add.enqueue(1, 1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=["first"]
    )
    assert run_pending() == 0
    assert reclaim_abandoned() == 0  # its lease holds


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs() -> None:
    def failing_request() -> None:
        with transaction.atomic():
            jobs.add.enqueue(4, 4)
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    assert not DBTaskResult.objects.exists()
    assert run_pending() == 0


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_no_task(tmp_path: Path) -> None:
    """A worker process killed mid-task (SIGKILL): the task runs again once its lease passes."""
    marker = tmp_path / "started"
    result = jobs.stuck_once.enqueue(str(marker))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "cercle", "worker", "--interval", "0.1"],
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
    assert result.status == TaskResultStatus.RUNNING  # as its dead worker left it
    assert run_pending() == 0 and reclaim_abandoned() == 0  # its lease still holds

    DBTaskResult.objects.filter(pk=result.id).update(  # the lease runs out
        started_at=timezone.now() - timedelta(seconds=301)
    )
    assert reclaim_abandoned() == 1
    result.refresh()
    assert result.status == TaskResultStatus.READY
    assert _attempts(result.id).errors[0]["exception_class_path"] == LOST
    _time_passes(result.id)
    assert run_pending() == 1
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "finished"
    assert len(result.worker_ids) == 2


def test_a_task_lost_on_its_last_attempt_is_failed_not_run_again(settings: Any) -> None:
    settings.CERCLE_TASK_RETRIES = {"MAX_ATTEMPTS": 1, "BACKOFF": 10, "LEASE": 300}
    result = jobs.add.enqueue(2, 2)
    DBTaskResult.objects.filter(pk=result.id).update(  # claimed, then its worker died
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=301),
        worker_ids=["dead"],
    )
    assert reclaim_abandoned() == 1
    assert run_pending() == 0
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == LOST


def test_finished_tasks_are_kept_a_week() -> None:
    old, recent, waiting = (jobs.add.enqueue(i, i) for i in range(3))
    DBTaskResult.objects.filter(pk=waiting.id).update(run_after=timezone.now() + timedelta(hours=1))
    run_pending()
    DBTaskResult.objects.filter(pk=old.id).update(finished_at=timezone.now() - timedelta(days=8))
    assert prune_finished_tasks.call() == 1
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {
        recent.id,
        waiting.id,
    }


def test_a_periodic_task_is_enqueued_once_per_period_however_many_workers(settings: Any) -> None:
    settings.CERCLE_PERIODIC_TASKS = {"tests.tasks.jobs.tick": 60}
    assert enqueue_due() == ["tests.tasks.jobs.tick"]
    assert enqueue_due() == []  # a second worker, the same minute
    assert DBTaskResult.objects.filter(task_path="tests.tasks.jobs.tick").count() == 1
    Schedule.objects.update(next_run_at=timezone.now())  # a minute later
    assert enqueue_due() == ["tests.tasks.jobs.tick"]
    assert DBTaskResult.objects.filter(task_path="tests.tasks.jobs.tick").count() == 2
