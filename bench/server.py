"""A real ``cercle serve`` on loopback, for the benchmarks that need one (load, live updates)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    """``cercle serve`` (the deployment command) on ``port``, once it answers."""
    cercle = Path(sys.executable).with_name("cercle")
    server = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [str(cercle), "serve", "--port", str(port), "--workers", str(workers)],
        env={
            **os.environ,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # wrk is one person at one address: limits on (measured), never reached.
            "CERCLE_API_RATE_PERSON": "10000000/hour",
            "CERCLE_API_RATE_ADDRESS": "10000000/hour",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("cercle serve did not answer within 60 s")
