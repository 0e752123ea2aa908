"""Reusing a library document: a link in a post or an answer, shown as a file that follows
its versions, and the document's "where it was used"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.documents import services
from cercle.documents.models import DocumentUse
from cercle.posts import services as posts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)


def add(actor, community, name="Offre type maintenance.txt", text="Offre v1"):
    return services.document_add(
        actor=actor, community=community, upload=services.Upload(name, text.encode())
    )


def link(document) -> str:
    return f"[{document.title}]({document.get_absolute_url()})"


@pytest.fixture
def club(user, other):
    """An open community where Thomas and Alexandra talk with the whole company."""
    community = communities.community_create(
        actor=user, name="Appels d'offres", kind=CommunityKind.OPEN
    )
    communities.community_join(actor=other, community=community)
    return community


def test_a_link_in_a_post_is_a_use_shown_at_the_current_version(
    user, other, team, club, client_for
) -> None:
    offer = add(user, team)
    post = posts.post_create(author=other, community=team, body=f"La base : {link(offer)}")
    assert list(DocumentUse.objects.values_list("document", "post", "comment")) == [
        (offer.pk, post.pk, None)
    ]
    services.version_add(
        actor=user, document=offer, upload=services.Upload("o.txt", b"Offre v2"), note="2027"
    )
    card = client_for(user).get(f"/api/v1/posts/{post.pk}").json()
    assert [(d["id"], d["version"]) for d in card["documents"]] == [(offer.pk, 2)]
    assert card["documents"][0]["file_url"].endswith("/v2/")
    page = client_for(user).get(post.get_absolute_url()).content.decode()
    assert 'class="files doc-links"' in page and "v2" in page


def test_a_reader_who_may_not_see_the_document_sees_no_file(user, other, team, club, client_for):
    """The private team's offer, linked in an open community: outsiders get no file."""
    offer = add(user, team)
    post = posts.post_create(author=user, community=club, body=f"Voir {link(offer)}")
    outsider = UserFactory()
    card = client_for(outsider).get(f"/api/v1/posts/{post.pk}").json()
    assert card["documents"] == []
    page = client_for(outsider).get(post.get_absolute_url()).content.decode()
    assert "doc-links" not in page
    document_page = client_for(outsider).get(offer.get_absolute_url())
    assert document_page.status_code == 404


def test_answers_edits_and_deletions_keep_the_uses_in_step(user, other, team, club) -> None:
    offer, grid = add(user, team), add(user, team, name="Grille.txt", text="Grille")
    question = posts.post_create(author=other, community=club, body="Qui a une offre type ?")
    answer = posts.comment_create(
        author=user, post=question, body=f"Prends {link(offer)} et {link(offer)}"
    )
    assert DocumentUse.objects.filter(comment=answer).count() == 1  # once per document
    posts.comment_edit(actor=user, comment=answer, body=f"Prends plutôt {link(grid)}")
    assert list(DocumentUse.objects.values_list("document", flat=True)) == [grid.pk]
    posts.comment_delete(actor=user, comment=answer)
    assert not DocumentUse.objects.exists()


def test_links_elsewhere_and_to_unknown_documents_are_not_uses(user, team) -> None:
    body = (
        "[ailleurs](https://example.org/documents/1/) [inconnu](/documents/999999/) "
        "/documents/1/ en texte"
    )
    posts.post_create(author=user, community=team, body=body)
    assert not DocumentUse.objects.exists()


def test_the_document_page_says_where_it_was_used_to_whom_may_read_it(
    user, other, team, club, client_for
) -> None:
    offer = add(user, team)
    secret = communities.community_create(actor=user, name="Codir", kind=CommunityKind.SECRET)
    communities.community_invite(actor=user, community=secret, user=other)
    communities.community_join(actor=other, community=secret)
    public = posts.post_create(author=other, community=club, body=f"Base : {link(offer)}")
    posts.post_create(author=user, community=secret, body=f"Confidentiel {link(offer)}")
    third = UserFactory()
    communities.community_invite(actor=user, community=team, user=third)
    communities.community_join(actor=third, community=team)
    page = client_for(third).get(offer.get_absolute_url()).content.decode()
    assert "Où il a servi" in page
    assert f'href="{public.get_absolute_url()}"' in page
    assert "Codir" not in page  # the secret community's use stays unseen
    page = client_for(other).get(offer.get_absolute_url()).content.decode()
    assert "Codir" in page


def test_the_picker_lists_documents_the_viewer_may_read(user, other, team, client_for) -> None:
    offer = add(user, team)
    add(user, team, name="Grille tarifaire.txt", text="Grille")
    found = client_for(other).get(reverse("documents:pick"), {"q": "offre TYPE"})
    html = found.content.decode()
    assert f'data-insert="[Offre type maintenance.txt]({offer.get_absolute_url()})"' in html
    assert "Grille" not in html
    outsider = client_for(UserFactory()).get(reverse("documents:pick"), {"q": "offre"})
    assert "data-insert" not in outsider.content.decode()
    assert "Aucun document" in outsider.content.decode()


def test_sharing_from_the_document_page_posts_a_link(user, other, team, client_for) -> None:
    offer = add(user, team)
    browser = client_for(other)
    page = browser.get(offer.get_absolute_url()).content.decode()
    assert f"[Offre type maintenance.txt]({offer.get_absolute_url()})</textarea>" in page
    answer = browser.post(
        reverse("posts:create"),
        {"community": team.slug, "body": f"Nouvelle base {link(offer)}", "client_token": "s1"},
    )
    assert answer.status_code == 302
    assert DocumentUse.objects.filter(document=offer, comment__isnull=True).count() == 1
