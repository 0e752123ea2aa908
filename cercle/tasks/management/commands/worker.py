"""``cercle worker``: run background tasks (e-mails, digests) from the task queue."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cercle.tasks.worker import Worker


class Command(BaseCommand):
    help = "Run background tasks: e-mails and digests (scaled mode runs one or more of these)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="append", dest="queues", help="Queue(s) to serve.")
        parser.add_argument("--once", action="store_true", help="Run the tasks due now, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(queues=options["queues"])
        if options["once"]:
            ran = worker.run_pending()
            self.stdout.write(f"{ran} task(s) run")
            return

        def stop(signum: int, frame: Any) -> None:
            worker.stopping.set()  # the running task finishes first

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Worker {worker.id} started (Ctrl+C to stop)")
        worker.run()
