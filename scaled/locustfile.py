"""Locust: 50 simulated employees using Cercle through its API (run by ``scaled/load.py``).

Each employee signs in with a personal access token and, with one to three
seconds between actions, reads the feed (60 %), searches (10 %), posts
(10 %), comments or reacts (15 %) and opens the notifications (5 %).  Every
write carries a ``client_token``; those acknowledged (2xx) are written to
``CERCLE_LOAD_ACKED`` at the end, so that the database can be counted
afterwards: none lost, none twice.
"""

from __future__ import annotations

import json
import os
import random
import threading
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PEOPLE: list[dict[str, str]] = json.loads(Path(os.environ["CERCLE_LOAD_PEOPLE"]).read_text())
# The web servers: each employee keeps to one, as a load balancer's affinity would.
SERVERS = os.environ["CERCLE_LOAD_SERVERS"].split(",")
WORDS = ["appel d'offres", "maintenance", "SNCF", "sécurité", "planning", "client", "réunion"]
TAGS = ["#sécurité", "#innovation", "#qualité", "#client"]
EMOJI = ["like", "love", "celebrate", "idea", "done"]
ACKED: list[dict[str, str]] = []
LOCK = threading.Lock()
NEXT = iter(range(10**9))


class Employee(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        number = next(NEXT)
        person = PEOPLE[number % len(PEOPLE)]
        self.client.base_url = SERVERS[number % len(SERVERS)]
        self.client.headers["Authorization"] = f"Bearer {person['token']}"
        self.client.headers["Accept-Language"] = "fr"
        self.number = number
        self.seen: list[int] = []
        self.writes = 0

    def _acked(self, kind: str, client_token: str) -> None:
        with LOCK:
            ACKED.append({"kind": kind, "client_token": client_token})

    @task(60)
    def feed(self) -> None:
        with self.client.get("/api/v1/feed", name="feed", catch_response=True) as response:
            if response.status_code == 200:
                items = response.json()["items"]
                self.seen = [item["id"] for item in items[:10]] or self.seen
                response.success()

    @task(10)
    def search(self) -> None:
        self.client.get("/api/v1/search", params={"q": random.choice(WORDS)}, name="search")

    @task(10)
    def post(self) -> None:
        self.writes += 1
        client_token = uuid.uuid4().hex
        body = f"Charge {self.number}-{self.writes} : point d'étape {random.choice(TAGS)}"
        response = self.client.post(
            "/api/v1/posts", data={"body": body, "client_token": client_token}, name="post"
        )
        if response.status_code in (200, 201):
            self._acked("post", client_token)

    @task(8)
    def comment(self) -> None:
        if not self.seen:
            return self.feed()
        self.writes += 1
        client_token = uuid.uuid4().hex
        response = self.client.post(
            f"/api/v1/posts/{random.choice(self.seen)}/comments",
            data={"body": f"Vu, merci ({self.number}-{self.writes})", "client_token": client_token},
            name="comment",
        )
        if response.status_code in (200, 201):
            self._acked("comment", client_token)
        return None

    @task(7)
    def react(self) -> None:
        if not self.seen:
            return self.feed()
        self.client.put(
            f"/api/v1/posts/{random.choice(self.seen)}/reactions/{random.choice(EMOJI)}",
            name="reaction",
        )
        return None

    @task(5)
    def notifications(self) -> None:
        self.client.get("/api/v1/notifications", name="notifications")


@events.test_stop.add_listener  # type: ignore[untyped-decorator]  # locust: untyped
def save_acknowledged(**kwargs: Any) -> None:
    Path(os.environ["CERCLE_LOAD_ACKED"]).write_text(json.dumps(ACKED))
