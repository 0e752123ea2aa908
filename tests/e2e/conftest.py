"""Browser tests: Debian's Chromium driven by Playwright, against a live server.

Skipped with a message when Chromium or Playwright is missing, unless
``CERCLE_E2E=required`` (set by ``.ci/run``), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CERCLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there (creating demo data) are safe because nothing else runs in it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _unavailable() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make install-dev)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if os.environ.get("CERCLE_E2E") == "required":
            pytest.fail(f"Browser tests are required here: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def pages_on(browser: Any, base_url: str) -> Iterator[Any]:
    """A page maker for the server at ``base_url``: each page in a context of its own."""
    contexts: list[Any] = []

    def make(*, locale: str = "fr-FR", width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            locale=locale,
            viewport={"width": width, "height": height},
            base_url=base_url,
            extra_http_headers={"Accept-Language": locale},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    with pages_on(browser, live_server.url) as make:
        yield make


@pytest.fixture
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def check(page: Any) -> None:
        results = checker.run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def shot() -> Any:
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
