"""Live updates: how long from creating something to the SSE client seeing it.

    python bench/realtime.py [--workers 1] [--listeners 20] [--rounds 200] [--label NAME]

It starts the deployment command itself -- ``cercle serve --workers N`` on a
free loopback port, against the database ``DATABASE_URL`` names (SQLite
under ``CERCLE_DATA_DIR`` by default), with Redis pub/sub when ``REDIS_URL``
is set (scaled mode; use ``--workers 2`` so that streams and writes land on
different processes) -- then:

- opens one ``/events/`` stream per listener (personal access tokens), the
  listeners all following one author;
- ``--rounds`` times (after ``--warmup`` rounds not counted), the author
  publishes ``POST /api/v1/posts`` mentioning one listener in turn, and the
  clock runs from just before that request until each stream receives its
  event: ``notifications`` for the one mentioned, ``feed`` for every listener.

Creation -> client latency percentiles go to ``results/realtime.json`` and
``results/realtime.md`` (a record replaces the one of the same label).  The
people, tokens and posts made for the run stay out of the feeds of everyone
else (nobody follows them) and are deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cercle.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cercle.accounts.models import ApiToken, User  # noqa: E402
from cercle.accounts.services import api_token_create  # noqa: E402
from cercle.follows.models import Follow  # noqa: E402
from cercle.posts.models import Post  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import free_port, start_server  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
DOMAIN = "realtime.bench.cercle"


def people(listeners: int) -> tuple[User, list[User]]:
    def person(name: str) -> User:
        user = User.objects.filter(email=f"{name}@{DOMAIN}").first()
        if user is None:
            user = User.objects.create_user(
                f"{name}@{DOMAIN}", None, first_name=name.capitalize(), last_name="Bench"
            )
        user.ensure_handle()
        user.save()
        return user

    author = person("author")
    listening = [person(f"listener{i}") for i in range(listeners)]
    Follow.objects.bulk_create(
        [Follow(follower=p, followee=author) for p in listening], ignore_conflicts=True
    )
    return author, listening


class Stream:
    def __init__(self, index: int, token: str) -> None:
        self.index, self.token = index, token
        self.arrivals: asyncio.Queue[tuple[str, float]] = asyncio.Queue()

    async def run(self, port: int, opened: asyncio.Event) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            (
                "GET /events/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                f"Authorization: Bearer {self.token}\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        event = ""
        while line := await reader.readline():
            text = line.decode().rstrip("\r\n")
            if text.startswith("event: "):
                event = text[7:]
            elif text == "" and event:
                if not opened.is_set() and event == "notifications":
                    opened.set()
                else:
                    self.arrivals.put_nowait((event, time.monotonic()))
                event = ""


def publish(port: int, token: str, body: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST",
        "/api/v1/posts",
        body=urlencode({"body": body}),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = conn.getresponse()
    response.read()
    if response.status != 201:
        raise SystemExit(f"POST /api/v1/posts answered {response.status}")
    conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def measure(
    port: int,
    author_token: str,
    streams: list[Stream],
    handles: list[str],
    rounds: int,
    warmup: int,
) -> dict[str, list[float]]:
    tasks = []
    for stream in streams:
        opened = asyncio.Event()
        tasks.append(asyncio.create_task(stream.run(port, opened)))
        await asyncio.wait_for(opened.wait(), 10)
    latencies: dict[str, list[float]] = {"notifications": [], "feed": [], "post_request": []}
    for n in range(warmup + rounds):
        if n == warmup:  # the first rounds warm the caches and connections up: not counted
            latencies = {kind: [] for kind in latencies}
        target = n % len(streams)
        started = time.monotonic()
        await asyncio.to_thread(
            publish, port, author_token, f"Point {n} du jour, @{handles[target]} à toi."
        )
        latencies["post_request"].append(time.monotonic() - started)
        remaining = {(i, "feed") for i in range(len(streams))} | {(target, "notifications")}
        deadline = time.monotonic() + 10
        while remaining:
            for stream in streams:
                while not stream.arrivals.empty():
                    kind, at = stream.arrivals.get_nowait()
                    if (stream.index, kind) in remaining:
                        remaining.discard((stream.index, kind))
                        latencies[kind].append(at - started)
            if time.monotonic() > deadline:
                raise SystemExit(f"round {n}: events missing after 10 s: {sorted(remaining)}")
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="cercle serve --workers")
    parser.add_argument("--listeners", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10, help="rounds run first, not counted")
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    author, listening = people(args.listeners)
    author_token = api_token_create(user=author, name="bench realtime").secret
    tokens = [api_token_create(user=p, name="bench realtime").secret for p in listening]
    handles = [p.handle for p in listening]
    engine = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    mode = "redis" if settings.REDIS_URL else "local"
    connection.close()  # the server's processes must not share this connection

    port = free_port()
    server = start_server(port, args.workers)
    try:
        streams = [Stream(i, token) for i, token in enumerate(tokens)]
        latencies = asyncio.run(
            measure(port, author_token, streams, handles, args.rounds, args.warmup)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        Post.objects.filter(author=author).delete()
        ApiToken.objects.filter(user__email__endswith=f"@{DOMAIN}").delete()

    label = args.label or f"{engine}-{mode}-{args.workers}w"
    record = {
        "label": label,
        "db": engine,
        "broker": mode,
        "workers": args.workers,
        "listeners": args.listeners,
        "rounds": args.rounds,
    }
    for kind, values in latencies.items():
        record[kind] = {
            "samples": len(values),
            "p50_ms": round(percentile(values, 50) * 1000, 2),
            "p99_ms": round(percentile(values, 99) * 1000, 2),
            "max_ms": round(max(values) * 1000, 2),
            "mean_ms": round(statistics.fmean(values) * 1000, 2),
        }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "realtime.json"
    old = json.loads(path.read_text()) if path.exists() else []
    data = [r for r in old if r["label"] != label] + [record]
    path.write_text(json.dumps(data, indent=2) + "\n")
    lines = [
        "| label | db | broker | workers | listeners | rounds | event | samples | p50 ms "
        "| p99 ms | max ms |",
        "|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in data:
        for kind in ("notifications", "feed", "post_request"):
            s = r[kind]
            lines.append(
                f"| {r['label']} | {r['db']} | {r['broker']} | {r['workers']} | {r['listeners']} "
                f"| {r['rounds']} | {kind} | {s['samples']} | {s['p50_ms']:.2f} "
                f"| {s['p99_ms']:.2f} | {s['max_ms']:.2f} |"
            )
    (RESULTS / "realtime.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
