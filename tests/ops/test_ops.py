"""Health, readiness, metrics, request ids and logs: what operators read (``cercle.ops``)."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from cercle.core.views import server_error
from cercle.ops.logs import RequestIdFilter
from cercle.ops.metrics import exposition

pytestmark = pytest.mark.django_db


def test_healthz_says_alive_without_asking_anything_else(
    client: Client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_the_storage(client: Client, settings) -> None:
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "storage"}
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())


def test_readyz_is_503_when_the_storage_cannot_be_written(
    client: Client, settings, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = blocker / "media"
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False and storage["error"]
    assert response.json()["checks"]["database"]["ok"] is True


def test_readyz_says_degraded_at_once_when_redis_does_not_answer(client: Client, settings) -> None:
    """Still ready: without Redis the site reads, posts and searches on (make chaos shows it)."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    start = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - start < 3
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["redis"] == {
        "ok": False,
        "ms": response.json()["checks"]["redis"]["ms"],
        "error": "ConnectionError",
    }


def test_metrics_count_requests_by_route_and_the_task_queue(logged_client: Client) -> None:
    from cercle.notifications.delivery import send_digests

    logged_client.get("/api/v1/feed")
    send_digests.enqueue()
    text = logged_client.get("/metrics").content.decode()
    route = 'route="api/v1/feed",status="2xx"'
    counts = re.findall(
        r"^cercle_http_request_duration_seconds_count\{method=\"GET\","
        + re.escape(route)
        + r"\} (\S+)$",
        text,
        re.MULTILINE,
    )
    assert counts and float(counts[0]) >= 1
    assert "cercle_sse_connections" in text
    depth = re.search(r'^cercle_task_queue_depth\{queue="default"\} (\S+)$', text, re.MULTILINE)
    assert depth is not None and float(depth[1]) >= 1
    assert re.search(r'^cercle_task_queue_oldest_age_seconds\{queue="default"\} ', text, re.M)


def test_metrics_are_for_this_machine_or_the_token_bearer(client: Client, settings) -> None:
    settings.CERCLE_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404
    settings.CERCLE_METRICS_TOKEN = "s3cret-scraper-token"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    bearer = {"Authorization": "Bearer s3cret-scraper-token"}
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", headers=bearer).status_code == 200
    wrong = {"Authorization": "Bearer guess"}
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", headers=wrong).status_code == 404


def test_an_unknown_path_is_one_series_not_one_per_path(client: Client) -> None:
    for i in range(3):
        client.get(f"/no/such/page/{i}/")
    text = exposition().decode()
    assert "/no/such/page" not in text
    assert 'route="(unmatched)"' in text


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_each_request_has_an_id_in_its_answer_and_its_log_line(logged_client: Client) -> None:
    kept = Kept()
    logger = logging.getLogger("cercle.request")
    logger.addHandler(kept)
    try:
        fresh = logged_client.get("/api/v1/feed")
        given = logged_client.get("/api/v1/feed", headers={"X-Request-ID": "lb-7f3a9c21"})
        forged = logged_client.get("/api/v1/feed", headers={"X-Request-ID": "x\n<script>"})
    finally:
        logger.removeHandler(kept)
    assert re.fullmatch(r"[0-9a-f]{32}", fresh["X-Request-ID"])
    assert given["X-Request-ID"] == "lb-7f3a9c21"
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])
    ids = [r.request_id for r in kept.records]  # type: ignore[attr-defined]
    assert ids == [fresh["X-Request-ID"], "lb-7f3a9c21", forged["X-Request-ID"]]
    line = kept.records[0]
    assert (line.route, line.status, line.method) == ("api/v1/feed", 200, "GET")  # type: ignore[attr-defined]
    assert line.user_id is not None and line.duration_ms > 0  # type: ignore[attr-defined]


def test_json_log_lines_carry_the_request_id(tmp_path: Path) -> None:
    code = (
        "import logging, django; django.setup();"
        "from cercle.ops.context import request_id; request_id.set('req-12345678');"
        "logging.getLogger('cercle.test').warning('Disque presque plein: %s %%', 93)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cercle.settings",
        "CERCLE_DATA_DIR": str(tmp_path),
        "CERCLE_LOG_FORMAT": "json",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    line = json.loads(out.stderr.strip().splitlines()[-1])
    assert line["message"] == "Disque presque plein: 93 %"
    assert (line["level"], line["logger"], line["request_id"]) == (
        "WARNING",
        "cercle.test",
        "req-12345678",
    )
    assert "time" in line


def test_a_bad_log_format_is_refused_at_start(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cercle.settings",
        "CERCLE_DATA_DIR": str(tmp_path),
        "CERCLE_LOG_FORMAT": "xml",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0 and "CERCLE_LOG_FORMAT must be" in out.stderr


@pytest.mark.parametrize(
    ("language", "path", "expected"),
    [
        ("fr", "/", "Cercle est momentanément indisponible"),
        ("en", "/", "Cercle is briefly unavailable"),
        ("en", "/api/v1/feed", "Cercle is briefly unavailable"),
    ],
)
def test_a_database_outage_is_a_503_to_try_again(language, path, expected) -> None:
    request = RequestFactory().get(path, headers={"accept-language": language})
    try:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    body = response.content.decode()
    assert expected in body
    if path.startswith("/api/"):
        assert json.loads(body)["error"]["code"] == "unavailable"
    else:
        assert f'<html lang="{language}">' in body and "5432" not in body


def test_other_errors_stay_500() -> None:
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500 and "Retry-After" not in response
