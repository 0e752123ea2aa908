"""The library's writes: documents, versions, restores, folders, and what they refuse."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from cercle.access import NotFound
from cercle.communities import services as communities
from cercle.documents import services
from cercle.documents.models import Document, DocumentPage, DocumentVersion, Folder, PreviewState
from cercle.search.models import EntryKind, SearchEntry
from cercle.tasks.worker import run_pending
from tests.documents import samples
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

OFFER = samples.pdf("Offre type maintenance préventive", "Grille tarifaire des visites")


def add(actor, community, data=OFFER, name="Offre type maintenance.pdf", **kwargs):
    return services.document_add(
        actor=actor, community=community, upload=services.Upload(name, data), **kwargs
    )


def test_adding_a_file_makes_version_1_and_reads_it_in_the_background(user, team) -> None:
    document = add(user, team, note="Première version")
    version = document.current
    assert (document.title, document.version_count) == ("Offre type maintenance.pdf", 1)
    assert (version.number, version.kind, version.note) == (1, "pdf", "Première version")
    assert version.preview == PreviewState.PENDING
    entry = SearchEntry.objects.get(kind=EntryKind.DOCUMENT, object_id=document.pk)
    assert "mainten" in entry.terms_fr.split() and entry.text == ""  # its name, not its text yet

    assert run_pending() >= 1
    version.refresh_from_db()
    assert (version.preview, version.page_count, version.problem) == (PreviewState.READY, 2, "")
    pages = list(version.pages.order_by("number"))
    assert [p.number for p in pages] == [1, 2]
    assert "Grille tarifaire" in pages[1].text
    assert pages[1].image.name and default_storage.exists(pages[1].image.name)
    entry.refresh_from_db()
    assert "Grille tarifaire" in entry.text and "\f" in entry.text
    assert run_pending() == 0  # nothing left, nothing done twice


def test_new_versions_number_up_and_restoring_adds_one(user, other, team) -> None:
    document = add(user, team)
    v2 = services.version_add(
        actor=other,
        document=document,
        upload=services.Upload("offre.pdf", samples.pdf("Tarifs 2027")),
        note="Tarifs 2027",
    )
    assert (v2.number, v2.uploaded_by, document.current, document.version_count) == (
        2,
        other,
        v2,
        2,
    )
    v3 = services.version_restore(actor=user, document=document, number=1)
    assert v3.number == 3 and v3.restored_from.number == 1
    assert v3.sha256 == DocumentVersion.objects.get(document=document, number=1).sha256
    assert v3.note == "Version 1 restaurée"
    assert default_storage.open(v3.file.name).read() == OFFER
    assert list(document.versions.values_list("number", flat=True)) == [3, 2, 1]


def test_the_same_bytes_again_are_not_a_new_version(user, team) -> None:
    document = add(user, team)
    with pytest.raises(ValidationError) as error:
        services.version_add(
            actor=user, document=document, upload=services.Upload("copie.pdf", OFFER)
        )
    assert "identique à la version actuelle (v1)" in str(error.value.message_dict["file"])
    with pytest.raises(ValidationError):
        services.version_restore(actor=user, document=document, number=1)
    with pytest.raises(ValidationError):
        services.version_restore(actor=user, document=document, number=9)
    assert DocumentVersion.objects.filter(document=document).count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("vide.pdf", b"", "Le fichier est vide."),
        ("page.html", b"<html><script>alert(1)</script></html>", "Ce type de fichier"),
        ("macro.docx", samples.docx("x")[:0] + b"PK\x03\x04garbage", "Ce type de fichier"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(user, team, name, data, message) -> None:
    with pytest.raises(ValidationError) as error:
        add(user, team, data=data, name=name)
    assert message in " ".join(error.value.message_dict["file"])
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused(user, team, settings) -> None:
    settings.CERCLE_MAX_DOCUMENT_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        add(user, team)
    assert "trop volumineux" in " ".join(error.value.message_dict["file"])
    assert not Document.objects.exists()


def test_only_members_add_and_strangers_do_not_even_see(user, team) -> None:
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):  # a private community shows its name, not its files
        add(stranger, team)
    document = add(user, team)
    with pytest.raises(NotFound):
        services.version_add(
            actor=stranger, document=document, upload=services.Upload("x.pdf", samples.pdf("x"))
        )
    with pytest.raises(NotFound):
        services.document_delete(actor=stranger, document=document)


def test_an_archived_library_is_read_only(user, team) -> None:
    document = add(user, team)
    communities.community_archive(actor=user, community=team, archived=True)
    document.community.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.version_add(
            actor=user, document=document, upload=services.Upload("x.pdf", samples.pdf("x"))
        )
    with pytest.raises(PermissionDenied):
        services.document_delete(actor=user, document=document)
    with pytest.raises(PermissionDenied):
        add(user, team)


def test_who_deletes_and_every_file_goes(
    user, other, team, django_capture_on_commit_callbacks
) -> None:
    document = add(other, team)
    run_pending()
    names = [document.current.file.name, *DocumentPage.objects.values_list("image", flat=True)]
    member = UserFactory()
    communities.community_invite(actor=user, community=team, user=member)
    communities.community_join(actor=member, community=team)
    with pytest.raises(PermissionDenied):  # neither its author nor a manager
        services.document_delete(actor=member, document=document)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(actor=user, document=document)  # the community's owner
    assert not Document.objects.exists() and not SearchEntry.objects.filter(kind="document")
    assert all(not default_storage.exists(name) for name in names)


def test_folders_nest_and_refuse_twins_and_deletion_while_full(user, team) -> None:
    offers = services.folder_create(actor=user, community=team, name="Offres")
    with pytest.raises(ValidationError):
        services.folder_create(actor=user, community=team, name=" offres ")
    inner = services.folder_create(actor=user, community=team, name="2027", parent=offers)
    document = add(user, team, folder=inner)
    with pytest.raises(ValidationError):
        services.folder_delete(actor=user, folder=inner)
    services.document_update(actor=user, document=document, folder=None)
    services.folder_delete(actor=user, folder=inner)
    assert list(Folder.objects.values_list("name", flat=True)) == ["Offres"]


def test_a_folder_of_another_library_is_refused(user, team) -> None:
    elsewhere = communities.community_create(actor=user, name="Autre", kind="open")
    folder = services.folder_create(actor=user, community=elsewhere, name="Ailleurs")
    with pytest.raises(ValidationError):
        add(user, team, folder=folder)


def test_being_edited_is_a_flag_lifted_by_a_new_version(user, other, team) -> None:
    document = add(user, team)
    services.editing_start(actor=other, document=document)
    assert services.editor_now(document) == other
    services.version_add(
        actor=other, document=document, upload=services.Upload("o.pdf", samples.pdf("v2"))
    )
    document.refresh_from_db()
    assert services.editor_now(document) is None


def test_unreadable_files_are_kept_flagged_and_found_by_name(user, team) -> None:
    document = add(user, team, data=samples.pdf("x", password="pw"), name="Contrat signé.pdf")
    run_pending()
    version = DocumentVersion.objects.get(document=document)
    assert (version.preview, version.problem) == (PreviewState.NONE, "encrypted")
    assert default_storage.exists(version.file.name)
    entry = SearchEntry.objects.get(kind=EntryKind.DOCUMENT, object_id=document.pk)
    assert "contrat" in entry.terms_fr.split()


def test_deleting_a_community_deletes_its_library(user, team) -> None:
    from django.db.models import RestrictedError

    from cercle.communities.models import Community

    folder = services.folder_create(actor=user, community=team, name="Offres")
    add(user, team, folder=folder)
    with pytest.raises(RestrictedError):  # a folder alone is emptied first
        folder.delete()
    Community.objects.filter(pk=team.pk).delete()
    assert not Document.objects.exists() and not Folder.objects.exists()
