"""The library's pages: browse, add, preview, download, search inside, and the refusals."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cercle.documents import services
from cercle.documents.models import Document, DocumentVersion
from cercle.tasks.worker import run_pending
from tests.documents import samples
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OFFER = samples.pdf("Offre type maintenance préventive", "Grille tarifaire des visites annuelles")


def add(actor, community, data=OFFER, name="Offre type maintenance.pdf", **kwargs):
    return services.document_add(
        actor=actor, community=community, upload=services.Upload(name, data), **kwargs
    )


def test_the_library_lists_folders_and_documents(client_for, user, team) -> None:
    folder = services.folder_create(actor=user, community=team, name="Appels d'offres")
    add(user, team)
    add(user, team, data=samples.docx("Procédure"), name="Procédure.docx", folder=folder)
    page = client_for(user).get(reverse("documents:library", args=[team.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Appels d&#39;offres" in html and "Offre type maintenance.pdf" in html
    assert "Procédure.docx" not in html  # inside its folder
    inside = client_for(user).get(folder.get_absolute_url()).content.decode()
    assert "Procédure.docx" in inside and "Ajouter un document" in inside


def test_an_empty_library_says_what_to_do(client_for, user, team) -> None:
    html = client_for(user).get(reverse("documents:library", args=[team.slug])).content.decode()
    assert "Ajoutez le premier document" in html


def test_upload_then_preview_in_preparation_then_pages(client_for, user, team) -> None:
    client = client_for(user)
    answer = client.post(
        reverse("documents:upload", args=[team.slug]),
        {
            "file": SimpleUploadedFile("offre.pdf", OFFER, "application/pdf"),
            "reference": "template",
        },
    )
    document = Document.objects.get()
    assert answer.status_code == 302 and answer["Location"] == document.get_absolute_url()
    assert document.reference == "template"
    html = client.get(document.get_absolute_url()).content.decode()
    assert "Aperçu en préparation" in html and 'hx-trigger="every 2s"' in html
    run_pending()
    fragment = client.get(
        document.get_absolute_url() + "?part=preview", headers={"HX-Request": "true"}
    ).content.decode()
    assert "every 2s" not in fragment and fragment.count('loading="lazy"') == 2
    page = document.current.pages.get(number=2)
    picture = client.get(reverse("documents:page_image", args=[page.pk]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"


def test_the_progress_bar_upload_gets_the_address_to_open(client_for, user, team) -> None:
    answer = client_for(user).post(
        reverse("documents:upload", args=[team.slug]),
        {"file": SimpleUploadedFile("offre.pdf", OFFER, "application/pdf")},
        headers={"X-Cercle-Upload": "1"},
    )
    assert answer.status_code == 201
    assert answer["Location"] == Document.objects.get().get_absolute_url()


def test_an_oversized_upload_is_413_and_writes_nothing(client_for, user, team, settings) -> None:
    settings.CERCLE_MAX_DOCUMENT_BYTES = 1024
    answer = client_for(user).post(
        reverse("documents:upload", args=[team.slug]),
        {"file": SimpleUploadedFile("offre.pdf", OFFER, "application/pdf"), "title": "Mon offre"},
    )
    assert answer.status_code == 413
    html = answer.content.decode()
    assert "trop volumineux" in html and 'value="Mon offre"' in html  # the text is kept
    assert not Document.objects.exists()


def test_a_refused_file_is_422_with_the_reason(client_for, user, team) -> None:
    answer = client_for(user, language="en").post(
        reverse("documents:upload", args=[team.slug]),
        {"file": SimpleUploadedFile("page.html", b"<script>alert(1)</script>")},
    )
    assert answer.status_code == 422
    assert "This type of file is not accepted" in answer.content.decode()
    assert not Document.objects.exists()


def test_versions_download_and_restore(client_for, user, other, team) -> None:
    document = add(user, team)
    services.version_add(
        actor=other,
        document=document,
        upload=services.Upload("offre.pdf", samples.pdf("Tarifs 2027")),
        note="Tarifs 2027",
    )
    client = client_for(user)
    html = client.get(document.get_absolute_url()).content.decode()
    assert "Tarifs 2027" in html and "Restaurer la version 1" in html
    first = DocumentVersion.objects.get(document=document, number=1)
    body = client.get(first.get_absolute_url())
    assert body.status_code == 200 and b"".join(body.streaming_content) == OFFER
    assert body["Content-Security-Policy"] == "sandbox"
    assert client.post(reverse("documents:restore", args=[document.pk, 1])).status_code == 302
    document.refresh_from_db()
    assert document.current.number == 3 and document.current.restored_from_id == first.pk


def test_a_version_upload_one_may_not_make_is_refused(client_for, user, team) -> None:
    document = add(user, team)
    stranger = UserFactory()
    answer = client_for(stranger).post(
        reverse("documents:new_version", args=[document.pk]),
        {"file": SimpleUploadedFile("x.pdf", samples.pdf("x"), "application/pdf")},
    )
    assert answer.status_code == 404
    assert document.versions.count() == 1


def test_the_editing_flag_warns_the_others(client_for, user, other, team) -> None:
    document = add(user, team)
    client_for(other).post(reverse("documents:editing", args=[document.pk]), {"on": "1"})
    html = client_for(user).get(document.get_absolute_url()).content.decode()
    assert "Alexandra Girard modifie ce document" in html


def test_search_finds_a_document_by_its_text_with_the_page(client_for, user, team) -> None:
    add(user, team)
    run_pending()
    html = (
        client_for(user)
        .get(reverse("search:search"), {"q": "grille tarifaire", "tab": "documents"})
        .content.decode()
    )
    assert "Offre type maintenance.pdf" in html
    assert "<mark>Grille</mark> <mark>tarifaire</mark>" in html
    assert "page 2" in html and "#page-2" in html
    stranger_html = (
        client_for(UserFactory())
        .get(reverse("search:search"), {"q": "grille tarifaire", "tab": "documents"})
        .content.decode()
    )
    assert "Offre type maintenance" not in stranger_html


def test_reference_material_across_my_communities(client_for, user, other, team) -> None:
    from cercle.communities import services as communities

    add(user, team, reference="template")
    add(user, team, data=samples.pdf("Notes"), name="Notes.pdf")  # not reference material
    elsewhere = communities.community_create(actor=other, name="Achats", kind="open")
    services.document_add(
        actor=other,
        community=elsewhere,
        upload=services.Upload("Charte achats.pdf", samples.pdf("Charte")),
        reference="reference",
    )
    html = client_for(user).get(reverse("documents:references")).content.decode()
    assert "Offre type maintenance.pdf" in html and "Modèle" in html
    assert "Notes.pdf" not in html
    assert "Charte achats.pdf" not in html  # an open community Thomas has not joined
    assert "Charte achats.pdf" in (
        client_for(user)
        .get(reverse("documents:references"), {"community": elsewhere.slug})
        .content.decode()
    )
    stranger = client_for(UserFactory())
    assert (
        stranger.get(reverse("documents:references"), {"community": team.slug}).status_code == 404
    )
    assert "Offre type" not in stranger.get(reverse("documents:references")).content.decode()
