"""``make run-scaled``: Cercle in scaled mode on this machine, with the French demo company.

    python scaled/run.py [--port 8000]

- PostgreSQL: the machine's (``127.0.0.1:5432``), database ``cercle_scaled``,
  recreated at each start (the S3 server below keeps its files in memory, so
  rows and files start together);
- Redis: the machine's (``127.0.0.1:6379``), database 3 (cache, live updates);
- S3: moto's S3 API server on a free loopback port, bucket ``cercle-files``;
- two web servers, ``cercle serve --no-worker`` on ``--port`` and the next
  port: sign in on either, a post written on one reaches the other's live
  stream through Redis;
- one task worker, ``cercle worker`` (e-mails on the console, digests).

Logs go to ``var/scaled/*.log``.  Ctrl+C stops everything.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scaled.stack import ROOT, Stack

DATABASE = "cercle_scaled"
PG = "postgres://postgres@127.0.0.1:5432"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"))
    args = parser.parse_args()

    for command in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    stack = Stack(
        directory=ROOT / "var" / "scaled",
        database_url=f"{PG}/{DATABASE}",
        redis_url=args.redis,
        web_ports=[args.port, args.port + 1],
    )
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        stack.start(demo=True)
        print(
            "\nCercle runs in scaled mode:\n"
            f"  web 1   http://127.0.0.1:{args.port}/\n"
            f"  web 2   http://127.0.0.1:{args.port + 1}/\n"
            f"  worker  cercle worker\n"
            f"  files   S3 at http://127.0.0.1:{stack.s3_port} (bucket cercle-files)\n"
            f"  data    {PG}/{DATABASE}, {args.redis}\n"
            f"Sign in as thomas.lefebvre@hexagone-services.fr / cercle-demo. "
            f"Logs: {stack.directory}/*.log. Ctrl+C stops everything.",
            flush=True,
        )
        while not stopping:
            for name, process in list(stack.processes.items()):
                if process.poll() is not None:
                    print(f"{name} exited ({process.returncode}); see {stack.log(name)}")
                    stopping = True
            time.sleep(0.5)
    finally:
        print("Stopping...", flush=True)
        stack.close()


if __name__ == "__main__":
    main()
