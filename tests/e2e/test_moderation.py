"""A manager of "Commerciaux Sud-Ouest" hides a post from a phone; its author sees why;
the other members no longer find it."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.accounts.models import User
from cercle.communities.models import Community, Membership, Role
from cercle.demo.build import build_demo_company
from cercle.demo.company import THOMAS
from cercle.posts import services
from tests.e2e.test_people import TEXT, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company(db: Any) -> None:
    build_demo_company(users=60, seed=2015)


def test_a_manager_hides_a_post_and_its_author_sees_why(
    company: None, new_page: Any, axe: Any, shot: Any
) -> None:
    community = Community.objects.get(name="Commerciaux Sud-Ouest")
    thomas = User.objects.get(email=THOMAS.email)
    managers = Membership.objects.filter(
        community=community, role__in=[Role.OWNER, Role.MANAGER]
    ).exclude(user=thomas)
    manager = managers.select_related("user").first()
    reader = (
        Membership.objects.filter(community=community, role=Role.MEMBER)
        .exclude(user=thomas)
        .select_related("user")
        .first()
    )
    assert manager is not None and reader is not None
    post = services.post_create(
        author=thomas, community=community, body="Liste des prix client Dupont (confidentiel)"
    )

    page = new_page(locale="fr-FR", width=390, height=844)  # the manager, on a phone
    sign_in(page, TEXT["fr"], manager.user.email)
    page.goto(community.get_absolute_url())
    card = page.locator(f"#post-{post.pk}")
    card.get_by_label("Actions sur le message").click()
    card.get_by_role("link", name="Masquer…").click()
    page.wait_for_url(f"**/posts/{post.pk}/hide/")
    axe(page)
    page.get_by_label("Raison, pour son auteur (facultatif)").fill(
        "Données client : retirez les prix"
    )
    page.get_by_role("button", name="Masquer le message").click()
    page.wait_for_url(f"**/posts/{post.pk}/")
    page.get_by_text("Raison : Données client : retirez les prix").wait_for()
    shot(page, "hidden-post-phone-fr")
    page.goto(f"/posts/{post.pk}/move/")
    axe(page)

    author = new_page(locale="fr-FR")
    sign_in(author, TEXT["fr"], THOMAS.email)
    author.goto(post.get_absolute_url())
    author.get_by_text("seuls son auteur et les modérateurs le voient").wait_for()
    axe(author)

    other = new_page(locale="fr-FR")
    sign_in(other, TEXT["fr"], reader.user.email)
    response = other.goto(post.get_absolute_url())
    assert response is not None and response.status == 404
    other.goto(community.get_absolute_url())
    assert other.locator(f"#post-{post.pk}").count() == 0


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_moderation_pages_pass_axe_on_phone_and_desktop(
    company: None, new_page: Any, axe: Any, locale: str
) -> None:
    """The hide and move pages, and a hidden post, as its community's manager sees them."""
    community = Community.objects.get(name="Commerciaux Sud-Ouest")
    thomas = User.objects.get(email=THOMAS.email)
    manager = (
        Membership.objects.filter(community=community, role__in=[Role.OWNER, Role.MANAGER])
        .exclude(user=thomas)
        .select_related("user")
        .first()
    )
    assert manager is not None
    shown = services.post_create(author=thomas, community=community, body="Retour terrain")
    hidden = services.post_create(author=thomas, community=community, body="Prix client")
    services.post_hide(actor=manager.user, post=hidden, reason="Données client")
    lang = "fr" if locale.startswith("fr") else "en"
    paths = [
        f"/posts/{shown.pk}/hide/",
        f"/posts/{shown.pk}/move/",
        hidden.get_absolute_url(),
        community.get_absolute_url(),  # with its list of hidden posts
    ]
    for width in (360, 1280):
        page = new_page(locale=locale, width=width)
        sign_in(page, TEXT[lang], manager.user.email)
        for path in paths:
            page.goto(path)
            if width == 360:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= 360, f"{path} is {scroll}px wide on a phone"
            axe(page)
        page.goto(hidden.get_absolute_url())
        banner = "Hidden by a moderator" if lang == "en" else "Masqué par un modérateur"
        page.get_by_text(banner).wait_for()
