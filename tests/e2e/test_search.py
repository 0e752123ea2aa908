"""Thomas searches "appel d'offre" and finds the earlier answer with its PDF, on his phone,
then asks "Qui sait ?" who in the Sud-Ouest knows rail tenders and sees why.
"""

from __future__ import annotations

from typing import Any

import pytest

from cercle.demo.build import build_demo_company
from cercle.demo.company import THOMAS
from cercle.demo.social import TENDER_PDF
from cercle.posts.models import Attachment
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
    # Recent conversations arrive in the same panel right after people and topics.
    page.locator("#search-suggestions .suggested-conversations mark").first.wait_for()
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

    # "Qui sait ?": from the search box, then narrowed to his region.
    helper = Attachment.objects.get(name=TENDER_PDF).uploaded_by
    assert helper is not None
    box.fill("appel d'offres ferroviaire")
    who = (
        "Qui sait « appel d'offres ferroviaire » ?"
        if lang == "fr"
        else ("Who knows about “appel d'offres ferroviaire”?")
    )
    page.locator("#search-suggestions").get_by_role("link", name=who).click()
    page.wait_for_url("**/experts/?q=*")
    page.get_by_label("Région" if lang == "fr" else "Region").select_option(label="Sud-Ouest")
    page.get_by_role("button", name="Trouver" if lang == "fr" else "Find").click()
    page.wait_for_url("**region=sud-ouest*")
    card = page.locator(".expert-card", has_text=helper.name)
    card.wait_for()
    reasons = card.locator(".reasons").inner_text()
    answer = (
        "réponse dans des conversations sur le sujet"
        if lang == "fr"
        else ("answer in conversations on the subject")
    )
    assert answer in reasons and "Commerciaux Sud-Ouest" in reasons
    regions = set(page.locator(".expert-card .small.muted").all_inner_texts())
    assert regions and all("Sud-Ouest" in line for line in regions)
    axe(page)
    shot(page, f"experts-{lang}-{width}")
