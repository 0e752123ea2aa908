"""bench/budgets.py: the figures a closing note quotes are checked, and a miss is reported."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location(
    "bench_budgets", Path(__file__).resolve().parents[2] / "bench" / "budgets.py"
)
assert _spec is not None and _spec.loader is not None
budgets = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = budgets  # dataclasses look their module up there
_spec.loader.exec_module(budgets)


def _record(posts: int, endpoint: str, kind: str, **figures: float) -> dict[str, Any]:
    record = {"db": "sqlite", "users": 10_000, "posts": posts, "endpoint": endpoint, "kind": kind}
    return record | {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0} | figures


def _all_met() -> list[dict[str, Any]]:
    big, small = 1_000_000, 100_000
    return [
        _record(big, "feed_api_page1", "warm", p50_ms=4.0, p99_ms=9.0),
        _record(small, "feed_api_page1", "warm", p50_ms=3.5),
        _record(big, "framework_floor", "floor", p50_ms=1.5),
        _record(big, "db_floor_feed", "floor", p50_ms=1.0),
        _record(big, "post_create", "warm", p50_ms=11.0),
        _record(big, "load_feed_api_page1", "load c=8", rps=300.0, p99_ms=60.0),
        _record(big, "search_api", "warm", p95_ms=30.0),
        _record(big, "experts_api", "warm", p95_ms=90.0),
        _record(big, "experts_api_region", "warm", p95_ms=50.0),
        _record(big, "feed_html_page1", "warm", p50_ms=7.0, compressed_kb=14.0),
        _record(big, "hashtag_page", "warm", p50_ms=9.0),
        _record(big, "hashtag_api", "warm", p50_ms=5.0),
        _record(big, "community_page", "warm", p50_ms=10.0),
        _record(big, "community_stream", "warm", p50_ms=6.0),
        _record(big, "profile_page", "warm", p50_ms=11.0),
        _record(big, "profile_stream", "warm", p50_ms=6.0),
        _record(big, "search_html", "warm", p95_ms=40.0),
        _record(big, "load_post_create", "load c=8", p99_ms=80.0),
        *(_record(big, page, "warm", p50_ms=9.0) for page in budgets.OTHER_PAGES),
        _record(big, "experts_page", "warm", p95_ms=120.0),
        _record(big, "library_page", "warm", p50_ms=9.0),
        _record(big, "document_page", "warm", p50_ms=9.0),
        _record(big, "document_search_html", "warm", p95_ms=40.0),
        _record(big, "document_search_api", "warm", p95_ms=30.0),
        _record(big, "document_upload_5mb", "warm", p50_ms=60.0),
        _record(0, "pdf_300_pages_read", "background", p50_ms=2900.0, peak_mb=300.0),
    ]


def _run(
    tmp_path: Path, data: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    path = tmp_path / "latest.json"
    path.write_text(json.dumps(data))
    status = budgets.main([str(path)])
    return status, capsys.readouterr().out


def test_every_budget_met(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _run(tmp_path, _all_met(), capsys)
    assert status == 0
    assert "Every budget is met." in out
    assert (
        "| sqlite | feed p50 / (framework floor + database floor) | 1.60 x | ≤ 2 x | yes |" in out
    )
    assert "| sqlite | feed p50 at 1,000,000 / at 100,000 posts | 1.14 x | ≤ 1.3 x | yes |" in out


@pytest.mark.parametrize(
    ("endpoint", "kind", "figures", "line"),
    [
        (
            "search_api",
            "warm",
            {"p95_ms": 50.01},
            "| sqlite | search (API) p95 | 50.01 ms | ≤ 50 ms | **no** |",
        ),
        (
            "load_feed_api_page1",
            "load c=8",
            {"rps": 239.9, "p99_ms": 60.0},
            "| sqlite | load: feed page 1 at c=8 | 239.90 req/s | ≥ 240 req/s | **no** |",
        ),
        (
            "feed_api_page1",
            "warm",
            {"p50_ms": 5.0, "p99_ms": 9.0},
            "| sqlite | feed p50 at 1,000,000 / at 100,000 posts | 1.43 x | ≤ 1.3 x | **no** |",
        ),
    ],
)
def test_a_missed_budget_fails(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    endpoint: str,
    kind: str,
    figures: dict[str, float],
    line: str,
) -> None:
    data = [
        r | figures if (r["posts"], r["endpoint"], r["kind"]) == (1_000_000, endpoint, kind) else r
        for r in _all_met()
    ]
    status, out = _run(tmp_path, data, capsys)
    assert status == 1
    assert line in out
    assert "Some budgets are not met" in out


def test_a_missing_measurement_is_not_met(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = [r for r in _all_met() if r["endpoint"] != "experts_api"]
    status, out = _run(tmp_path, data, capsys)
    assert status == 1
    assert "| sqlite | Qui sait ? (API) p95 | missing | ≤ 150 ms | **not measured** |" in out


def test_no_results_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert budgets.main([str(tmp_path / "absent.json")]) == 2
    assert "run `make bench` first" in capsys.readouterr().err
