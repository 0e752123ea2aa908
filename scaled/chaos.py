"""``make chaos``: the scaled mode under faults, each proof checked afterwards in the database.

    python scaled/chaos.py

It starts a PostgreSQL cluster and a Redis of its own (so that stopping them
touches nothing else on the machine), an SMTP server (aiosmtpd) that can be
made slow, moto's S3 server, two web servers and a task worker
(``scaled/stack.py``), loads the demo company, then:

1. **kill -9 in a burst.** Eight writers post and comment through the API,
   each write with its ``client_token``; a write that fails (connection
   refused or reset, 5xx) is sent again, same token, to the other server.
   Web server 1 is killed with SIGKILL (its whole process tree) in the
   middle, and started again later.  Afterwards every acknowledged write is
   in the database exactly once, and none is there twice.
2. **A worker killed mid-task.** A mention is e-mailed through an SMTP
   server that takes its time; the worker is killed with SIGKILL while the
   message is in transit, then started again.  The task is taken again when
   its lease ends, and the person receives the e-mail exactly once.
3. **PostgreSQL stopped.** While it is down, pages and the API answer 503
   (JSON for the API, a translated page for HTML) within 5 s, none hangs;
   once it is back, the same servers answer 200 without a restart.
4. **Redis stopped.** Reading, posting and searching keep working; the live
   stream still opens; when Redis is back, a post written on server 1
   reaches a live stream open on server 2 (pub/sub across processes).

Prints one line per proof and exits non-zero if one fails.  Everything
listens on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import asyncio
import http.client
import http.cookiejar
import json
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scaled.stack import (
    PrivatePostgres,
    PrivateRedis,
    Stack,
    free_port,
    wait_for,
)

FAILURES: list[str] = []


def proof(name: str, ok: bool, detail: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)
    if not ok:
        FAILURES.append(name)


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float


def request(
    port: int,
    method: str,
    path: str,
    *,
    token: str = "",
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Answer:
    """One HTTP request on loopback; connection errors raise ``OSError``."""
    sent = {"Host": "127.0.0.1", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    start = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        found = {k.lower(): v for k, v in response.getheaders()}
        return Answer(response.status, content, found, time.monotonic() - start)
    finally:
        connection.close()


# --- SMTP ----------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """An SMTP server's handler: keeps what it accepted; ``slow`` seconds before answering.

    A message whose client went away before the server's final answer is not
    delivered (the client was never told it was accepted, RFC 5321 §4.1.1.4).
    """

    slow: float = 0.0
    messages: list[dict[str, str]] = field(default_factory=list)
    in_transit: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        from email import message_from_bytes, policy

        self.in_transit.set()
        if self.slow:
            await asyncio.sleep(self.slow)
        if server.transport is None or server.transport.is_closing():
            return "421 gone"  # nobody to tell: not delivered
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(
            {
                "to": str(message["To"]),
                "id": str(message["Message-ID"]),
                "subject": message["Subject"],
            }
        )
        return "250 OK"


# --- The stack -----------------------------------------------------------------------------


def setup(stack: Stack) -> dict[str, Any]:
    """Tokens, handles and e-mails of 12 demo people, and a post to comment on.

    Writers are people 0-7; person 8 is mentioned while the worker dies;
    person 9 listens to the live stream when Redis comes back, mentioned by 10.
    """
    code = """
import json
from cercle.accounts.models import User
from cercle.accounts.services import api_token_create
from cercle.posts import services as posts
people = list(User.objects.filter(is_active=True).order_by("pk")[:12])
first = posts.post_create(author=people[0], body="Le fil de la journée chaos")
print("RESULT" + json.dumps({
    "tokens": [api_token_create(user=p, name="chaos").secret for p in people],
    "handles": [p.handle for p in people],
    "emails": [p.email for p in people],
    "post": first.pk,
}))
"""
    found: dict[str, Any] = stack.shell(code)
    return found


# --- 1. kill -9 in a burst -----------------------------------------------------------------


@dataclass
class Write:
    kind: str
    client_token: str
    acked: bool = False
    attempts: int = 0


def burst(stack: Stack, data: dict[str, Any], pg: PrivatePostgres) -> None:
    ports = stack.web_ports
    writes: list[Write] = []
    lock = threading.Lock()
    stop = threading.Event()
    failed_attempts = Counter[str]()

    def writer(number: int) -> None:
        rng = random.Random(number)
        token = data["tokens"][number]
        n = 0
        while not stop.is_set():
            n += 1
            kind = "post" if rng.random() < 0.7 else "comment"
            write = Write(kind, uuid.uuid4().hex)
            with lock:
                writes.append(write)
            if kind == "post":
                path, form = "/api/v1/posts", {"body": f"Chaos {number}-{n}"}
            else:
                path, form = f"/api/v1/posts/{data['post']}/comments", {"body": f"Vu {number}-{n}"}
            form["client_token"] = write.client_token
            target = (number + n) % 2
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                write.attempts += 1
                try:
                    answer = request(ports[target], "POST", path, token=token, form=form, timeout=5)
                    if answer.status in (200, 201):
                        write.acked = True
                        break
                    failed_attempts[f"HTTP {answer.status}"] += 1
                except OSError as error:
                    failed_attempts[type(error).__name__] += 1
                target = 1 - target  # the same write, same token, to the other server
                time.sleep(0.1)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    stack.kill("web1")
    killed_at = len(writes)
    time.sleep(4)
    stack.start_web(0)
    stack.wait_web(0)
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(90)

    rows = stack.rows_by_client_token([w.client_token for w in writes])
    acked = [w for w in writes if w.acked]
    lost = [w for w in acked if rows[w.client_token] == 0]
    twice = [t for t, count in rows.items() if count > 1]
    retried = sum(1 for w in writes if w.attempts > 1)
    proof(
        "kill -9 during a burst",
        bool(acked) and not lost and not twice and len(acked) == len(writes) and retried > 0,
        f"{len(writes)} writes ({killed_at} before the kill), {len(acked)} acknowledged, "
        f"{len(lost)} lost, {len(twice)} twice; {retried} sent again after "
        f"{sum(failed_attempts.values())} failed attempts ({dict(failed_attempts)})",
    )


# --- 2. a worker killed mid-task -----------------------------------------------------------


def worker_killed(stack: Stack, data: dict[str, Any], mailbox: Mailbox) -> None:
    mailbox.slow = 4.0
    mailbox.in_transit.clear()
    before = len(mailbox.messages)
    who = data["emails"][8]
    answer = request(
        stack.web_ports[1],
        "POST",
        "/api/v1/posts",
        token=data["tokens"][0],
        form={"body": f"@{data['handles'][8]} le dossier SNCF est prêt ?"},
    )
    assert answer.status == 201, answer.body
    if not mailbox.in_transit.wait(30):
        proof("worker killed mid-task", False, "the e-mail never left")
        return
    stack.kill("worker")
    mailbox.slow = 0.0
    started = time.monotonic()
    stack.start_worker()
    wait_for(lambda: len(mailbox.messages) > before, "the e-mail after the worker's death", 90)
    delay = time.monotonic() - started
    time.sleep(8)  # a second copy would come now (lease and claim are a few seconds here)
    mine = [m for m in mailbox.messages[before:] if who in m["to"]]
    proof(
        "worker killed mid-task",
        len(mine) == 1,
        f"killed while the SMTP server held the message; sent again {delay:.1f} s later; "
        f"{len(mine)} e-mail received by {who}",
    )


# --- 3. PostgreSQL stopped -----------------------------------------------------------------


def signed_in(port: int, email: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/login/", timeout=10).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf is not None
    form = {"csrfmiddlewaretoken": csrf.group(1), "username": email, "password": "cercle-demo"}
    opener.open(
        urllib.request.Request(
            f"http://127.0.0.1:{port}/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"http://127.0.0.1:{port}/login/"},
        ),
        timeout=10,
    )
    return opener


def page(opener: urllib.request.OpenerDirector, url: str) -> Answer:
    start = time.monotonic()
    request_ = urllib.request.Request(url, headers={"Accept-Language": "fr"})  # noqa: S310
    try:
        with opener.open(request_, timeout=10) as response:
            return Answer(response.status, response.read(), {}, time.monotonic() - start)
    except urllib.error.HTTPError as error:
        headers = {k.lower(): v for k, v in error.headers.items()}
        return Answer(error.code, error.read(), headers, time.monotonic() - start)


def postgres_restart(stack: Stack, data: dict[str, Any], pg: PrivatePostgres) -> None:
    port = stack.web_ports[0]
    browser = signed_in(port, data["emails"][1])
    assert page(browser, f"http://127.0.0.1:{port}/").status == 200
    pg.stop("fast")
    outage: list[tuple[str, Answer]] = []
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        for web in stack.web_ports:
            api = request(web, "GET", "/api/v1/feed", token=data["tokens"][1], timeout=10)
            outage.append(("api", api))
            outage.append(("html", page(browser, f"http://127.0.0.1:{web}/")))
    pg.start()
    recovered_after = 0.0
    start = time.monotonic()
    while time.monotonic() - start < 30:
        ok = (
            all(
                request(web, "GET", "/api/v1/feed", token=data["tokens"][1]).status == 200
                for web in stack.web_ports
            )
            and page(browser, f"http://127.0.0.1:{port}/").status == 200
        )
        if ok:
            recovered_after = time.monotonic() - start
            break
        time.sleep(0.2)
    slowest = max(answer.seconds for _, answer in outage)
    all_503 = all(answer.status == 503 for _, answer in outage)
    json_api = all(
        json.loads(a.body)["error"]["code"] == "unavailable" and a.headers.get("retry-after") == "5"
        for kind, a in outage
        if kind == "api"
    )
    french_page = all(
        "Cercle est momentanément indisponible".encode() in a.body
        for kind, a in outage
        if kind == "html"
    )
    proof(
        "PostgreSQL stopped and started again",
        all_503 and json_api and french_page and slowest < 5 and 0 < recovered_after < 30,
        f"{len(outage)} requests during the outage: "
        f"{Counter(a.status for _, a in outage)}, slowest {slowest * 1000:.0f} ms, "
        f"JSON for the API: {json_api}, French page: {french_page}; "
        f"serving again {recovered_after:.1f} s after the restart, without restarting Cercle",
    )


# --- 4. Redis stopped ----------------------------------------------------------------------


def sse_waits_for(port: int, token: str, ready: threading.Event, timeout: float) -> bool:
    """Open the live stream; True when a notification comes after the first (the count)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request(
        "GET", "/events/", headers={"Host": "127.0.0.1", "Authorization": f"Bearer {token}"}
    )
    response = connection.getresponse()
    if response.status != 200:
        return False
    deadline = time.monotonic() + timeout
    seen = 0
    try:
        while time.monotonic() < deadline:
            line = response.readline().decode()
            if not line:
                return False
            if line.startswith("event: notifications"):
                seen += 1
                ready.set()
                if seen == 2:
                    return True
    except TimeoutError:
        return False
    finally:
        connection.close()
    return False


def redis_outage(stack: Stack, data: dict[str, Any], redis: PrivateRedis) -> None:
    redis.stop()
    token = data["tokens"][2]
    checks: dict[str, Answer] = {}
    checks["read"] = request(stack.web_ports[0], "GET", "/api/v1/feed", token=token)
    checks["post"] = request(
        stack.web_ports[1], "POST", "/api/v1/posts", token=token, form={"body": "Sans Redis"}
    )
    checks["search"] = request(stack.web_ports[0], "GET", "/api/v1/search?q=chaos", token=token)
    checks["readyz"] = request(stack.web_ports[0], "GET", "/readyz")
    opened = threading.Event()
    sse_waits_for(stack.web_ports[1], token, opened, 3)  # opens and counts, without Redis
    working = opened.is_set() and (
        checks["read"].status == 200
        and checks["post"].status == 201
        and checks["search"].status == 200
        and checks["readyz"].status == 200
        and json.loads(checks["readyz"].body)["status"] == "degraded"
    )
    slowest = max(a.seconds for a in checks.values())
    redis.start()
    time.sleep(1)
    # Back: a post on server 1 reaches a stream open on server 2 (a follower of its author).
    reader, author = data["tokens"][9], data["tokens"][10]
    received, listening = threading.Event(), threading.Event()

    def listen() -> None:
        if sse_waits_for(stack.web_ports[1], reader, listening, 15):
            received.set()

    listener = threading.Thread(target=listen)
    listener.start()
    listening.wait(10)
    time.sleep(0.5)
    sent = time.monotonic()
    request(
        stack.web_ports[0],
        "POST",
        "/api/v1/posts",
        token=author,
        form={"body": f"Retour de Redis @{data['handles'][9]}"},
    )
    listener.join(20)
    proof(
        "Redis stopped and started again",
        working and slowest < 3 and received.is_set(),
        f"without Redis: live stream {'opened' if opened.is_set() else 'REFUSED'}, "
        + ", ".join(f"{name} {a.status} in {a.seconds * 1000:.0f} ms" for name, a in checks.items())
        + f"; after: live event across servers {'received' if received.is_set() else 'MISSING'}"
        + (f" {time.monotonic() - sent:.1f} s after the post" if received.is_set() else ""),
    )


def main() -> None:
    from aiosmtpd.controller import Controller

    with tempfile.TemporaryDirectory(prefix="cercle-chaos-") as tmp:
        root = Path(tmp)
        root.chmod(0o755)  # PostgreSQL runs as its own user, under this directory
        pg = PrivatePostgres(root / "pg")
        redis = PrivateRedis()
        mailbox = Mailbox()
        smtp_port = free_port()
        smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        stack = Stack(
            directory=root / "stack",
            database_url=pg.url,
            redis_url=redis.url,
            web_ports=[free_port(), free_port()],
            extra_env={
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                # Seconds instead of minutes, so that a dead worker's task comes back soon.
                "CERCLE_TASK_LEASE": "5",
                "CERCLE_TASK_BACKOFF": "1",
                "CERCLE_EMAIL_CLAIM": "4",
                "CERCLE_API_RATE_PERSON": "off",
                "CERCLE_API_RATE_ADDRESS": "off",
                "CERCLE_LOG_LEVEL": "WARNING",
            },
        )
        try:
            pg.create()
            redis.start()
            smtp.start()
            started = time.monotonic()
            stack.start(demo=True)
            data = setup(stack)
            print(f"Stack ready in {time.monotonic() - started:.0f} s ({stack.directory})")
            burst(stack, data, pg)
            worker_killed(stack, data, mailbox)
            postgres_restart(stack, data, pg)
            redis_outage(stack, data, redis)
        except Exception:
            stack.print_logs()
            raise
        finally:
            stack.close()
            smtp.stop(no_assert=True)
            redis.stop()
            pg.destroy()
    if FAILURES:
        print(f"chaos: {len(FAILURES)} proof(s) failed: {', '.join(FAILURES)}")
        sys.exit(1)
    print("chaos: every proof held")


if __name__ == "__main__":
    main()
