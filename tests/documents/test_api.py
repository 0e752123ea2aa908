"""The library's API: the same services and rules as the pages, in JSON."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cercle.documents import services
from cercle.documents.models import Document
from tests.documents import samples
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OFFER = samples.pdf("Offre type maintenance")


def test_add_list_version_restore_and_download(client_for, user, other, team) -> None:
    client = client_for(user)
    folder = client.post(
        f"/api/v1/communities/{team.slug}/library/folders",
        {"name": "Offres"},
        content_type="application/json",
    ).json()
    created = client.post(
        f"/api/v1/communities/{team.slug}/library/documents",
        {
            "file": SimpleUploadedFile("offre.pdf", OFFER, "application/pdf"),
            "folder": folder["id"],
            "reference": "template",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["reference"], body["folder_id"]) == (
        "offre.pdf",
        "template",
        folder["id"],
    )
    assert body["current"]["preview"] == "pending" and body["can_edit"] is True
    listed = client.get(f"/api/v1/communities/{team.slug}/library?folder={folder['id']}").json()
    assert [d["id"] for d in listed["documents"]] == [body["id"]]
    assert [f["name"] for f in listed["path"]] == ["Offres"]

    v2 = client_for(other).post(
        f"/api/v1/documents/{body['id']}/versions",
        {
            "file": SimpleUploadedFile("offre.pdf", samples.pdf("v2"), "application/pdf"),
            "note": "v2",
        },
    )
    assert v2.status_code == 201 and v2.json()["number"] == 2
    restored = client.post(
        f"/api/v1/documents/{body['id']}/versions/1/restore", {}, content_type="application/json"
    )
    assert restored.status_code == 201 and restored.json()["restored_from"] == 1
    versions = client.get(f"/api/v1/documents/{body['id']}/versions").json()
    assert [v["number"] for v in versions] == [3, 2, 1]
    file = client.get(versions[2]["url"])
    assert file.status_code == 200 and b"".join(file.streaming_content) == OFFER


def test_refusals_are_clear(client_for, user, team, settings) -> None:
    client = client_for(user, language="en")
    url = f"/api/v1/communities/{team.slug}/library/documents"
    empty = client.post(url, {"file": SimpleUploadedFile("vide.txt", b"", "text/plain")})
    assert empty.status_code == 422
    assert empty.json()["error"]["fields"]["file"] == ["The file is empty."]
    settings.CERCLE_MAX_DOCUMENT_BYTES = 100
    big = client.post(url, {"file": SimpleUploadedFile("o.pdf", OFFER, "application/pdf")})
    assert big.status_code == 413
    assert not Document.objects.exists()


def test_strangers_get_404_and_non_members_403(client_for, user, team) -> None:
    document = services.document_add(
        actor=user, community=team, upload=services.Upload("offre.pdf", OFFER)
    )
    stranger = client_for(UserFactory())
    assert stranger.get(f"/api/v1/documents/{document.pk}").status_code == 404
    assert stranger.get(f"/api/v1/documents/{document.pk}/versions/1/file").status_code == 404
    assert stranger.get(f"/api/v1/communities/{team.slug}/library").status_code == 404
    answer = stranger.post(
        f"/api/v1/communities/{team.slug}/library/documents",
        {"file": SimpleUploadedFile("x.pdf", OFFER, "application/pdf")},
    )
    assert answer.status_code == 403  # a private community shows its name, not its library
    assert Document.objects.count() == 1


def test_edit_move_editing_flag_and_delete(client_for, user, other, team) -> None:
    document = services.document_add(
        actor=user, community=team, upload=services.Upload("offre.pdf", OFFER)
    )
    client = client_for(other)
    flagged = client.put(f"/api/v1/documents/{document.pk}/editing").json()
    assert flagged["editing_by"]["id"] == other.pk
    assert client.delete(f"/api/v1/documents/{document.pk}/editing").json()["editing_by"] is None
    renamed = client.patch(
        f"/api/v1/documents/{document.pk}",
        {"title": "Offre type maintenance", "reference": "reference"},
        content_type="application/json",
    ).json()
    assert (renamed["title"], renamed["reference"]) == ("Offre type maintenance", "reference")
    assert client.delete(f"/api/v1/documents/{document.pk}").status_code == 403  # not hers
    assert client_for(user).delete(f"/api/v1/documents/{document.pk}").status_code == 204


def test_the_search_api_finds_documents_by_their_text(client_for, user, team) -> None:
    from cercle.tasks.worker import run_pending

    services.document_add(
        actor=user,
        community=team,
        upload=services.Upload("tarifs.xlsx", samples.xlsx({"Tarifs": [["Visite annuelle", 450]]})),
    )
    run_pending()
    found = client_for(user).get("/api/v1/search", {"q": "visite annuelle", "type": "documents"})
    hit = found.json()["results"][0]
    assert (hit["kind"], hit["title"], hit["page_label"]) == ("document", "tarifs.xlsx", "Tarifs")
    assert "<mark>Visite</mark> <mark>annuelle</mark>" in hit["snippet_html"]
    stranger = client_for(UserFactory()).get(
        "/api/v1/search", {"q": "visite annuelle", "type": "documents"}
    )
    assert stranger.json()["count"] == 0
