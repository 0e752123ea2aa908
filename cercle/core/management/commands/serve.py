"""``cercle serve``: the production server (granian, ASGI) with static files ready.

Every setting of the server is here.  granian runs ``cercle.asgi``'s
application in ``--workers`` processes, restarts one that dies, and on
SIGINT or SIGTERM lets each finish its requests (30 s at most) after its
open live streams have ended (the application's lifespan does that).

This command also runs a background worker (e-mails, digests) in threads of
its main process, which otherwise only watches the web processes, so that
one command does everything.  In scaled mode, run ``cercle serve
--no-worker`` and workers as their own processes (``cercle worker``, as many
as needed).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

# How long a stopping web process may take to finish its requests before it is killed.
STOP_TIMEOUT = 30


def application() -> Any:
    """The application as served (granian's factory, loaded in each web process).

    Forwarded headers are believed from ``CERCLE_TRUSTED_PROXIES`` only: with
    it empty (the default), ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are
    ignored whoever sends them, otherwise anyone could pick the address the
    sign-in throttle counts.
    """
    from django.conf import settings

    from cercle.asgi import application as app

    trusted = list(settings.CERCLE_TRUSTED_PROXIES)
    if not trusted:
        return app
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    return wrap_asgi_with_proxy_headers(app, trusted_hosts=trusted)


def server(host: str, port: int, workers: int) -> Any:
    """granian, configured.

    Its web processes are started fresh (``spawn``), never forked from this
    one: this process has database connections and the task worker's
    threads, which a forked child would inherit half-alive.
    """
    import multiprocessing

    from granian import Granian
    from granian.constants import Interfaces

    multiprocessing.set_start_method("spawn", force=True)
    return Granian(
        f"{__name__}:application",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,  # with the lifespan protocol: streams end first
        workers=workers,
        respawn_failed_workers=True,
        workers_kill_timeout=STOP_TIMEOUT,
        backlog=2048,
        # Cercle writes its own access line, with the request id (cercle.ops.middleware).
        log_access=False,
    )


class Command(BaseCommand):
    help = "Serve Cercle with granian (ASGI). Static files are collected first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "1")),
            help="Web processes (scaled mode: set DATABASE_URL and REDIS_URL first).",
        )
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not run background tasks here (run `cercle worker` instead).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        host, port, workers = options["host"], options["port"], max(1, options["workers"])
        if workers > 1:
            from cercle.realtime.broker import mode

            if mode() == "local":
                self.stderr.write(
                    "Live updates stay within each web process without REDIS_URL: "
                    "set it to run several processes."
                )
        from cercle.ops.metrics import prepare_multiprocess_directory

        prepare_multiprocess_directory()
        connections.close_all()  # the web processes open their own
        worker = None if options["no_worker"] else self._start_worker()
        self.stdout.write(f"Cercle is served on http://{host}:{port}/ (Ctrl+C to stop)")
        self.stdout.flush()
        try:
            server(host, port, workers).serve()
        finally:
            if worker is not None:
                worker.stop()  # the task running now finishes; the rest wait in the queue

    def _start_worker(self) -> Any:
        from cercle.tasks.worker import start_in_threads

        running = start_in_threads()
        self.stdout.write("Background tasks: a worker runs in this process")
        return running
