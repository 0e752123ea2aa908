"""Background tasks: Django's Tasks framework, queued in the database (``django-tasks-db``).

One queue for both modes.  In scaled mode the issue that asked for this
suggested RQ on Redis (``django-tasks-rq``); measured against version 0.12
(December 2026) it cannot serve:

- it is written against the ``django_tasks`` backport, not ``django.tasks``:
  its tasks send none of Django's ``task_*`` signals (0 of 10 in a trial),
  and a missing result raises the backport's exception, which
  ``django.tasks.exceptions.TaskResultDoesNotExist`` does not catch;
- it enqueues at once, not when the transaction commits: a task enqueued by
  a request that then failed still ran (the notification of a post that was
  never saved);
- it supports no priority and no retries, and keeps results 500 s.

PostgreSQL serves a queue of this size well (``SELECT ... FOR UPDATE SKIP
LOCKED``, a partial index on waiting tasks), a task commits or rolls back
with the request that enqueued it, and the tasks wait unharmed while Redis
is away.  What the library does not do — retries with back-off, tasks whose
worker died, periodic tasks — is here: ``retries``, ``schedule``.
"""
