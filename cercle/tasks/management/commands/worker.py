"""``cercle worker``: run background tasks (e-mails, digests) from the task queue."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from cercle.tasks.schedule import Scheduler
from cercle.tasks.worker import POLL, run_pending


class Command(BaseCommand):
    help = (
        "Run background tasks (e-mails, digests): the task queue's worker and the "
        "periodic tasks' scheduler. Run one or more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the tasks due now, then stop.")
        parser.add_argument(
            "--interval", type=float, default=POLL, help="Seconds between looks at an empty queue."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            Scheduler().run_once()
            self.stdout.write(f"{run_pending()} task(s) run")
            return
        Scheduler().start()
        # The library's worker, in this thread: SIGTERM or Ctrl+C lets the running task finish.
        call_command(
            "db_worker",
            queue_name="*",
            interval=options["interval"],
            reload=False,
            verbosity=options["verbosity"],
        )
