"""The production path: `cercle serve` (granian + WhiteNoise) on a real port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.sites import CERCLE, own_site


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        # Header names are case-insensitive (servers may send them lowercase).
        headers = {name.lower(): value for name, value in response.headers.items()}
        return response.status, headers, response.read()


@contextmanager
def _serving(env: dict[str, str], *args: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``cercle serve *args`` on a free port, once it answers; stopped (SIGTERM) at the end."""
    port = _free_port()
    server = subprocess.Popen(
        [*CERCLE, "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # collectstatic first, on a busy machine
        while True:
            try:
                _get(f"{base}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("cercle serve did not start")
                time.sleep(0.2)
        yield server, base
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()


def test_cercle_serve_answers_with_static_files(tmp_path: Path, site_template: Path) -> None:
    with _serving(own_site(tmp_path, site_template, static=False)) as (_, base):
        status, _, body = _get(f"{base}/healthz")
        assert status == 200
        assert b'"ok"' in body
        status, _, page = _get(f"{base}/login/")
        assert status == 200
        css = re.search(rb'href="(/static/cercle/css/cercle\.[0-9a-f]{12}\.css)"', page)
        assert css, "the stylesheet is referenced by its hashed (cacheable) name"
        status, headers, _ = _get(base + css.group(1).decode())
        assert status == 200
        assert "max-age=315360000" in headers.get("cache-control", "")


def test_requests_run_on_kept_threads_of_the_wsgi_handler() -> None:
    """Pages go through Django's WSGI handler on a fixed pool: each thread keeps its connection.

    Django's ``ASGIHandler`` would run each request in a new thread, and its
    database connection (thread-local) would die with the request.
    """
    from django.core.signals import request_started

    from cercle.asgi import Application

    app = Application(threads=1)
    seen: list[tuple[int, str]] = []

    def started(sender: Any, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
        seen.append((threading.get_ident(), threading.current_thread().name))

    request_started.connect(started)
    try:
        for _ in range(3):
            assert _call(app, "/healthz")[0] == 200
    finally:
        request_started.disconnect(started)
    assert len(seen) == 3
    assert len(set(seen)) == 1, "one kept thread served the three requests"
    assert seen[0][1].startswith("WSGI"), seen  # a2wsgi's pool, not the event loop's thread


def _call(application: Any, path: str) -> tuple[int, bytes]:
    """One GET through the ASGI application, in-process."""
    from asgiref.sync import async_to_sync
    from asgiref.testing import ApplicationCommunicator

    async def call() -> tuple[int, bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
        }
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(timeout=10)
        body = b""
        while True:
            message = await communicator.receive_output(timeout=10)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        return start["status"], body

    # In a thread of its own: the browser tests' session keeps an event loop
    # in the main thread, where async_to_sync refuses to run.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(call)).result()


def test_asgi_application_serves_pages() -> None:
    """In-process, without a database: ``cercle serve`` is tested above on a real port."""
    from cercle.asgi import application

    assert _call(application, "/")[0] == 302  # sign-in required
    status, body = _call(application, "/login/")
    assert status == 200 and b'name="password"' in body


def _web_children(pid: int) -> set[int]:
    """The server's web processes (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = set()
    for child in children:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in cmdline:
            found.add(int(child))
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_cercle_serve_workers_share_the_port_and_are_restarted(
    tmp_path: Path, site_template: Path
) -> None:
    def wait_until(check: Any, what: str) -> Any:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                result = check()
                if result:
                    return result
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"cercle serve --workers 2: {what}")

    with _serving(own_site(tmp_path, site_template), "--workers", "2", "--no-collectstatic") as (
        server,
        base,
    ):
        wait_until(lambda: len(_web_children(server.pid)) == 2, "not 2 processes")
        workers = _web_children(server.pid)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        wait_until(
            lambda: len(_web_children(server.pid) - {victim}) == 2, "a dead worker not restarted"
        )
        assert _get(f"{base}/healthz")[0] == 200
        workers = _web_children(server.pid)
    assert not _web_children_alive(workers), "SIGTERM stops every web process"


def _web_children_alive(pids: set[int]) -> bool:
    """Whether any of these processes still runs (a zombie waiting to be reaped does not)."""
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if "\nState:\tZ" not in status:
            return True
    return False


def test_cercle_serve_stops_promptly_after_a_burst_of_abandoned_posts(
    tmp_path: Path, site_template: Path
) -> None:
    """SIGTERM just after clients sent posts and left: out in seconds, not at the kill (30 s).

    The posts queue behind the one request thread (SQLite), their clients
    gone.  Once stopping, the server no longer delivers their bodies: the
    thread waiting for one gives up after a short grace (cercle.asgi)
    instead of holding the process until it is killed.
    """
    env = own_site(tmp_path, site_template)
    code = (
        "from cercle.accounts.models import User;"
        "from cercle.accounts.services import api_token_create;"
        "u = User.objects.create_user(email='lea@example.com', first_name='Léa', last_name='Roux');"
        "print('TOKEN' + api_token_create(user=u, name='burst').secret)"
    )
    shell = subprocess.run(
        [*CERCLE, "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    )
    token = next(x for x in shell.stdout.splitlines() if x.startswith("TOKEN"))[5:]
    env |= {"CERCLE_API_RATE_PERSON": "off", "CERCLE_API_RATE_ADDRESS": "off"}
    with _serving(env, "--no-worker", "--no-collectstatic") as (server, base):
        port = int(base.rsplit(":", 1)[1])
        body = b"body=Compte+rendu+de+la+visite"
        for _ in range(40):  # each post takes the one thread a few ms: they queue
            with socket.create_connection(("127.0.0.1", port)) as sent:
                sent.sendall(
                    b"POST /api/v1/posts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + f"Authorization: Bearer {token}\r\n".encode()
                    + b"Content-Type: application/x-www-form-urlencoded\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
        stopping = time.monotonic()
        server.terminate()
        server.wait(timeout=40)
        took = time.monotonic() - stopping
    assert took < 10, f"cercle serve took {took:.1f} s to stop"
