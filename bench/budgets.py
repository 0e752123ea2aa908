"""Check the measured figures against the budgets of the feed (#4), search (#5) and pages (#19).

    python bench/budgets.py [results/latest.json] [--posts 1000000]

Reads the records that ``run.py`` and ``load.py`` wrote and prints one line
per budget and database: the figure, the limit, and whether it is met.  A
budget whose records are missing is reported as such, never as met.  The exit
status is 1 when a budget is not met or cannot be checked, so a script can
rely on it.  No Django, no database: only the JSON file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
SCALE = 1_000_000  # the budgets are stated for 10,000 people and 1M posts
SMALL = 100_000  # the scale the growth budget compares with

Records = dict[tuple[str, int, str, str], dict[str, Any]]  # (db, posts, endpoint, kind)


@dataclass(frozen=True, slots=True)
class Check:
    budget: str
    figure: float | None  # None: the records it needs are missing
    limit: float
    at_most: bool = True  # False: the figure must be at least the limit
    unit: str = "ms"

    @property
    def met(self) -> bool:
        if self.figure is None:
            return False
        return self.figure <= self.limit if self.at_most else self.figure >= self.limit


def _get(records: Records, db: str, posts: int, endpoint: str, kind: str, key: str) -> Any:
    record = records.get((db, posts, endpoint, kind))
    return None if record is None else record.get(key)


def checks(records: Records, db: str, posts: int = SCALE) -> list[Check]:
    """Every budget of the issues, for one database."""

    def get(endpoint: str, kind: str, key: str, at: int = posts) -> Any:
        return _get(records, db, at, endpoint, kind, key)

    def derived(compute: Callable[..., float], *values: Any) -> float | None:
        return None if any(v is None for v in values) else round(compute(*values), 2)

    feed_p50 = get("feed_api_page1", "warm", "p50_ms")
    framework = get("framework_floor", "floor", "p50_ms")
    database = get("db_floor_feed", "floor", "p50_ms")
    small_p50 = get("feed_api_page1", "warm", "p50_ms", SMALL)
    return [
        Check("feed page 1 (API) p50", feed_p50, 15),
        Check("feed page 1 (API) p99", get("feed_api_page1", "warm", "p99_ms"), 50),
        Check(
            "feed p50 / (framework floor + database floor)",
            derived(lambda f, a, b: f / (a + b), feed_p50, framework, database),
            2,
            unit="x",
        ),
        Check(
            f"feed p50 at {posts:,} / at {SMALL:,} posts",
            derived(lambda big, small: big / small, feed_p50, small_p50),
            1.3,
            unit="x",
        ),
        Check("post creation p50", get("post_create", "warm", "p50_ms"), 15),
        Check(
            "load: feed page 1 at c=8",
            get("load_feed_api_page1", "load c=8", "rps"),
            240,
            at_most=False,
            unit="req/s",
        ),
        Check(
            "load: feed page 1 at c=8, p99", get("load_feed_api_page1", "load c=8", "p99_ms"), 100
        ),
        Check("search (API) p95", get("search_api", "warm", "p95_ms"), 50),
        Check("Qui sait ? (API) p95", get("experts_api", "warm", "p95_ms"), 150),
        Check("Qui sait ? in a region (API) p95", get("experts_api_region", "warm", "p95_ms"), 150),
        # #19: a page costs at most twice the same data through the API, and 15 ms.
        *(
            check
            for page, api in PAGES
            for check in (
                Check(f"{page} p50", get(page, "warm", "p50_ms"), 15),
                Check(
                    f"{page} p50 / {api} p50",
                    derived(
                        lambda a, b: a / b,
                        get(page, "warm", "p50_ms"),
                        get(api, "warm", "p50_ms"),
                    ),
                    2,
                    unit="x",
                ),
            )
        ),
        Check("search page p95", get("search_html", "warm", "p95_ms"), 50),
        # Every other page a person sees: 15 ms, as the pages above.
        *(Check(f"{page} p50", get(page, "warm", "p50_ms"), 15) for page in OTHER_PAGES),
        Check("Qui sait ? page p95", get("experts_page", "warm", "p95_ms"), 150),
        Check(
            "feed page, compressed",
            get("feed_html_page1", "warm", "compressed_kb"),
            40,
            unit="kB",
        ),
        Check(
            "load: post creation at c=8, p99", get("load_post_create", "load c=8", "p99_ms"), 100
        ),
        # #21: libraries.
        Check("library page, 1,000 documents, p50", get("library_page", "warm", "p50_ms"), 15),
        Check("document page, 50 versions, p50", get("document_page", "warm", "p50_ms"), 15),
        Check(
            "search in documents' text (page) p95",
            get("document_search_html", "warm", "p95_ms"),
            50,
        ),
        Check(
            "search in documents' text (API) p95",
            get("document_search_api", "warm", "p95_ms"),
            50,
        ),
        Check("upload of a 5 MB PDF p50", get("document_upload_5mb", "warm", "p50_ms"), 150),
        Check(
            "a 300-page PDF read and pictured",
            _seconds(_get(records, db, 0, "pdf_300_pages_read", "background", "p50_ms")),
            30,
            unit="s",
        ),
        Check(
            "... its peak memory",
            _get(records, db, 0, "pdf_300_pages_read", "background", "peak_mb"),
            1024,
            unit="MiB",
        ),
    ]


def _seconds(ms: float | None) -> float | None:
    return None if ms is None else round(ms / 1000, 2)


# The pages that have no API twin (#19: every page a person sees has a budget).
OTHER_PAGES = (
    "feed_aside",
    "post_page",
    "people_directory_page",
    "people_search_page",
    "org_chart_page",
    "followers_page",
    "communities_directory_page",
    "members_page",
    "notifications_page",
    "notification_settings_page",
    "settings_page",
    "profile_edit_page",
    "my_expertise_page",
    "references_page",
)

# Each page and the API request that gives the same data.
PAGES = (
    ("feed_html_page1", "feed_api_page1"),
    ("hashtag_page", "hashtag_api"),
    ("community_page", "community_stream"),
    ("profile_page", "profile_stream"),
)


def report(path: Path, posts: int) -> tuple[str, bool]:
    """The Markdown table of every budget, and whether all are met."""
    data = json.loads(path.read_text())
    records: Records = {(r["db"], r["posts"], r["endpoint"], r["kind"]): r for r in data}
    lines = [
        "| db | budget | measured | limit | met |",
        "|---|---|---:|---:|---|",
    ]
    every = True
    for db in sorted({r["db"] for r in data}):
        for check in checks(records, db, posts):
            every = every and check.met
            figure = "missing" if check.figure is None else f"{check.figure:.2f} {check.unit}"
            sign = "≤" if check.at_most else "≥"
            verdict = (
                "yes" if check.met else "**no**" if check.figure is not None else "**not measured**"
            )
            lines.append(
                f"| {db} | {check.budget} | {figure} | {sign} {check.limit:g} {check.unit} "
                f"| {verdict} |"
            )
    return "\n".join(lines), every


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=RESULTS)
    parser.add_argument("--posts", type=int, default=SCALE, help="The scale to check.")
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"{args.path}: no results; run `make bench` first", file=sys.stderr)
        return 2
    table, every = report(args.path, args.posts)
    print(table)
    print("\nEvery budget is met." if every else "\nSome budgets are not met (or not measured).")
    return 0 if every else 1


if __name__ == "__main__":
    sys.exit(main())
