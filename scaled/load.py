"""The load test of the scaled mode: locust's 50 simulated employees for 5 minutes.

    python scaled/load.py [--users 50] [--duration 300]

It starts the scaled mode (``scaled/stack.py``: the machine's PostgreSQL,
database ``cercle_load`` recreated; a Redis of its own; moto's S3; two web
servers; one worker) with the demo company, gives each simulated employee a
personal access token, runs ``scaled/locustfile.py`` headless against both
web servers, then counts the writes in the database.  It fails unless there
were zero errors and every acknowledged post and comment is there exactly
once.  Results: ``bench/results/load-scaled.{json,md,svg}`` (p50, p95, p99
per route, requests per second, and a chart).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scaled.stack import BIN, ROOT, PrivateRedis, Stack, free_port

RESULTS = ROOT / "bench" / "results"
PG = "postgres://postgres@127.0.0.1:5432"
DATABASE = "cercle_load"
ROUTES = ["feed", "search", "post", "comment", "reaction", "notifications"]


def people(stack: Stack, count: int) -> list[dict[str, str]]:
    code = f"""
import json
from cercle.accounts.models import User
from cercle.accounts.services import api_token_create
people = User.objects.filter(is_active=True).order_by("pk")[:{count}]
tokens = [{{"token": api_token_create(user=p, name="load").secret}} for p in people]
print("RESULT" + json.dumps(tokens))
"""
    found: list[dict[str, str]] = stack.shell(code)
    return found


def read_stats(prefix: Path) -> list[dict[str, Any]]:
    found = []
    with Path(f"{prefix}_stats.csv").open() as handle:
        for row in csv.DictReader(handle):
            found.append(
                {
                    "route": row["Name"] if row["Name"] != "Aggregated" else "all",
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": round(float(row["Requests/s"]), 1),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "p99_ms": float(row["99%"]),
                    "max_ms": round(float(row["Max Response Time"]), 1),
                }
            )
    order = {name: i for i, name in enumerate([*ROUTES, "all"])}
    return sorted(found, key=lambda r: order.get(r["route"], 99))


def chart(rows: list[dict[str, Any]], title: str, path: Path) -> None:
    import pygal

    bars = pygal.Bar(
        title=title,
        y_title="ms",
        legend_at_bottom=True,
        width=900,
        height=450,
        style=pygal.style.CleanStyle,
    )
    bars.x_labels = [r["route"] for r in rows]
    for key, label in (("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99")):
        bars.add(label, [r[key] for r in rows])
    path.write_bytes(bars.render())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=300, help="seconds")
    args = parser.parse_args()

    for command in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    with tempfile.TemporaryDirectory(prefix="cercle-load-") as tmp:
        root = Path(tmp)
        redis = PrivateRedis()
        stack = Stack(
            directory=root / "stack",
            database_url=f"{PG}/{DATABASE}",
            redis_url=redis.url,
            web_ports=[free_port(), free_port()],
            extra_env={
                # 50 people at one address (loopback): the per-address limit would be the
                # proxy's, in production; the per-person one stays on.
                "CERCLE_API_RATE_ADDRESS": "off",
                "CERCLE_ACCESS_LOG": "off",
            },
        )
        try:
            redis.start()
            stack.start(demo=True)
            accounts = people(stack, args.users)
            (root / "people.json").write_text(json.dumps(accounts))
            prefix = root / "locust"
            started = time.monotonic()
            subprocess.run(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "scaled" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    "10",
                    "--run-time",
                    f"{args.duration}s",
                    "--host",
                    f"http://127.0.0.1:{stack.web_ports[0]}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env={
                    **stack.env(),
                    "CERCLE_LOAD_PEOPLE": str(root / "people.json"),
                    "CERCLE_LOAD_ACKED": str(root / "acked.json"),
                    "CERCLE_LOAD_SERVERS": ",".join(
                        f"http://127.0.0.1:{port}" for port in stack.web_ports
                    ),
                },
                check=False,  # locust exits 1 when a request failed: judged below
            )
            elapsed = time.monotonic() - started
            rows = read_stats(prefix)
            acked = json.loads((root / "acked.json").read_text())
            lost, twice = stack.lost_and_twice([a["client_token"] for a in acked])
        except Exception:
            stack.print_logs()
            raise
        finally:
            stack.close()
            redis.stop()
    total = rows[-1]
    kinds = Counter(a["kind"] for a in acked)
    record = {
        "users": args.users,
        "duration_s": args.duration,
        "elapsed_s": round(elapsed),
        "setup": "2 web servers (cercle serve, 1 process x 3 threads each), 1 worker, "
        "PostgreSQL 15, Redis, moto S3, on 2 cores shared with locust",
        "data": "the demo company (300 people)",
        "acknowledged_writes": dict(kinds),
        "lost": lost,
        "twice": twice,
        "routes": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load-scaled.json").write_text(json.dumps(record, indent=2) + "\n")
    lines = [
        f"# Load: {args.users} simulated employees for {args.duration} s on the scaled mode",
        "",
        f"{record['setup']}; {record['data']}. Mix: feed 60 %, search 10 %, post 10 %, "
        "comment 8 %, reaction 7 %, notifications 5 %; 1-3 s between actions.",
        "",
        f"Acknowledged writes: {dict(kinds)}; lost: {lost}; twice: {twice}.",
        "",
        "| route | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {r['route']} | {r['requests']} | {r['failures']} | {r['rps']} | "
            f"{r['p50_ms']:g} | {r['p95_ms']:g} | {r['p99_ms']:g} | {r['max_ms']:g} |"
            for r in rows
        ),
        "",
        "![p50, p95, p99 per route](load-scaled.svg)",
        "",
    ]
    (RESULTS / "load-scaled.md").write_text("\n".join(lines))
    chart(
        rows,
        f"{args.users} employees, {args.duration} s: latency per route",
        RESULTS / "load-scaled.svg",
    )
    print("\n".join(lines))
    ok = total["failures"] == 0 and lost == 0 and twice == 0 and total["requests"] > 0
    print(
        f"load: {'PASS' if ok else 'FAIL'}: {total['requests']} requests, {total['failures']} "
        f"errors, {total['rps']} req/s; {len(acked)} acknowledged writes, {lost} lost, "
        f"{twice} twice"
    )
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
