"""The production path: `cercle serve` (uvicorn + WhiteNoise) on a real port."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, dict(response.headers), response.read()


def test_cercle_serve_answers_with_static_files(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CERCLE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",  # its own SQLite file, never the test database
        "DJANGO_SETTINGS_MODULE": "cercle.settings",
    }
    command = [sys.executable, "-m", "cercle"]
    subprocess.run([*command, "migrate", "-v0"], env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, body = _get(f"{base}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("cercle serve did not start")
                time.sleep(0.2)
        assert status == 200
        assert b'"ok"' in body
        status, _, page = _get(f"{base}/login/")
        assert status == 200
        css = re.search(rb'href="(/static/cercle/css/cercle\.[0-9a-f]{12}\.css)"', page)
        assert css, "the stylesheet is referenced by its hashed (cacheable) name"
        status, headers, _ = _get(base + css.group(1).decode())
        assert status == 200
        assert "max-age=315360000" in headers.get("Cache-Control", "")
    finally:
        server.terminate()
        server.wait(timeout=10)
