"""Cercle's scaled mode on one machine: PostgreSQL, Redis, S3, two web servers, one worker.

Used by ``make run-scaled`` (``scaled/run.py``), ``make chaos``
(``scaled/chaos.py``) and the locust load test (``scaled/load.py``).  Every
part is a real engine: the machine's PostgreSQL (a database of its own, or a
private PostgreSQL cluster started here), Redis (the machine's, on a
database number of its own, or a private ``redis-server``), an S3 API server
(moto's server mode, in memory: a stand-in for MinIO, Garage or a cloud
bucket), and Cercle's own commands, exactly as a deployment runs them:
``cercle serve --no-worker`` per web server and ``cercle worker``.

Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CERCLE = str(BIN / "cercle")
KEYS = {"CERCLE_S3_ACCESS_KEY": "cercle", "CERCLE_S3_SECRET_KEY": "cercle-scaled-secret"}
BUCKET = "cercle-files"
REGION = "eu-west-3"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")


def http_status(url: str, timeout: float = 5) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own (``initdb`` on a free port), to stop and restart at will."""

    directory: Path
    port: int = field(default_factory=free_port)

    @staticmethod
    def binaries() -> Path:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        return found[-1].parent

    def pg(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        command = [str(self.binaries() / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: as the postgres user
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, check=False, capture_output=True)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.decode()[-2000:]}")
        return done

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/cercle"

    def create(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self.pg("initdb", "-D", str(self.directory / "data"), "-U", "postgres", "-A", "trust")
        self.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "cercle"],
            check=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        log = str(self.directory / "postgresql.log")  # not our pipes: run() would wait on them
        self.pg(
            "pg_ctl", "-D", str(self.directory / "data"), "-o", options, "-l", log, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self.pg("pg_ctl", "-D", str(self.directory / "data"), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")


@dataclass
class PrivateRedis:
    """A ``redis-server`` of our own on a free port (it keeps nothing on disk)."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, "redis-server", timeout=10)

    def answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@dataclass
class Stack:
    """Cercle's processes in scaled mode, with the engines they use."""

    directory: Path
    database_url: str
    redis_url: str
    web_ports: list[int]
    s3_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CERCLE_", "DATABASE_URL", "REDIS_URL"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "cercle.settings",
                "CERCLE_DATA_DIR": str(self.directory / "data"),
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "CERCLE_S3_BUCKET": BUCKET,
                "CERCLE_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
                "CERCLE_S3_REGION": REGION,
                **KEYS,
                "PROMETHEUS_MULTIPROC_DIR": str(self.directory / "metrics"),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CERCLE_SITE_URL": f"http://127.0.0.1:{self.web_ports[0]}",
                **self.extra_env,
            }
        )
        return env

    def log(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with self.log(name).open("ab") as log:
            process = subprocess.Popen(
                command, env=self.env(), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
            )
        self.processes[name] = process
        return process

    def cercle(self, *args: str) -> None:
        """Run a ``cercle`` command to its end (migrate, demo...)."""
        subprocess.run([CERCLE, *args], env=self.env(), check=True, cwd=ROOT)

    def shell(self, code: str) -> Any:
        """Run ``code`` in ``cercle shell``; what it printed after ``RESULT`` (JSON), decoded."""
        output = subprocess.run(
            [CERCLE, "shell", "-c", code],
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        line = next(x for x in output.splitlines() if x.startswith("RESULT"))
        return json.loads(line.removeprefix("RESULT"))

    def rows_by_client_token(self, tokens: list[str]) -> Counter[str]:
        """How many posts and comments the database holds for each of these client tokens."""
        import psycopg

        rows = Counter[str]()
        url = self.database_url.replace("postgres://", "postgresql://", 1)
        with psycopg.connect(url) as connection:
            for table in ("posts_post", "posts_comment"):
                for client_token, count in connection.execute(
                    f"SELECT client_token, count(*) FROM {table} "  # noqa: S608 - our tables
                    "WHERE client_token = ANY(%s) GROUP BY client_token",
                    [tokens],
                ):
                    rows[client_token] += count
        return rows

    def lost_and_twice(self, acknowledged: list[str]) -> tuple[int, int]:
        """Among the writes acknowledged with these client tokens: how many are missing, how
        many were written more than once."""
        rows = self.rows_by_client_token(acknowledged)
        lost = sum(1 for token in acknowledged if rows[token] == 0)
        return lost, sum(1 for count in rows.values() if count > 1)

    def print_logs(self) -> None:
        """The end of every process's log (after a failure)."""
        for log in sorted(self.directory.glob("*.log")):
            print(f"--- {log.name} (end)\n{log.read_text()[-3000:]}")

    # --- the parts -------------------------------------------------------------------------

    def start_s3(self) -> None:
        self.spawn(
            "s3",
            [str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)],
        )
        wait_for(
            lambda: http_status(f"http://127.0.0.1:{self.s3_port}/moto-api/") == 200,
            "the S3 server",
        )
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.s3_port}",
            region_name=REGION,
            aws_access_key_id=KEYS["CERCLE_S3_ACCESS_KEY"],
            aws_secret_access_key=KEYS["CERCLE_S3_SECRET_KEY"],
        )
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )

    def prepare(self, *, demo: bool) -> None:
        """Migrate, and load the demo company if asked; the static files once for all."""
        metrics = Path(self.env()["PROMETHEUS_MULTIPROC_DIR"])
        shutil.rmtree(metrics, ignore_errors=True)  # prometheus-client wants it empty at start
        metrics.mkdir(parents=True)
        self.cercle("migrate", "--noinput", "-v0")
        self.cercle("collectstatic", "--noinput", "-v0")
        if demo:
            self.cercle("demo", "--if-empty")
            self.cercle("reindex", "--if-empty", "--quiet")
        shutil.rmtree(metrics)  # what the commands above counted is not the servers'
        metrics.mkdir()

    def start_web(self, index: int) -> subprocess.Popen[bytes]:
        port = self.web_ports[index]
        return self.spawn(
            f"web{index + 1}",
            [CERCLE, "serve", "--no-worker", "--no-collectstatic", "--port", str(port)],
        )

    def wait_web(self, index: int, timeout: float = 60) -> None:
        port = self.web_ports[index]
        wait_for(
            lambda: http_status(f"http://127.0.0.1:{port}/readyz") == 200,
            f"web{index + 1} on port {port}",
            timeout,
        )

    def start_worker(self) -> subprocess.Popen[bytes]:
        return self.spawn("worker", [CERCLE, "worker"])

    def start(self, *, demo: bool = False) -> None:
        """The whole stack, ready to serve."""
        self.start_s3()
        self.prepare(demo=demo)
        for index in range(len(self.web_ports)):
            self.start_web(index)
        self.start_worker()
        for index in range(len(self.web_ports)):
            self.wait_web(index)

    def kill(self, name: str) -> None:
        """SIGKILL, the whole process group of ``name``'s server included (granian's workers)."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            for child in _descendants(process.pid):
                os.kill(child, signal.SIGKILL)
            os.kill(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self, name: str, timeout: float = 40) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.processes[name] = process
            self.kill(name)
            self.processes.pop(name)

    def close(self) -> None:
        for name in [n for n in self.processes if n != "s3"] + ["s3"]:
            self.stop(name)


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (Linux /proc)."""
    found: list[int] = []
    queue = [pid]
    while queue:
        parent = queue.pop()
        path = Path(f"/proc/{parent}/task/{parent}/children")
        try:
            children = [int(c) for c in path.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        found.extend(children)
        queue.extend(children)
    return found
