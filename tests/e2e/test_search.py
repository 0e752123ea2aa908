"""Thomas searches "appel d'offre" and finds the earlier answer with its PDF, on his phone.

(The "Qui sait ?" half of the scenario comes with the expert finder.)
"""

from __future__ import annotations

from typing import Any

import pytest

from cercle.demo.company import THOMAS, build_demo_company
from cercle.demo.social import TENDER_PDF
from tests.e2e.test_people import TEXT, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company(db: Any) -> None:
    build_demo_company(users=60, seed=2015)


@pytest.mark.parametrize(("lang", "width"), [("fr", 390), ("en", 1280)])
def test_thomas_finds_the_earlier_answer_and_its_pdf(
    company: None, new_page: Any, axe: Any, shot: Any, lang: str, width: int
) -> None:
    text = TEXT[lang]
    page = new_page(locale=text["locale"], width=width, height=900)
    sign_in(page, text, THOMAS.email)
    box = page.get_by_role(
        "searchbox", name="Rechercher dans Cercle" if lang == "fr" else "Search Cercle"
    )
    box.fill("appel d'offre")
    page.locator("#search-suggestions").get_by_role("link").first.wait_for()
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    hit = page.locator(".hit", has_text="maintenance").first
    hit.locator("mark").first.wait_for()
    assert "appel" in hit.locator("mark").first.inner_text().lower()
    file_link = hit.get_by_role("link", name=TENDER_PDF)
    file_link.wait_for()
    axe(page)
    shot(page, f"search-{lang}-{width}")
    page.get_by_role(
        "link", name="Messages et commentaires" if lang == "fr" else "Posts and comments"
    ).first.click()
    page.locator(".hit", has_text="maintenance").first.wait_for()
    with page.expect_download() as download:
        page.locator(".hit").get_by_role("link", name=TENDER_PDF).first.click()
    assert download.value.suggested_filename == TENDER_PDF
