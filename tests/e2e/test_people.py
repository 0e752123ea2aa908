"""Thomas signs in, completes his profile with a photo, finds Alexandra and her org chart."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.demo.build import build_demo_company
from cercle.demo.company import ALEXANDRA, DEMO_PASSWORD, THOMAS
from tests.conftest import make_image

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {
        "locale": "fr-FR",
        "sign_in": "Se connecter",
        "edit": "Modifier le profil",
        "profile": "Profil",
        "save": "Enregistrer",
        "people": "Personnes",
        "region": "Région",
        "skill": "Compétence",
        "org": "Organigramme",
        "saved": "Profil enregistré.",
    },
    "en": {
        "locale": "en-GB",
        "sign_in": "Sign in",
        "edit": "Edit profile",
        "profile": "Profile",
        "save": "Save",
        "people": "People",
        "region": "Region",
        "skill": "Skill",
        "org": "Org chart",
        "saved": "Profile saved.",
    },
}


@pytest.fixture
def company(db: Any) -> None:
    build_demo_company(users=40, seed=2015)


def sign_in(page: Any, text: dict[str, str], email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail", exact=False).first.fill(email)
    page.get_by_label(
        "Mot de passe" if text["locale"].startswith("fr") else "Password", exact=False
    ).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=text["sign_in"]).click()
    page.wait_for_url("**/")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_thomas_profile_directory_and_org_chart(
    company: None, new_page: Any, axe: Any, shot: Any, lang: str, tmp_path: Any
) -> None:
    text = TEXT[lang]
    page = new_page(locale=text["locale"])
    page.goto("/login/")
    axe(page)
    sign_in(page, text, THOMAS.email)
    assert page.locator("html").get_attribute("lang") == lang
    axe(page)
    shot(page, f"home-desktop-{lang}")

    # From the navigation to his profile, then edit it and upload a photo.
    page.get_by_role("navigation").get_by_role("link", name=text["profile"]).click()
    page.get_by_role("heading", name="Thomas Lefebvre").wait_for()
    axe(page)
    page.locator(".profile-head").get_by_role("link", name=text["edit"]).click()
    axe(page)
    photo = tmp_path / "thomas.jpg"
    photo.write_bytes(make_image("JPEG", (640, 480)))
    page.locator("input[type=file]").set_input_files(str(photo))
    page.locator("input[name=ask_me_about]").fill("Appels d'offres ferroviaires")
    page.get_by_role("button", name=text["save"]).click()
    page.get_by_text(text["saved"]).wait_for()
    assert page.locator(".profile-head img").count() == 1
    assert "Appels d'offres ferroviaires" in page.content()
    axe(page)

    # Find Alexandra by skill and region.
    page.get_by_role("navigation").get_by_role("link", name=text["people"]).click()
    page.get_by_label(text["region"], exact=True).select_option("Île-de-France")
    skill = page.get_by_role("searchbox", name=text["skill"], exact=True)
    skill.fill("cloud azure")
    skill.press("Enter")
    result = page.locator("#results").get_by_role("link", name="Alexandra Girard")
    result.wait_for()
    axe(page)
    shot(page, f"directory-desktop-{lang}")
    result.click()
    page.get_by_role("heading", name="Alexandra Girard").wait_for()
    axe(page)

    # Her org chart: the CEO above her, her team below.
    page.get_by_role("link", name=text["org"]).first.click()
    page.get_by_text("Catherine Moreau").first.wait_for()
    assert "Alexandra Girard" in page.locator(".orgchart .current").inner_text()
    assert page.locator(".reports li").count() >= 1
    axe(page)
    shot(page, f"orgchart-desktop-{lang}")


def test_phone_layout_has_no_horizontal_scroll(
    company: None, new_page: Any, axe: Any, shot: Any
) -> None:
    page = new_page(locale="fr-FR", width=360, height=780)
    sign_in(page, TEXT["fr"], ALEXANDRA.email)
    for path, name in [
        ("/", "home"),
        ("/people/", "directory"),
        ("/me/", "profile"),
        ("/communities/", "communities"),
        ("/settings/", "settings"),
    ]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px phone"
        axe(page)
        shot(page, f"{name}-phone-fr")
    # The bottom navigation is reachable and usable on a phone.
    nav = page.get_by_role("navigation", name="Navigation principale")
    assert nav.is_visible()
    nav.get_by_role("link", name="Personnes").click()
    page.wait_for_url("**/people/")


def test_keyboard_user_can_skip_to_content(company: None, new_page: Any) -> None:
    page = new_page(locale="en-GB")
    sign_in(page, TEXT["en"], THOMAS.email)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to content" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_other_pages_pass_axe(company: None, new_page: Any, axe: Any, live_server: Any) -> None:
    """The pages the journeys above do not visit: sign-in helpers, errors, settings."""
    anonymous = new_page(locale="fr-FR")
    for path in ["/password/reset/", "/password/reset/sent/", "/password/reset/x/bad-token/"]:
        anonymous.goto(path)
        axe(anonymous)
    page = new_page(locale="en-GB")
    sign_in(page, TEXT["en"], THOMAS.email)
    for path in ["/settings/", "/password/change/", "/communities/", "/no-such-page/"]:
        page.goto(path)
        axe(page)
    page.goto("/settings/")
    page.get_by_label("Token name").fill("Reporting")
    page.get_by_role("button", name="Create a token").click()
    page.get_by_text("it will not be shown again").wait_for()
    axe(page)
