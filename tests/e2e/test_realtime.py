"""Alexandra posts; Thomas's open feed shows it and his bell counts it, live, without reload.

Served by an ASGI server (``cercle.asgi``), not ``live_server``: the live stream
exists only under ASGI.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from cercle.accounts.models import User
from cercle.demo.build import build_demo_company
from cercle.demo.company import ALEXANDRA, THOMAS
from cercle.follows import services as network
from cercle.notifications.models import Notification
from tests.asgi import Server, asgi_server
from tests.e2e.conftest import pages_on
from tests.e2e.test_people import TEXT, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company(db: Any) -> None:
    build_demo_company(users=40, seed=2015)


@pytest.fixture
def asgi(transactional_db: Any) -> Iterator[Server]:
    with asgi_server(static=True, threads=3) as running:
        yield running


@pytest.fixture
def browser_page(browser: Any, asgi: Server) -> Iterator[Any]:
    with pages_on(browser, asgi.url) as make:
        yield make


def test_thomas_sees_alexandras_post_and_the_bell_within_a_second(
    company: None, browser_page: Any, axe: Any
) -> None:
    thomas = User.objects.get(email=THOMAS.email)
    alexandra = User.objects.get(email=ALEXANDRA.email)
    network.follow(follower=thomas, followee=alexandra)
    Notification.objects.filter(recipient=thomas).update(read_at=thomas.date_joined)

    watching = browser_page()
    sign_in(watching, TEXT["fr"], THOMAS.email)
    watching.wait_for_function("() => window.cercleLive()")  # the stream is open
    watching.evaluate("window.notReloaded = true")
    bell = watching.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Notifications"
    )
    assert watching.locator(".notification-badge").is_hidden()
    assert watching.locator("#new-posts").inner_text() == ""

    writing = browser_page()
    sign_in(writing, TEXT["fr"], ALEXANDRA.email)
    writing.get_by_label("Partager quelque chose").fill(
        f"Résultats du trimestre publiés, merci @{thomas.handle} pour les chiffres terrain."
    )
    with writing.expect_response("**/posts/**") as answer:
        writing.get_by_role("button", name="Publier").click()
    assert answer.value.ok
    published = time.monotonic()

    indicator = watching.locator("#new-posts .new-posts", has_text="1 nouveau message")
    indicator.wait_for(timeout=1000)
    bell.locator(".notification-badge", has_text="1").wait_for(timeout=1000)
    assert time.monotonic() - published < 1.0
    assert watching.evaluate("window.notReloaded") is True
    # Announced to screen readers.  A locator, not a JavaScript string: when the text is
    # not there at the first look, Playwright evaluates such a string, which the CSP forbids.
    watching.locator("#live-status", has_text="Alexandra").wait_for(state="attached")
    axe(watching)
    indicator.click()
    watching.locator(".post", has_text="Résultats du trimestre publiés").first.wait_for()


def test_after_a_network_drop_thomas_gets_what_happened_meanwhile(
    company: None, browser_page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cercle.posts import services as posts
    from cercle.realtime import stream

    monkeypatch.setattr(stream, "MAX_AGE", 1.0)  # streams end every second...
    monkeypatch.setattr(stream, "RETRY_MS", 200)  # ...and the browser comes back at once
    thomas = User.objects.get(email=THOMAS.email)
    alexandra = User.objects.get(email=ALEXANDRA.email)
    network.follow(follower=thomas, followee=alexandra)
    Notification.objects.filter(recipient=thomas).update(read_at=thomas.date_joined)
    page = browser_page()
    sign_in(page, TEXT["fr"], THOMAS.email)
    page.wait_for_function("() => window.cercleLive()")
    page.evaluate("window.notReloaded = true")

    page.route("**/events/**", lambda route: route.abort("internetdisconnected"))
    time.sleep(1.5)  # the open stream has ended; reconnections now fail
    posts.post_create(author=alexandra, body=f"Pendant la coupure, @{thomas.handle}")
    time.sleep(0.5)
    badge = page.locator(".notification-badge")
    assert badge.is_hidden()  # nothing can have come through

    assert page.locator("#new-posts").inner_text() == ""

    page.unroute("**/events/**")  # the network is back
    badge.filter(has_text="1").wait_for(timeout=3000)
    page.locator("#new-posts .new-posts", has_text="1 nouveau message").wait_for(timeout=3000)
    # The missed notification itself came back (Last-Event-ID), not just a count:
    page.locator("#live-status", has_text="Alexandra Girard").wait_for(
        state="attached", timeout=3000
    )
    assert page.evaluate("window.notReloaded") is True


def test_the_notifications_page_shows_a_new_one_without_reload(
    company: None, browser_page: Any
) -> None:
    from cercle.posts import services as posts

    thomas = User.objects.get(email=THOMAS.email)
    alexandra = User.objects.get(email=ALEXANDRA.email)
    Notification.objects.filter(recipient=thomas).update(read_at=thomas.date_joined)
    post = posts.post_create(author=thomas, body="Qui a le planning du chantier de Pau ?")
    page = browser_page()
    sign_in(page, TEXT["fr"], THOMAS.email)
    page.goto("/notifications/")
    page.wait_for_function("() => window.cercleLive()")
    page.evaluate("window.notReloaded = true")
    assert page.locator(".notification.unread").count() == 0

    posts.comment_create(author=alexandra, post=post, body="Je te l'envoie tout de suite.")
    item = page.locator(".notification.unread", has_text="Alexandra Girard a commenté")
    item.wait_for(timeout=1000)
    assert "Je te l'envoie" in item.inner_text()
    page.locator(".notification-badge", has_text="1").wait_for(timeout=1000)
    assert page.evaluate("window.notReloaded") is True
