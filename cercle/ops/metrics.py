"""Prometheus metrics (``/metrics``): request latency by route, task queue, live streams.

Several web processes serve one deployment: with ``PROMETHEUS_MULTIPROC_DIR``
set (an empty directory per machine, emptied at each start), each process
writes its figures to files there and whichever process answers
``/metrics`` adds them up (``prometheus_client``'s multiprocess mode).  The task queue is read from
the queue itself at each scrape, so any process gives the same answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

__all__ = [
    "CONTENT_TYPE_LATEST",
    "REQUEST_SECONDS",
    "STREAMS",
    "exposition",
    "prepare_multiprocess_directory",
]

# From 2.5 ms (a feed page is 5-10 ms) to 10 s (past any load balancer's patience).
BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "cercle_http_request_duration_seconds",
    "Time to answer a request, by route (the URL pattern), method and status class.",
    ["route", "method", "status"],
    buckets=BUCKETS,
)
STREAMS = Gauge(
    "cercle_sse_connections",
    "Live streams (/events/) open now.",
    multiprocess_mode="livesum",
)


class TaskQueueCollector(Collector):
    """The task queue's depth and the age of its oldest waiting task, read at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from cercle.tasks.stats import queue_stats

        depth = GaugeMetricFamily(
            "cercle_task_queue_depth", "Tasks waiting to run, by queue.", labels=["queue"]
        )
        age = GaugeMetricFamily(
            "cercle_task_queue_oldest_age_seconds",
            "How long the oldest task due has been waiting, by queue (0 when none).",
            labels=["queue"],
        )
        for stats in queue_stats():
            depth.add_metric([stats.queue], stats.depth)
            age.add_metric([stats.queue], stats.oldest_age)
        yield depth
        yield age


def prepare_multiprocess_directory() -> None:
    """Create ``PROMETHEUS_MULTIPROC_DIR`` empty, before the web processes start.

    ``prometheus_client`` requires it: figures left by an earlier run would be
    added to this one's.
    """
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for leftover in path.glob("*.db"):
        leftover.unlink(missing_ok=True)


LIVE_FILE = re.compile(r"^gauge_live\w+_(\d+)\.db$")


def _forget_dead_processes(directory: str) -> None:
    """Drop the live gauges of web processes that died (killed, then replaced by the server).

    Their streams ended with them; without this, ``cercle_sse_connections``
    would count them for ever.
    """
    for path in Path(directory).glob("gauge_live*.db"):
        match = LIVE_FILE.match(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
        except PermissionError:  # alive, under another user
            pass


def exposition() -> bytes:
    """The metrics in Prometheus' text format, every process of this machine included."""
    registry: Any
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        _forget_dead_processes(directory)
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped in 0.26
    else:
        registry = CollectorRegistry()
        for collector in (REQUEST_SECONDS, STREAMS):
            registry.register(collector)
    registry.register(TaskQueueCollector())
    return generate_latest(registry)
