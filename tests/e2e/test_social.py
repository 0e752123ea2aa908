"""Thomas asks his region's salespeople for help; a colleague answers with a PDF;
Alexandra's secret community stays invisible to him everywhere."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.accounts.models import UserSkill
from cercle.communities.models import Community, Membership
from cercle.demo.build import build_demo_company
from cercle.demo.company import THOMAS
from tests.e2e.test_people import TEXT, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def company(db: Any) -> None:
    build_demo_company(users=60, seed=2015)


def test_thomas_asks_a_colleague_answers_with_a_pdf(
    company: None, new_page: Any, axe: Any, shot: Any, tmp_path: Any
) -> None:
    community = Community.objects.get(name="Commerciaux Sud-Ouest")
    colleague = (
        Membership.objects.filter(community=community)
        .exclude(user__email=THOMAS.email)
        .select_related("user")
        .first()
    )
    assert colleague is not None
    question = (
        "Qui a un mémoire technique réutilisable pour l'appel d'offres #appeldoffres de Bordeaux ?"
    )

    thomas = new_page(locale="fr-FR", width=390, height=844)  # on his phone
    sign_in(thomas, TEXT["fr"], THOMAS.email)
    thomas.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Communautés"
    ).click()
    thomas.get_by_role("link", name="Commerciaux Sud-Ouest").click()
    axe(thomas)
    thomas.get_by_label("Écrire dans Commerciaux Sud-Ouest").fill(question)
    thomas.get_by_role("button", name="Publier").click()
    thomas.locator(".post", has_text="de Bordeaux").first.wait_for()
    shot(thomas, "community-phone-fr")

    answer_page = new_page(locale="fr-FR")
    sign_in(answer_page, TEXT["fr"], colleague.user.email)
    answer_page.goto(community.get_absolute_url())
    post = answer_page.locator(".post", has_text="de Bordeaux").first
    post.get_by_role("link", name="0 commentaire").click()
    pdf = tmp_path / "Memoire technique Bordeaux.pdf"
    pdf.write_bytes(PDF)
    post.get_by_label("Votre réponse").fill("Voici celui de Toulouse, adaptable en une heure.")
    post.locator("input[type=file]").last.set_input_files(str(pdf))
    post.get_by_role("button", name="Commenter").click()
    post.get_by_role("link", name="Memoire technique Bordeaux.pdf").wait_for()
    axe(answer_page)

    thomas.reload()
    mine = thomas.locator(".post", has_text="de Bordeaux").first
    mine.get_by_role("link", name="1 commentaire").click()
    comment = mine.locator(".comment", has_text="adaptable en une heure")
    comment.get_by_role("link", name="Memoire technique Bordeaux.pdf").wait_for()
    like = comment.get_by_role("button", name="J'aime")
    like.click()
    comment.locator("button[aria-pressed=true]", has_text="👍").wait_for()
    axe(thomas)
    shot(thomas, "thread-phone-fr")
    with thomas.expect_download() as download:
        comment.get_by_role("link", name="Memoire technique Bordeaux.pdf").click()
    assert download.value.suggested_filename == "Memoire technique Bordeaux.pdf"


def test_secret_community_is_invisible_to_thomas(company: None, new_page: Any) -> None:
    secret = Community.objects.get(name="Comité de direction")
    assert not Membership.objects.filter(community=secret, user__email=THOMAS.email).exists()
    page = new_page(locale="fr-FR")
    sign_in(page, TEXT["fr"], THOMAS.email)

    response = page.goto(secret.get_absolute_url())
    assert response is not None and response.status == 404

    search = page.get_by_role("searchbox", name="Rechercher dans Cercle")
    search.fill("Comit")
    page.wait_for_timeout(600)  # let the suggestions answer
    assert "Comité de direction" not in page.locator("#search-suggestions").inner_text()
    search.fill("Commerciaux")
    page.locator("#search-suggestions").get_by_role("link", name="Commerciaux Sud-Ouest").wait_for()
    search.fill("comité de direction codir")
    search.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.get_by_text("Aucun résultat pour").wait_for()  # neither the community nor its posts

    page.goto("/")
    composer = page.get_by_label("Partager quelque chose")
    composer.press_sequentially("Bonjour @comit")
    page.wait_for_timeout(600)
    assert "Comité" not in page.locator(".mention-list").inner_text()
    composer.fill("")
    composer.press_sequentially("Bonjour @alexandra")
    page.locator(".mention-list [role=option]", has_text="Alexandra Girard").wait_for()
    page.keyboard.press("Enter")
    assert "@alexandra.girard " in composer.input_value()
    assert page.locator("body").inner_text().count("Comité de direction") == 0


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_social_pages_pass_axe_on_phone_and_desktop(
    company: None, new_page: Any, axe: Any, locale: str
) -> None:
    """Every page of the social core, at phone and desktop width, in both languages."""
    from cercle.posts.models import Post

    community = Community.objects.get(name="Commerciaux Sud-Ouest")
    post = Post.objects.filter(community=community).order_by("-comment_count").first()
    assert post is not None
    skilled = UserSkill.objects.exclude(user__email=THOMAS.email).first()
    assert skilled is not None
    pages = [
        "/communities/",
        "/communities/new/",
        community.get_absolute_url(),
        f"/communities/{community.slug}/members/",
        post.get_absolute_url(),
        f"/posts/{post.pk}/share/",
        "/tags/appeldoffres/",
        f"/people/{post.author_id}/followers/",
        f"/people/{post.author_id}/following/",
        f"/people/{skilled.user_id}/",  # a colleague's skills, with the endorse buttons
        "/search/",
        "/search/?q=appel+d%27offres",
        "/search/?q=appel+d%27offres&tab=posts",
        "/search/?q=girard&tab=people",
        "/search/?q=sud&tab=communities",
        "/search/?q=zzzq",
        "/search/?q=appel&since=2026-05-01&until=2026-04-01",  # a refused date range
        "/experts/",
        "/experts/?q=appel+d%27offres+ferroviaire&region=sud-ouest",
        "/experts/?q=astrophysique",  # nobody stands out
        "/experts/?q=soudure&region=atlantide",  # a refused filter
        "/experts/me/",
    ]
    lang = "fr" if locale.startswith("fr") else "en"
    for width in (360, 1280):
        page = new_page(locale=locale, width=width)
        sign_in(page, TEXT[lang], THOMAS.email)
        for path in pages:
            page.goto(path)
            if width == 360:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= 360, f"{path} is {scroll}px wide on a phone"
            axe(page)
