"""Latency benchmark: Cercle's read and write paths, through the real HTTP stack.

    python bench/run.py [--samples 1000] [--warmup 100] [--label 1M] [--append]

It runs in-process with Django's test ``Client``: each request goes through
the whole middleware stack (sessions, authentication, CSRF, locale,
WhiteNoise), the URL resolver, the view or the Ninja endpoint and the
templates, against the database ``DATABASE_URL`` names (SQLite by default),
but without a socket — the load test (``bench/load.py``) covers the server.

For each endpoint: one cold request first (a fresh process, before the
database is pre-warmed), then a warm-up, then ``--samples`` timed requests
rotating over 20 viewers; p50/p95/p99/max and the number of SQL queries per
request are recorded.  Two floors are measured in the same run: the
*framework floor* (an authenticated no-op JSON endpoint) and the *database
floor* (the feed's own SQL run directly, its plan saved next to the results).
Feed figures are also given as a ratio to the sum of both floors.

Results: one record per measurement in ``bench/results/latest.json`` (with
``--append``, records of other databases/scales are kept) and a Markdown
table in ``bench/results/latest.md``.
"""

# Django must be set up before the models are imported.
# ruff: noqa: E402

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cercle.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# One person sends every request of the bench: the API's rate limits stay on (their
# cost is measured) but high enough never to refuse one.
os.environ.setdefault("CERCLE_API_RATE_PERSON", "10000000/hour")
os.environ.setdefault("CERCLE_API_RATE_ADDRESS", "10000000/hour")
# No access log line per request: writing 30,000 lines to this terminal is not what
# a request costs (a deployment's log shipping is its own); the metrics still run.
os.environ.setdefault("CERCLE_ACCESS_LOG", "0")

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.models import Count
from django.test import Client

from cercle.accounts.models import Region, User
from cercle.communities.models import Community, CommunityKind, Membership
from cercle.documents.models import Document
from cercle.feed.selectors import feed, page_sql
from cercle.follows.models import Follow
from cercle.posts.models import Hashtag, Post, PostHashtag

RESULTS = REPO / "bench" / "results"
VIEWERS = 20
# Search: French and English, a very common word, rare terms, a phrase, an exclusion.
SEARCHES = (
    "qualité",  # very common: in a quarter of the entries
    "appel d'offres",
    "mémoire technique",
    '"retour d\'expérience"',
    "soudure orbitale",  # rare: about one post in 2,000
    "kubernetes",
    "maintenance contract",
    "quarterly results",
    "formation -sécurité",
    "planning trimestre",
)
# Qui sait ?: declared skills, written evidence, both, English, nothing declared.
SUBJECTS = (
    "appel d'offres ferroviaire",
    "soudure",
    "kubernetes",
    "qualité",
    "maintenance prédictive",
    "cloud migration",
    "python",
    "recrutement",
    "négociation grands comptes",
    "thermographie",
)


@dataclass
class Record:
    db: str
    users: int
    posts: int
    endpoint: str
    samples: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    queries: int
    kind: str = "warm"  # "warm", "cold" or "floor"
    ratio_to_floor: float | None = None
    label: str = ""
    rps: float | None = None  # requests per second (load test records, bench/load.py)
    peak_mb: float | None = None  # a background job's peak memory (resident), in MiB
    compressed_kb: float | None = None  # what one response weighs on the wire (gzip)


def json_of(response: Any) -> Any:
    """A JSON answer, decompressed (the bench's clients accept gzip, as browsers do)."""
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return json.loads(content)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarise(name: str, times: list[float], queries: int, base: dict[str, Any]) -> Record:
    return Record(
        endpoint=name,
        samples=len(times),
        p50_ms=round(statistics.median(times), 3),
        p95_ms=round(percentile(times, 95), 3),
        p99_ms=round(percentile(times, 99), 3),
        max_ms=round(max(times), 3),
        queries=queries,
        **base,
    )


# The library's search: words of the documents' text, a file name, a phrase.
DOCUMENT_SEARCHES = (
    "contrat cadre",
    "qualité",
    "planning",
    "livré",
    '"contrat cadre"',
    "rapport -qualité",
)


def big_pdf(size: int) -> bytes:
    """A real PDF of about ``size`` bytes (a picture of noise does not compress)."""
    import io

    from fpdf import FPDF
    from PIL import Image

    side = int((size / 3) ** 0.5)
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    picture = io.BytesIO()
    noise.save(picture, "PNG", compress_level=0)
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(0, 10, "Offre type maintenance - annexe photographique")
    document.image(io.BytesIO(picture.getvalue()), x=10, y=30, w=180)
    return bytes(document.output())


def long_pdf(pages: int) -> bytes:
    from fpdf import FPDF

    document = FPDF()
    document.set_font("helvetica", size=11)
    line = "Procédure de maintenance préventive des installations, contrôle et rapport. "
    for number in range(1, pages + 1):
        document.add_page()
        document.multi_cell(0, 6, f"Page {number}. " + line * 12)
    return bytes(document.output())


def time_reading(pages: int) -> Record:
    """One read of a ``pages``-page PDF as the worker does it (a child process, every page
    pictured): its wall time, and the peak resident memory of the children of this process."""
    import resource
    import tempfile

    from cercle.core import sandbox

    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "long.pdf"
        source.write_bytes(long_pdf(pages))
        out = Path(work) / "out"
        out.mkdir()
        start = time.perf_counter()
        result = sandbox.run(
            source, kind="pdf", content_type="application/pdf", out=out, pictures=True
        )
        elapsed = (time.perf_counter() - start) * 1000
        pictured = sum(1 for page in result.pages if page.image)
    if result.problem or pictured != pages:
        raise SystemExit(f"reading a {pages}-page PDF failed: {result.problem or pictured}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return Record(
        db=connection.vendor, users=0, posts=0, endpoint=f"pdf_{pages}_pages_read",
        samples=1, p50_ms=round(elapsed, 1), p95_ms=round(elapsed, 1), p99_ms=round(elapsed, 1),
        max_ms=round(elapsed, 1), queries=0, kind="background", peak_mb=round(peak_mb, 1),
    )  # fmt: skip


@dataclass
class Scene:
    viewers: list[User]
    clients: list[Client]
    communities: list[Community]
    hashtags: list[str]
    profiles: list[int]


def choose_scene() -> Scene:
    """Typical viewers (the most-following people), readable communities, used tags."""
    viewer_ids = list(
        Follow.objects.values("follower_id")
        .annotate(n=Count("id"))
        .order_by("-n", "follower_id")
        .values_list("follower_id", flat=True)[: VIEWERS * 5]
    )[::5] or list(User.objects.order_by("pk").values_list("pk", flat=True)[:VIEWERS])
    viewers = list(User.objects.filter(pk__in=viewer_ids).order_by("pk"))
    clients = []
    for viewer in viewers:
        # As browsers and apps do: every answer may come compressed, and its cost is counted.
        client = Client(headers={"accept-encoding": "gzip, deflate, br"})
        client.force_login(viewer)
        clients.append(client)
    communities = list(
        Community.objects.filter(kind=CommunityKind.OPEN).order_by("-member_count")[:5]
    )
    tags = list(
        PostHashtag.objects.values("hashtag__key")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("hashtag__key", flat=True)[:5]
    ) or list(Hashtag.objects.values_list("key", flat=True)[:5])
    profiles = list(
        Post.objects.values("author_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("author_id", flat=True)[:5]
    )
    return Scene(viewers, clients, communities, tags, profiles)


def prewarm() -> None:
    """Read the tables once: this machine evicts the page cache aggressively."""
    tables = [m._meta.db_table for m in (Post, PostHashtag, Follow, User, Community)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            except DatabaseError:
                print("pg_prewarm is not available: warming with full scans")
            else:
                cursor.execute(
                    "SELECT pg_prewarm(c.oid) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"
                )
                return
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        for path in (name, Path(f"{name}-wal")):
            if path.exists():
                with path.open("rb") as handle:
                    while handle.read(1 << 24):
                        pass


def time_requests(call: Callable[[int], Any], samples: int, warmup: int) -> tuple[list[float], int]:
    for i in range(warmup):
        call(i)
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call(0)
    times = []
    for i in range(samples):
        start = time.perf_counter()
        response = call(i)
        times.append((time.perf_counter() - start) * 1000)
        if response is not None and getattr(response, "status_code", 200) >= 400:
            raise SystemExit(f"request failed: {response.status_code} {response.content[:300]!r}")
    return times, len(executed)


def db_floor(scene: Scene, samples: int, label: str) -> tuple[list[float], str]:
    """The feed's first-page SQL, timed directly, and its query plan."""
    plans = []
    compiled = []
    for viewer in scene.viewers:
        query = page_sql(viewer)  # exactly what GET /api/v1/feed runs for page 1
        if query is None:
            raise SystemExit("the feed's page SQL could not be compiled")
        compiled.append((query[0], tuple(query[1])))
    times = []
    with connection.cursor() as cursor:
        for i in range(samples):
            sql, params = compiled[i % len(compiled)]
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
        sql, params = compiled[0]
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plans = [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
    plan = (
        f"-- {connection.vendor}, {label}\n{sql % tuple(repr(p) for p in params)}\n\n"
        + "\n".join(plans)
    )
    return times, plan


def db_floor_all(scene: Scene, samples: int) -> tuple[list[float], int]:
    """Every statement a feed page runs (page, cards, files, praise, reactions), replayed.

    The statements are captured from ``feed`` — what ``GET /api/v1/feed``
    calls after authentication — then executed directly, one viewer's set per
    sample: the database's share of a feed request, without any Python around it.
    """
    sets: list[list[tuple[str, Any]]] = []
    for viewer in scene.viewers:
        captured: list[tuple[str, Any]] = []

        def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            captured.append((sql, params))  # noqa: B023 - used at once, in this iteration
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            feed(viewer=viewer)
        sets.append(captured)
    times = []
    with connection.cursor() as cursor:
        for i in range(samples):
            start = time.perf_counter()
            for sql, params in sets[i % len(sets)]:
                cursor.execute(sql, params)
                cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return times, len(sets[0])


def run(samples: int, warmup: int, label: str, only: set[str] | None = None) -> list[Record]:
    # A dataset generated by an earlier version of the code gets its tables first.
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `cercle serve` does
    if connection.vendor == "postgresql":
        # Each run creates and deletes a thousand posts (their mentions, notifications,
        # search entries): left as dead rows, they slowed the next run's pages by up to
        # half before autovacuum came by.  A run starts from a vacuumed database.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    users, posts = User.objects.count(), Post.objects.count()
    base = {"db": connection.vendor, "users": users, "posts": posts, "label": label}
    scene = choose_scene()
    if not scene.viewers:
        raise SystemExit("No data: run bench/generate.py first.")
    n = len(scene.clients)

    def client(i: int) -> Client:
        return scene.clients[i % n]

    # The first request of this process, before anything else touched the feed.
    start = time.perf_counter()
    scene.clients[0].get("/api/v1/feed")
    cold = summarise(
        "feed_api_page1", [(time.perf_counter() - start) * 1000], 0, {**base, "kind": "cold"}
    )

    # Cursors for page 10 and "since" markers, fetched before timing.
    page10: list[str] = []
    since: list[str] = []
    read: list[int] = []  # a post each viewer reads in their feed, for its own page
    for c in scene.clients:
        cursor = None
        first = json_of(c.get("/api/v1/feed"))
        since.append(first["since"])
        read.append(max(first["items"], key=lambda item: item["comment_count"])["id"])
        for _ in range(9):
            data = json_of(c.get("/api/v1/feed", {"cursor": cursor} if cursor else {}))
            cursor = data["next_cursor"] or cursor
        page10.append(cursor or "")

    created: list[int] = []
    # Libraries: the one with most documents at its top, the longest history, a member.
    library = (
        Document.objects.filter(folder__isnull=True)
        .values("community__slug", "community_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    long_history = Document.objects.order_by("-version_count", "pk").first()
    if library is None or long_history is None:
        raise SystemExit("No library documents: run bench/generate.py again (--documents).")
    librarian = Client(headers={"accept-encoding": "gzip, deflate, br"})
    librarian.force_login(
        User.objects.get(
            pk=Membership.objects.filter(community_id=library["community_id"])
            .order_by("pk")
            .values_list("user_id", flat=True)[0]
        )
    )
    upload = big_pdf(5 * 1024 * 1024)
    uploaded: list[int] = []

    def add_document(i: int) -> Any:
        response = librarian.post(
            f"/api/v1/communities/{library['community__slug']}/library/documents",
            {"file": SimpleUploadedFile(f"Annexe {i}.pdf", upload, "application/pdf")},
        )
        if response.status_code == 201:
            uploaded.append(json_of(response)["id"])
        return response

    regions = list(Region.objects.order_by("name").values_list("key", flat=True)) or [""]

    def create(i: int) -> Any:
        other = scene.viewers[(i + 1) % n]
        third = scene.viewers[(i + 2) % n]
        body = (
            f"Bench {i}: merci @{other.handle} et @{third.handle} pour le point "
            f"#benchmark #{scene.hashtags[i % len(scene.hashtags)] if scene.hashtags else 'veille'}"
        )
        response = client(i).post("/api/v1/posts", {"body": body})
        if response.status_code == 201:
            created.append(json_of(response)["id"])
        return response

    endpoints: list[tuple[str, Callable[[int], Any]]] = [
        ("framework_floor", lambda i: client(i).get("/api/v1/ping")),
        ("feed_api_page1", lambda i: client(i).get("/api/v1/feed")),
        ("feed_html_page1", lambda i: client(i).get("/")),
        ("feed_api_page10", lambda i: client(i).get("/api/v1/feed", {"cursor": page10[i % n]})),
        (
            "community_stream",
            lambda i: client(i).get(
                f"/api/v1/communities/{scene.communities[i % len(scene.communities)].slug}/posts"
            ),
        ),
        (
            "profile_stream",
            lambda i: client(i).get(
                f"/api/v1/people/{scene.profiles[i % len(scene.profiles)]}/posts"
            ),
        ),
        (
            "hashtag_page",
            lambda i: client(i).get(f"/tags/{scene.hashtags[i % len(scene.hashtags)]}/"),
        ),
        (
            "hashtag_api",
            lambda i: client(i).get(
                f"/api/v1/hashtags/{scene.hashtags[i % len(scene.hashtags)]}/posts"
            ),
        ),
        (
            "community_page",
            lambda i: client(i).get(
                f"/communities/{scene.communities[i % len(scene.communities)].slug}/"
            ),
        ),
        (
            "profile_page",
            lambda i: client(i).get(f"/people/{scene.profiles[i % len(scene.profiles)]}/"),
        ),
        (
            "new_since_count",
            lambda i: client(i).get("/api/v1/feed/new-count", {"since": since[i % n]}),
        ),
        ("post_create", create),
        (
            "search_api",
            lambda i: client(i).get("/api/v1/search", {"q": SEARCHES[i % len(SEARCHES)]}),
        ),
        (
            "search_html",
            lambda i: client(i).get("/search/", {"q": SEARCHES[i % len(SEARCHES)]}),
        ),
        # Every other page a person sees (#19: each has a row and a budget).
        ("feed_aside", lambda i: client(i).get("/feed/aside/")),
        ("post_page", lambda i: client(i).get(f"/posts/{read[i % n]}/")),
        ("people_directory_page", lambda i: client(i).get("/people/")),
        (
            "people_search_page",
            lambda i: client(i).get("/people/", {"q": SUBJECTS[i % len(SUBJECTS)]}),
        ),
        (
            "org_chart_page",
            lambda i: client(i).get(f"/people/{scene.profiles[i % len(scene.profiles)]}/org/"),
        ),
        (
            "followers_page",
            lambda i: client(i).get(
                f"/people/{scene.profiles[i % len(scene.profiles)]}/followers/"
            ),
        ),
        ("communities_directory_page", lambda i: client(i).get("/communities/")),
        (
            "members_page",
            lambda i: client(i).get(
                f"/communities/{scene.communities[i % len(scene.communities)].slug}/members/"
            ),
        ),
        ("notifications_page", lambda i: client(i).get("/notifications/")),
        ("notification_settings_page", lambda i: client(i).get("/notifications/settings/")),
        ("settings_page", lambda i: client(i).get("/settings/")),
        (
            "profile_edit_page",
            lambda i: client(i).get(f"/people/{scene.viewers[i % n].pk}/edit/"),
        ),
        ("my_expertise_page", lambda i: client(i).get("/experts/me/")),
        (
            "experts_page",
            lambda i: client(i).get("/experts/", {"q": SUBJECTS[i % len(SUBJECTS)]}),
        ),
        (
            "experts_api",
            lambda i: client(i).get("/api/v1/experts", {"q": SUBJECTS[i % len(SUBJECTS)]}),
        ),
        (
            "library_page",
            lambda i: librarian.get(f"/communities/{library['community__slug']}/documents/"),
        ),
        ("document_page", lambda i: client(i).get(f"/documents/{long_history.pk}/")),
        ("references_page", lambda i: client(i).get("/documents/references/")),
        (
            "document_search_html",
            lambda i: client(i).get(
                "/search/", {"q": DOCUMENT_SEARCHES[i % len(DOCUMENT_SEARCHES)], "tab": "documents"}
            ),
        ),
        (
            "document_search_api",
            lambda i: client(i).get(
                "/api/v1/search",
                {"q": DOCUMENT_SEARCHES[i % len(DOCUMENT_SEARCHES)], "type": "documents"},
            ),
        ),
        ("document_upload_5mb", add_document),
        (
            "experts_api_region",
            lambda i: client(i).get(
                "/api/v1/experts",
                {"q": SUBJECTS[i % len(SUBJECTS)], "region": regions[i % len(regions)]},
            ),
        ),
    ]
    records: list[Record] = [cold]
    prewarm()
    for name, call in endpoints:
        if only and name not in only and name != "framework_floor":
            continue
        times, queries = time_requests(call, samples, warmup)
        kind = "floor" if name == "framework_floor" else "warm"
        records.append(summarise(name, times, queries, {**base, "kind": kind}))
        if name.endswith(("_html", "_html_page1", "_page")):
            sizes = sorted(len(call(i).content) for i in range(n))  # as sent: compressed
            records[-1].compressed_kb = round(sizes[len(sizes) // 2] / 1024, 1)
        print(
            f"{name:>18}: p50 {records[-1].p50_ms:7.2f} ms  p99 {records[-1].p99_ms:7.2f} ms"
            f"  ({queries} queries)",
            flush=True,
        )
    times, plan = db_floor(scene, samples, label)
    records.append(summarise("db_floor_feed_page", times, 1, {**base, "kind": "floor"}))
    times, statements = db_floor_all(scene, samples)
    records.append(summarise("db_floor_feed", times, statements, {**base, "kind": "floor"}))
    if not only:
        (RESULTS / f"plan-{connection.vendor}-{label or posts}.txt").write_text(plan)
    floor = records[1].p50_ms + records[-1].p50_ms
    for record in records:
        if record.endpoint.startswith("feed_") and record.kind == "warm":
            record.ratio_to_floor = round(record.p50_ms / floor, 2)
    Post.objects.filter(pk__in=created).delete()  # leave the dataset as it was
    _forget_documents(uploaded)
    if not only or "pdf_300_pages_read" in only:
        records.append(time_reading(300))
        print(f"{'pdf_300_pages_read':>18}: {records[-1].p50_ms / 1000:7.2f} s, "
              f"peak {records[-1].peak_mb} MiB", flush=True)  # fmt: skip
    return records


def _forget_documents(ids: list[int]) -> None:
    """The documents the upload row added, their files and their reading tasks."""
    from django.core.files.storage import default_storage
    from django_tasks_db.models import DBTaskResult

    from cercle.documents.models import DocumentVersion

    names = list(DocumentVersion.objects.filter(document_id__in=ids).values_list("file", flat=True))
    Document.objects.filter(pk__in=ids).delete()
    for name in names:
        default_storage.delete(name)
    DBTaskResult.objects.filter(
        task_path="cercle.documents.processing.process_version", status="READY"
    ).delete()


def write(records: list[Record], append: bool) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "latest.json"
    old: list[dict[str, Any]] = []
    if append and path.exists():
        # A record replaces the one measured earlier for the same thing.
        mine = {(r.db, r.posts, r.endpoint, r.kind) for r in records}
        old = [
            r
            for r in json.loads(path.read_text())
            if (r["db"], r["posts"], r["endpoint"], r["kind"]) not in mine
        ]
    data = old + [asdict(r) for r in records]
    path.write_text(json.dumps(data, indent=2))
    (RESULTS / "latest.md").write_text(markdown(data))


def markdown(data: list[dict[str, Any]]) -> str:
    lines = [
        "| db | users | posts | endpoint | kind | samples | p50 ms | p95 ms | p99 ms | max ms "
        "| queries | p50 / floor | req/s | kB sent |",
        "|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(data, key=lambda r: (r["db"], r["posts"])):
        ratio = "" if r.get("ratio_to_floor") is None else f"{r['ratio_to_floor']:.2f}"
        rps = "" if r.get("rps") is None else f"{r['rps']:.0f}"
        queries = "" if r["kind"].startswith("load") else r["queries"]
        size = "" if r.get("compressed_kb") is None else f"{r['compressed_kb']:.1f}"
        lines.append(
            f"| {r['db']} | {r['users']:,} | {r['posts']:,} | {r['endpoint']} | {r['kind']} "
            f"| {r['samples']} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {r['max_ms']:.2f} | {queries} | {ratio} | {rps} | {size} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--label", default="", help="Names the plan file, e.g. 1M.")
    parser.add_argument("--append", action="store_true", help="Keep other databases' records.")
    parser.add_argument(
        "--only", default="", help="Comma-separated endpoints to time (a quick look; not saved)."
    )
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    records = run(args.samples, args.warmup, args.label, only)
    if only:
        print(markdown([asdict(r) for r in records]))
        return
    write(records, args.append)
    print((RESULTS / "latest.md").read_text())


if __name__ == "__main__":
    main()
