"""Thomas adds a tender offer to the Sud-Ouest sales library from his phone, watches it
arrive (progress, "preview in preparation", the pages), and a colleague's new version
shows in the history with what changed."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.accounts.models import User
from cercle.communities.models import Community
from cercle.demo.build import build_demo_company
from cercle.demo.company import THOMAS
from cercle.documents import services
from cercle.documents.models import Document
from cercle.tasks.worker import run_pending
from tests.documents import samples
from tests.e2e.test_people import TEXT, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {
        "documents": "Documents",
        "add": "Ajouter un document",
        "file": "Fichier",
        "send": "Ajouter à la bibliothèque",
        "pending": "Aperçu en préparation",
        "history": "Historique",
        "changed": "Tarifs 2027",
        "page": "Page 2 de",
    },
    "en": {
        "documents": "Documents",
        "add": "Add a document",
        "file": "File",
        "send": "Add to the library",
        "pending": "Preview in preparation",
        "history": "History",
        "changed": "Tarifs 2027",
        "page": "Page 2 of",
    },
}


@pytest.fixture
def company(db: Any) -> None:
    build_demo_company(users=60, seed=2015)


@pytest.mark.parametrize(("lang", "width"), [("fr", 390), ("en", 1280)])
def test_thomas_adds_an_offer_and_sees_a_colleagues_version(
    company: None, new_page: Any, axe: Any, shot: Any, lang: str, width: int, tmp_path: Any
) -> None:
    text, words = TEXT[lang], WORDS[lang]
    community = Community.objects.get(name="Commerciaux Sud-Ouest")
    offer = tmp_path / "Offre type maintenance.pdf"
    offer.write_bytes(samples.pdf("Offre type maintenance préventive", "Grille tarifaire"))

    page = new_page(locale=text["locale"], width=width, height=860)
    sign_in(page, text, THOMAS.email)
    page.goto(community.get_absolute_url())
    page.get_by_role("link", name=words["documents"], exact=True).first.click()
    page.wait_for_url("**/documents/")
    axe(page)  # the library, with the tender kit's folder
    page.get_by_text(words["add"]).click()
    page.get_by_role("button", name=words["file"], exact=True).set_input_files(str(offer))
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_url("**/documents/*/")
    page.get_by_text(words["pending"]).first.wait_for()
    axe(page)

    run_pending()  # the worker reads the file; the page, polling, shows its pages
    page.get_by_role("img", name=f"{words['page']} Offre type maintenance.pdf").wait_for()
    axe(page)
    offer_url = page.url

    # Found by what it says, on the page it says it.
    page.goto("/search/?tab=documents&q=grille+tarifaire")
    hit = page.locator(".hit", has_text="Offre type maintenance.pdf")
    hit.locator("mark").first.wait_for()
    assert "page 2" in hit.inner_text()
    axe(page)
    page.goto(offer_url)

    document = Document.objects.get(current__name="Offre type maintenance.pdf")
    colleague = User.objects.filter(memberships__community=community).exclude(email=THOMAS.email)[0]
    services.version_add(
        actor=colleague,
        document=document,
        upload=services.Upload("offre.pdf", samples.pdf("Tarifs 2027")),
        note="Tarifs 2027",
    )
    page.reload()
    history = page.locator("section", has=page.get_by_role("heading", name=words["history"]))
    history.get_by_text(words["changed"]).wait_for()
    assert colleague.name in history.inner_text()
    axe(page)
    shot(page, f"document-{lang}-{width}")

    # The tender kit across his communities.
    page.goto("/documents/references/")
    page.get_by_role("link", name="Offre type maintenance.docx").wait_for()
    axe(page)
