"""Alexandra answers Thomas; the bell tells him, and takes him to her comment."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.accounts.models import User
from cercle.demo.build import build_demo_company
from cercle.demo.company import ALEXANDRA, THOMAS
from cercle.follows.models import AttentionLevel, AttentionSetting, SourceKind
from cercle.notifications import preferences
from cercle.notifications.models import Event, Notification
from cercle.posts import services as posts
from tests.e2e.test_people import TEXT, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company(db: Any) -> None:
    build_demo_company(users=40, seed=2015)


def test_the_bell_leads_thomas_to_alexandras_answer(
    company: None, new_page: Any, axe: Any, shot: Any
) -> None:
    thomas = User.objects.get(email=THOMAS.email)
    alexandra = User.objects.get(email=ALEXANDRA.email)
    Notification.objects.filter(recipient=thomas).update(read_at=thomas.date_joined)
    post = posts.post_create(author=thomas, body="Qui connaît le chantier de la gare de Pau ?")
    comment = posts.comment_create(
        author=alexandra, post=post, body="Moi : j'y étais en mars, je t'envoie le planning."
    )

    page = new_page(locale="fr-FR", width=390, height=844)  # on his phone
    sign_in(page, TEXT["fr"], THOMAS.email)
    nav = page.get_by_role("navigation", name="Navigation principale")
    bell = nav.get_by_role("link", name="Notifications")
    bell.locator(".notification-badge", has_text="1").wait_for()  # fetched after the page
    bell.click()
    item = page.locator(
        ".notification.unread", has_text="Alexandra Girard a commenté votre message"
    )
    item.wait_for()
    assert "je t'envoie le planning" in item.inner_text()
    axe(page)
    shot(page, "notifications-phone-fr")
    item.get_by_role("link").click()
    page.wait_for_url(f"**{post.get_absolute_url()}#comment-{comment.pk}")
    page.locator(f"#comment-{comment.pk}").wait_for()
    assert page.locator(".notification-badge").is_hidden()  # nothing left unread
    assert not Notification.objects.filter(recipient=thomas, read_at__isnull=True).exists()


def test_thomas_chooses_what_reaches_him_and_how(
    company: None, new_page: Any, axe: Any, shot: Any
) -> None:
    """From the bell to the settings: reactions off by e-mail; a community in the digest only."""
    thomas = User.objects.get(email=THOMAS.email)
    page = new_page(locale="fr-FR")
    sign_in(page, TEXT["fr"], THOMAS.email)
    page.goto("/notifications/")
    page.get_by_role("link", name="Réglages de la cloche et des e-mails").click()
    page.get_by_role("heading", name="Réglages des notifications").wait_for()
    page.get_by_label("Réactions : par e-mail").select_option(label="Jamais")
    page.get_by_label("Réactions : sous la cloche").uncheck()
    page.get_by_label("Résumé de ce que j’ai manqué").select_option(label="Chaque semaine")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("status").filter(has_text="Vos réglages sont enregistrés.").wait_for()
    axe(page)
    shot(page, "notification-settings-fr")
    current = preferences.current(thomas)
    reaction = next(c for c in current.channels if c.event == Event.REACTION)
    assert (reaction.in_app, reaction.email, current.digest) == (False, "off", "weekly")

    membership = thomas.memberships.select_related("community").first()  # type: ignore[attr-defined]
    assert membership is not None
    page.goto(membership.community.get_absolute_url())
    choice = page.get_by_label("Ce qui me parvient")
    choice.select_option(label="Seulement dans mon résumé par e-mail")  # htmx sends it at once
    page.get_by_text("Ses messages quittent votre fil et arrivent dans votre résumé").wait_for()
    axe(page)
    assert (
        AttentionSetting.objects.get(
            user=thomas, source_kind=SourceKind.COMMUNITY, source_id=membership.community_id
        ).level
        == AttentionLevel.DIGEST
    )
