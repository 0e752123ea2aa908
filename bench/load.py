"""Load test: Cercle's production server under concurrent requests, from another process.

    python bench/load.py [--duration 20] [--workers 2] [--label 1M] [--append]

It starts the deployment command itself — ``cercle serve --workers N``
(granian, ASGI, N processes) on a free loopback port, against the database
``DATABASE_URL`` names (SQLite under ``CERCLE_DATA_DIR`` by default) — then
drives it with ``wrk`` (a separate, native load generator: ``apt-get install
wrk``), at concurrency 1 and 8:

- ``load_feed_api_page1``: ``GET /api/v1/feed`` for 20 typical viewers in turn;
- ``load_post_create``: ``POST /api/v1/posts`` with 2 @mentions and 2 #hashtags.

Requests authenticate with personal access tokens (``Authorization: Bearer``),
created for the run and revoked after it; the posts created are deleted.
Both ends share this machine's two cores, so the figures include the load
generator's own CPU use.  Each record gives requests per second (``rps``)
and wrk's latency percentiles; they go to ``results/latest.json`` and
``results/latest.md`` next to the in-process latency records (``--append``).
"""

# Django must be set up before the models are imported.

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import connection
from django.db.models import Count
from run import RESULTS, Record, markdown, write  # also sets Django up
from server import free_port, start_server

from cercle.accounts.models import ApiToken, User
from cercle.accounts.services import api_token_create
from cercle.follows.models import Follow
from cercle.posts.models import Post

VIEWERS = 20

LUA = r"""
local tokens = {%(tokens)s}
local handles = {%(handles)s}
local tags = {%(tags)s}
local method = "%(method)s"
local n = 0
request = function()
  n = n + 1
  local i = n %% #tokens + 1
  local headers = {["Authorization"] = "Bearer " .. tokens[i]}
  if method == "GET" then
    return wrk.format("GET", "/api/v1/feed", headers)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local a = handles[(i %% #handles) + 1]
  local b = handles[((i + 1) %% #handles) + 1]
  local body = "body=Charge+" .. n .. "%%3A+merci+%%40" .. a .. "+et+%%40" .. b
    .. "+pour+le+point+%%23benchmark+%%23" .. tags[(n %% #tags) + 1]
  return wrk.format("POST", "/api/v1/posts", headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %%d, "duration_us": %%d, "errors": %%d, "non2xx": %%d, '
    .. '"p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def lua_list(values: list[str]) -> str:
    return ", ".join(json.dumps(v) for v in values)


def wrk(port: int, script: Path, connections: int, duration: int) -> dict[str, int]:
    out = subprocess.run(  # noqa: S603 - wrk from PATH, fixed arguments
        [
            shutil.which("wrk") or "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result: dict[str, int] = json.loads(line.removeprefix("RESULT "))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="Seconds per measurement.")
    parser.add_argument("--workers", type=int, default=2, help="cercle serve --workers")
    parser.add_argument("--label", default="")
    parser.add_argument("--append", action="store_true", help="Keep the other records.")
    parser.add_argument(
        "--only",
        default="",
        help="Comma-separated endpoints, e.g. load_feed_api_page1 (nothing is saved).",
    )
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    viewer_ids = list(
        Follow.objects.values("follower_id")
        .annotate(n=Count("id"))
        .order_by("-n", "follower_id")
        .values_list("follower_id", flat=True)[: VIEWERS * 5]
    )[::5]
    viewers = list(User.objects.filter(pk__in=viewer_ids).order_by("pk"))
    if not viewers:
        raise SystemExit("No data: run bench/generate.py first.")
    tags = ["qualite", "veille", "securite", "innovation"]
    tokens = [api_token_create(user=v, name="bench load").secret for v in viewers]
    last_post = Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    base = {
        "db": connection.vendor,
        "users": User.objects.count(),
        "posts": Post.objects.count(),
        "label": args.label,
    }
    connection.close()  # the server's processes must not share this connection

    port = free_port()
    server = start_server(port, args.workers)
    records: list[Record] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            scripts = {}
            for method in ("GET", "POST"):
                scripts[method] = Path(tmp) / f"{method}.lua"
                scripts[method].write_text(
                    LUA
                    % {
                        "tokens": lua_list(tokens),
                        "handles": lua_list([v.handle for v in viewers]),
                        "tags": lua_list(tags),
                        "method": method,
                    }
                )
            wrk(port, scripts["GET"], 8, 5)  # warm-up: both processes, caches, statements
            for endpoint, method in (("load_feed_api_page1", "GET"), ("load_post_create", "POST")):
                if only and endpoint not in only:
                    continue
                for connections in (1, 8):
                    result = wrk(port, scripts[method], connections, args.duration)
                    if result["errors"] or result["non2xx"]:
                        raise SystemExit(f"{endpoint} c={connections}: failed requests {result}")
                    rps = result["requests"] / (result["duration_us"] / 1e6)
                    records.append(
                        Record(
                            **base,
                            endpoint=endpoint,
                            samples=result["requests"],
                            p50_ms=round(result["p50"] / 1000, 2),
                            p95_ms=round(result["p95"] / 1000, 2),
                            p99_ms=round(result["p99"] / 1000, 2),
                            max_ms=round(result["max"] / 1000, 2),
                            queries=0,
                            kind=f"load c={connections}",
                            rps=round(rps, 1),
                        )
                    )
                    print(
                        f"{endpoint:>20} c={connections}: {rps:7.1f} req/s  "
                        f"p50 {records[-1].p50_ms:6.2f} ms  p99 {records[-1].p99_ms:6.2f} ms",
                        flush=True,
                    )
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)  # granian gives its processes 30 s
        except subprocess.TimeoutExpired:
            server.kill()
        Post.objects.filter(pk__gt=last_post, body__startswith="Charge ").delete()
        ApiToken.objects.filter(name="bench load").delete()
    if only:
        return
    write(records, args.append)
    print(markdown([r.__dict__ for r in records]))
    print(f"Saved in {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
