"""``cercle serve``: the production ASGI server (uvicorn) with static files ready.

With ``--workers N`` (N > 1) on Linux, each process opens its own listening
socket on the same port with ``SO_REUSEPORT``, and the kernel spreads new
connections across them.  With uvicorn's own workers, which share one socket,
the process that wakes first accepts a whole burst of connections: under a
load of 8 keep-alive connections, one process could get 7 of them while the
other idled (``bench/load.py`` measured 182 to 436 req/s from run to run).
A small supervisor here restarts a process that dies and stops them all on
SIGINT or SIGTERM.

This command also runs a background worker (e-mails, digests) in a thread,
so that one command does everything.  In scaled mode, run ``cercle serve
--no-worker`` and workers as their own processes (``cercle worker``, as many
as needed).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

APP = "cercle.asgi:application"


def _uvicorn_options(host: str, port: int) -> dict[str, Any]:
    """uvicorn's settings; forwarded headers are believed from trusted proxies only.

    With ``CERCLE_TRUSTED_PROXIES`` empty (the default), ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are ignored whoever sends them: otherwise anyone could
    pick the address the sign-in throttle counts.  uvicorn's own default trusts
    127.0.0.1, which would let any local process (or a proxy on the same
    machine that does not rewrite the header) choose its address.
    """
    from django.conf import settings

    trusted = list(settings.CERCLE_TRUSTED_PROXIES)
    return {
        "host": host,
        "port": port,
        "lifespan": "off",
        "log_level": "info",
        # Cercle writes its own access line, with the request id (cercle.ops.middleware).
        "access_log": False,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted,
    }


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _server(host: str, port: int) -> Any:
    """A uvicorn server that ends the open live streams first when it stops.

    uvicorn waits for every open response before it exits, and a live stream
    (``/events/``) stays open for minutes: ended at once, its browser
    reconnects to another process (or to this one restarted) and misses
    nothing (``Last-Event-ID``).
    """
    import uvicorn

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            from cercle.realtime.hub import hub

            hub.close_all()
            await super().shutdown(sockets=sockets)

    return Server(uvicorn.Config(APP, **_uvicorn_options(host, port)))


def _run(server: Any, sockets: list[socket.socket] | None = None) -> None:
    """Run ``server``; exit with uvicorn's status 3 if it could not start (a port taken)."""
    server.run(sockets=sockets)
    if not server.started:
        sys.exit(3)


def _serve_one(host: str, port: int) -> None:
    """One web process with its own SO_REUSEPORT socket (runs in a child process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cercle.settings")
    sock = _listening_socket(host, port)
    _run(_server(host, port), sockets=[sock])


class Command(BaseCommand):
    help = "Serve Cercle with uvicorn (ASGI). Static files are collected first."

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
        import uvicorn

        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        host, port, workers = options["host"], options["port"], max(1, options["workers"])
        self.stdout.write(f"Cercle is served on http://{host}:{port}/ (Ctrl+C to stop)")
        if workers > 1:
            from cercle.realtime.broker import mode

            if mode() == "local":
                self.stderr.write(
                    "Live updates stay within each web process without REDIS_URL: "
                    "set it to run several processes."
                )
        worker = None if options["no_worker"] else self._start_worker()
        try:
            if workers > 1 and hasattr(socket, "SO_REUSEPORT") and sys.platform == "linux":
                self._supervise(host, port, workers)
            elif workers == 1:
                _run(_server(host, port))
            else:
                uvicorn.run(APP, workers=workers, **_uvicorn_options(host, port))
        finally:
            if worker is not None:
                worker.stop()  # the task running now finishes; the rest wait in the queue

    def _start_worker(self) -> Any:
        from cercle.tasks.worker import start_in_threads

        running = start_in_threads()
        self.stdout.write("Background tasks: a worker runs in this process")
        return running

    def _supervise(self, host: str, port: int, workers: int) -> None:
        context = multiprocessing.get_context("spawn")
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

        def start() -> multiprocessing.process.BaseProcess:
            process = context.Process(target=_serve_one, args=(host, port), daemon=False)
            process.start()
            return process

        processes = [start() for _ in range(workers)]
        while not stopping:
            time.sleep(0.2)
            for i, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    self.stderr.write(
                        f"web process {process.pid} exited ({process.exitcode}); restarting"
                    )
                    processes[i] = start()
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)  # uvicorn finishes its requests
        deadline = time.monotonic() + 30
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
