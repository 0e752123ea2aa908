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


STORY = {
    "fr": {
        "updated": "a mis à jour un document",
        "answer": "Votre réponse",
        "comment": "Commenter",
        "link": "Lier un document de la bibliothèque",
        "title": "Titre du document",
        "used": "Où il a servi",
        "an_answer": "Une réponse",
    },
    "en": {
        "updated": "updated a document",
        "answer": "Your answer",
        "comment": "Comment",
        "link": "Link a library document",
        "title": "Title of the document",
        "used": "Where it was used",
        "an_answer": "An answer",
    },
}


@pytest.mark.parametrize(("lang", "width"), [("fr", 390), ("en", 1280)])
def test_alexandra_discusses_the_minutes_and_thomas_links_the_offer_in_an_answer(
    company: None, new_page: Any, axe: Any, shot: Any, lang: str, width: int
) -> None:
    """A colleague's new version of the latest minutes tops a project member's feed; she
    answers in its discussion.  Thomas answers a colleague's question with the tender kit's
    offer, which then says where it served."""
    from cercle.demo.company import ALEXANDRA, FRANCK
    from cercle.notifications.models import Event, Notification
    from cercle.posts.models import Post

    text, words = TEXT[lang], STORY[lang]
    franck = User.objects.get(email=FRANCK.email)
    minutes = Document.objects.get(title="Compte rendu comité 3 décembre.docx")
    services.version_add(
        actor=franck,
        document=minutes,
        upload=services.Upload("cr.docx", samples.docx("Compte rendu", "Budget validé")),
        note="Budget de formation validé par la direction",
    )

    page = new_page(locale=text["locale"], width=width, height=860)
    sign_in(page, text, ALEXANDRA.email)
    card = page.locator("article.post").first  # the top of her feed
    card.get_by_text("Budget de formation validé par la direction").wait_for()
    assert words["updated"] in card.inner_text() and franck.name in card.inner_text()
    axe(page)
    card.get_by_role("link", name="Compte rendu comité 3 décembre.docx").click()
    page.wait_for_url("**/documents/*/")
    discussion = page.locator("section", has=page.get_by_role("heading", name="Discussion"))
    discussion.get_by_label(words["answer"]).fill(
        f"@{franck.handle} merci, je valide le budget de formation."
    )
    discussion.get_by_role("button", name=words["comment"]).click()
    discussion.get_by_text("je valide le budget de formation").wait_for()
    axe(page)
    shot(page, f"document-discussion-{lang}-{width}")
    assert Notification.objects.filter(recipient=franck, event=Event.MENTION).exists()

    sales = Community.objects.get(name="Commerciaux Sud-Ouest")
    question = Post.objects.filter(community=sales, kind="post").order_by("-created_at")[0]
    page = new_page(locale=text["locale"], width=width, height=900)
    sign_in(page, text, THOMAS.email)
    page.goto(question.get_absolute_url())
    form = page.locator(f"#comment-form-{question.pk}-0")
    form.get_by_text(words["link"]).click()
    form.get_by_label(words["title"]).fill("offre type")
    form.get_by_role("button", name="Offre type maintenance.docx").click()
    answer = form.get_by_label(words["answer"])
    assert "[Offre type maintenance.docx](/documents/" in answer.input_value()
    answer.press("End")
    answer.type("la version 4 a les tarifs à jour.")
    form.get_by_role("button", name=words["comment"]).click()
    thread = page.locator(f"#thread-{question.pk}")
    thread.get_by_role("link", name="Offre type maintenance.docx").wait_for()
    axe(page)
    thread.get_by_role("link", name="Offre type maintenance.docx").click()
    page.wait_for_url("**/documents/*/")
    uses = page.locator("section", has=page.get_by_role("heading", name=words["used"]))
    uses.get_by_role("link", name=words["an_answer"]).wait_for()
    assert THOMAS.first_name in uses.inner_text()
    axe(page)
