"""Finding M5: the strict Content-Security-Policy breaks no page.

Chromium visits every main page (and uses the parts that run scripts: the
composer, search suggestions, @mentions, the live stream) listening for
``securitypolicyviolation`` events; a single one fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cercle.communities.models import Community
from cercle.demo.build import build_demo_company
from cercle.demo.company import SOPHIE, THOMAS
from cercle.posts.models import Post
from tests.asgi import asgi_server
from tests.e2e.conftest import pages_on
from tests.e2e.test_people import TEXT, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def company(db: Any) -> None:
    build_demo_company(users=40, seed=2015)


@pytest.fixture
def new_page(browser: Any, transactional_db: Any) -> Iterator[Any]:
    """Served by an ASGI server (``cercle.asgi``), as in production: the live stream included."""
    with asgi_server(static=True, threads=3) as running, pages_on(browser, running.url) as make:
        yield make


def _violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__cspViolations || []"))


def _pages(thomas_id: int) -> list[str]:
    community = Community.objects.filter(kind="open").order_by("pk").first()
    post = Post.objects.filter(community=community).order_by("-pk").first()
    assert community is not None and post is not None
    return [
        "/",
        f"/people/{thomas_id}/",
        f"/people/{thomas_id}/edit/",
        f"/people/{thomas_id}/org/",
        "/people/",
        "/communities/",
        community.get_absolute_url(),
        f"/communities/{community.slug}/members/",
        post.get_absolute_url(),
        "/search/?q=appel+d%27offre",
        "/experts/?q=maintenance",
        "/notifications/",
        "/notifications/settings/",
        "/settings/",
        "/password/change/",
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_page_violates_the_content_security_policy(
    company: None, new_page: Any, lang: str
) -> None:
    from cercle.accounts.models import User

    text = TEXT[lang]
    page = new_page(locale=text["locale"])
    page.add_init_script(LISTEN)
    failures: list[str] = []
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/login/")
    failures += [f"/login/: {v}" for v in _violations(page)]
    sign_in(page, text, THOMAS.email)
    thomas = User.objects.get(email=THOMAS.email)
    for url in _pages(thomas.pk):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
        page.wait_for_load_state("networkidle")
        failures += [f"{url}: {v}" for v in _violations(page)]
    # The scripted parts: search suggestions, the composer with an @mention, the stream.
    page.goto("/")
    page.wait_for_function("() => window.cercleLive()")
    composer = page.locator("#composer textarea").first
    composer.click()
    composer.fill("Merci @fra")
    page.locator("[role=option]").first.wait_for()
    box = page.locator("#top-search")
    box.fill("appel")
    page.locator("#search-suggestions").get_by_role("link").first.wait_for()
    page.wait_for_load_state("networkidle")
    failures += [f"/ (scripted): {v}" for v in _violations(page)]
    assert not failures, "\n".join(failures)
    assert not console, "\n".join(console)


def test_the_admin_site_keeps_working_under_the_policy(company: None, new_page: Any) -> None:
    from cercle.accounts.models import User

    User.objects.filter(email=SOPHIE.email).update(is_superuser=True, is_staff=True)
    page = new_page(locale="fr-FR")
    page.add_init_script(LISTEN)
    sign_in(page, TEXT["fr"], SOPHIE.email)
    for url in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/?q=thomas"):
        assert page.goto(url).status == 200
        page.wait_for_load_state("networkidle")
    assert _violations(page) == []
