"""A document in the feeds: its post (added, updated, grouped), its discussion, following
a document or a folder, and the notifications they send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cercle.access import NotFound
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.documents import services
from cercle.documents.models import Document
from cercle.feed.selectors import feed
from cercle.follows import services as follows
from cercle.follows.models import AttentionLevel, SourceKind
from cercle.notifications.models import EmailChoice, Event, Notification
from cercle.posts import services as posts
from cercle.posts.models import Comment, Post, PostKind
from cercle.search.models import EntryKind, SearchEntry
from tests.documents import samples
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)


def add(actor, community, name="Offre type maintenance.txt", text="Offre v1", **kwargs):
    return services.document_add(
        actor=actor,
        community=community,
        upload=services.Upload(name, text.encode()),
        **kwargs,
    )


def update(actor, document, text, note=""):
    return services.version_add(
        actor=actor,
        document=document,
        upload=services.Upload("offre.txt", text.encode()),
        note=note,
    )


def quiet_for(document, hours=2):
    """As if the document's post last came up ``hours`` ago."""
    earlier = timezone.now() - timedelta(hours=hours)
    Post.objects.filter(pk=document.post_id).update(created_at=earlier, last_activity_at=earlier)


def feed_ids(person):
    return [card.pk for card in feed(viewer=person).items]


def test_a_new_document_is_a_post_of_its_community_with_its_card(
    user, other, team, client_for
) -> None:
    document = add(user, team, note="Première version", description="Pour les appels d'offres")
    post = document.post
    assert (post.kind, post.community, post.author, post.body) == (
        PostKind.DOCUMENT,
        team,
        user,
        "",
    )
    assert feed_ids(other) == [post.pk]

    page = client_for(other).get(reverse("home")).content.decode()
    assert "a ajouté un document" in page
    assert f'href="{document.get_absolute_url()}"' in page and "Offre type maintenance.txt" in page
    assert "Première version" in page and "v1" in page

    item = client_for(other).get("/api/v1/feed").json()["items"][0]
    assert item["kind"] == "document" and item["body"] == ""
    shown = item["document"]
    assert (shown["id"], shown["title"], shown["version"], shown["note"]) == (
        document.pk,
        "Offre type maintenance.txt",
        1,
        "Première version",
    )
    assert shown["changed_by"]["id"] == user.pk and shown["file_url"].endswith("/v1/")
    assert item["permissions"] == {
        "edit": False,
        "delete": False,
        "pin": False,
        "comment": True,
        "hide": False,
        "move": False,
    }


def test_versions_within_the_hour_are_one_item_and_a_later_one_lifts_it(
    user, other, team, client_for
) -> None:
    document = add(user, team)
    first_seen = Post.objects.get(pk=document.post_id).created_at
    for n in range(2, 5):  # three saves in a row
        update(other, document, f"Offre v{n}")
    post = Post.objects.get(pk=document.post_id)
    assert post.created_at == first_seen  # grouped: not lifted again
    item = client_for(user).get("/api/v1/feed").json()["items"][0]
    assert item["document"]["version"] == 4 and item["document"]["versions_since"] == 4
    assert item["document"]["changed_by"]["id"] == other.pk
    page = client_for(user).get(reverse("home")).content.decode()
    assert "Alexandra Girard" in page and "a mis à jour un document" in page
    assert "4 nouvelles versions à la suite" in page

    later = add(user, team, name="Grille tarifaire.txt", text="Tarifs")
    quiet_for(document)
    update(other, document, "Offre v5", note="Tarifs 2027")
    post.refresh_from_db()
    assert post.created_at > first_seen
    assert feed_ids(user)[:2] == [document.post_id, later.post_id]  # on top again
    item = client_for(user).get("/api/v1/feed").json()["items"][0]
    assert (item["document"]["version"], item["document"]["versions_since"]) == (5, 1)
    assert item["document"]["note"] == "Tarifs 2027"


def test_a_restore_says_so(user, team, client_for) -> None:
    document = add(user, team)
    update(user, document, "Offre v2")
    quiet_for(document)
    services.version_restore(actor=user, document=document, number=1)
    page = client_for(user).get(reverse("home")).content.decode()
    assert "a restauré une version antérieure" in page


def test_the_documents_post_follows_the_document_and_not_the_post_rules(
    user, other, team, client_for
) -> None:
    document = add(user, team)
    post = document.post
    answer = client_for(user).delete(f"/api/v1/posts/{post.pk}")
    assert answer.status_code == 403
    with pytest.raises(PermissionDenied):
        posts.post_edit(actor=user, post=post, body="Un texte")
    assert Post.objects.filter(pk=post.pk, body="").exists()

    comment = posts.comment_create(author=other, post=post, body="Il manque la page 3")
    services.document_delete(actor=user, document=document)
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_the_document_page_holds_its_discussion(user, other, team, client_for) -> None:
    document = add(user, team)
    browser = client_for(other)
    answer = browser.post(
        reverse("posts:comment_create", args=[document.post_id]),
        {"body": "@thomas la grille est-elle à jour ?", "client_token": "c1"},
        headers={"hx-request": "true"},
    )
    assert answer.status_code == 200
    page = browser.get(document.get_absolute_url()).content.decode()
    assert "Discussion" in page and "la grille est-elle à jour" in page
    assert f'id="reactions-{document.post_id}-0"' in page  # its reactions
    mention = Notification.objects.get(recipient=user, event=Event.MENTION)
    assert mention.post_id == document.post_id


def test_search_finds_the_document_once_not_its_post(user, team) -> None:
    document = add(user, team)
    assert SearchEntry.objects.filter(kind=EntryKind.DOCUMENT, object_id=document.pk).exists()
    assert not SearchEntry.objects.filter(kind=EntryKind.POST, object_id=document.post_id).exists()


def test_following_a_document_brings_it_from_a_community_one_is_not_in(user, team) -> None:
    open_club = communities.community_create(
        actor=user, name="Veille marchés", kind=CommunityKind.OPEN
    )
    document = add(user, open_club)
    reader = UserFactory()
    assert document.post_id not in feed_ids(reader)
    follows.attention_set(
        user=reader,
        source_kind=SourceKind.DOCUMENT,
        source_id=document.pk,
        level=AttentionLevel.FEED,
    )
    assert feed_ids(reader) == [document.post_id]
    follows.attention_set(
        user=reader, source_kind=SourceKind.DOCUMENT, source_id=document.pk, level="none"
    )
    assert feed_ids(reader) == []


def test_a_followed_folder_covers_its_subfolders_and_a_muted_one_hides_them(
    user, other, team
) -> None:
    club = communities.community_create(actor=user, name="Appels", kind=CommunityKind.OPEN)
    kit = services.folder_create(actor=user, community=club, name="Kit appel d'offres")
    sub = services.folder_create(actor=user, community=club, name="Modèles", parent=kit)
    inside = add(user, club, folder=sub)
    outside = add(user, club, name="Autre.txt", text="Autre")
    reader = UserFactory()
    follows.attention_set(
        user=reader, source_kind=SourceKind.FOLDER, source_id=kit.pk, level=AttentionLevel.FEED
    )
    assert feed_ids(reader) == [inside.post_id]

    # Alexandra is in the private team; she mutes a folder there, and the rest stays.
    muted_kit = services.folder_create(actor=user, community=team, name="Archives")
    hidden = add(user, team, folder=muted_kit, name="Vieux.txt", text="Vieux")
    shown = add(user, team, name="Récent.txt", text="Récent")
    follows.attention_set(
        user=other,
        source_kind=SourceKind.FOLDER,
        source_id=muted_kit.pk,
        level=AttentionLevel.MUTE,
    )
    ids = feed_ids(other)
    assert shown.post_id in ids and hidden.post_id not in ids and outside.post_id not in ids


def test_a_followed_document_survives_its_muted_community(user, other, team) -> None:
    document = add(user, team)
    other_one = add(user, team, name="Autre.txt", text="Autre")
    follows.attention_set(
        user=other, source_kind=SourceKind.COMMUNITY, source_id=team.pk, level=AttentionLevel.MUTE
    )
    assert feed_ids(other) == []
    follows.attention_set(
        user=other,
        source_kind=SourceKind.DOCUMENT,
        source_id=document.pk,
        level=AttentionLevel.FEED,
    )
    assert feed_ids(other) == [document.post_id]
    assert other_one.post_id not in feed_ids(other)


def test_following_refuses_what_one_cannot_see_and_unknown_levels(user, other, team) -> None:
    document = add(user, team)
    outsider = UserFactory()
    with pytest.raises(NotFound):
        follows.attention_set(
            user=outsider,
            source_kind=SourceKind.DOCUMENT,
            source_id=document.pk,
            level=AttentionLevel.FEED,
        )
    with pytest.raises(ValidationError):  # "none" is for documents and folders only
        follows.attention_set(
            user=other, source_kind=SourceKind.COMMUNITY, source_id=team.pk, level="none"
        )
    with pytest.raises(ValidationError):
        follows.attention_set(
            user=other, source_kind=SourceKind.DOCUMENT, source_id=document.pk, level="loud"
        )
    assert not outsider.attention_settings.exists() and not other.attention_settings.exists()


def test_the_follow_control_on_the_document_page(user, other, team, client_for) -> None:
    document = add(user, team)
    browser = client_for(other)
    page = browser.get(document.get_absolute_url()).content.decode()
    assert "Suivre ce document" in page and '<option value="none" selected>' in page
    answer = browser.post(
        reverse("follows:attention"),
        {"source_kind": "document", "source_id": document.pk, "level": "notify"},
        headers={"hx-request": "true"},
    )
    assert answer.status_code == 200
    assert '<option value="notify" selected>' in answer.content.decode()
    page = browser.get(document.get_absolute_url()).content.decode()
    assert '<option value="notify" selected>' in page


def test_notify_on_a_document_is_one_notification_for_a_burst(user, other, team) -> None:
    document = add(user, team)
    follows.attention_set(
        user=user,
        source_kind=SourceKind.DOCUMENT,
        source_id=document.pk,
        level=AttentionLevel.NOTIFY,
    )
    for n in range(2, 5):
        update(other, document, f"Offre v{n}")
    told = Notification.objects.get(recipient=user, event=Event.DOCUMENT)
    assert (told.post_id, told.actor, told.in_app) == (document.post_id, other, True)
    from cercle.notifications import describe

    assert "Alexandra Girard" in describe.text(told)
    assert describe.excerpt(told) == "Offre type maintenance.txt"
    assert describe.target_url(told) == document.get_absolute_url()


def test_the_most_specific_choice_wins(user, other, team) -> None:
    archives = services.folder_create(actor=user, community=team, name="Archives")
    document = add(user, team, folder=archives)
    # Alexandra: community on "notify", but this folder muted: not told.
    follows.attention_set(
        user=other,
        source_kind=SourceKind.COMMUNITY,
        source_id=team.pk,
        level=AttentionLevel.NOTIFY,
    )
    follows.attention_set(
        user=other,
        source_kind=SourceKind.FOLDER,
        source_id=archives.pk,
        level=AttentionLevel.MUTE,
    )
    # A third member: community muted, but this document in the digest.
    third = UserFactory()
    communities.community_invite(actor=user, community=team, user=third)
    communities.community_join(actor=third, community=team)
    follows.attention_set(
        user=third, source_kind=SourceKind.COMMUNITY, source_id=team.pk, level=AttentionLevel.MUTE
    )
    follows.attention_set(
        user=third,
        source_kind=SourceKind.DOCUMENT,
        source_id=document.pk,
        level=AttentionLevel.DIGEST,
    )
    update(user, document, "Offre v2")
    assert not Notification.objects.filter(recipient=other, event=Event.DOCUMENT).exists()
    digest = Notification.objects.get(recipient=third, event=Event.DOCUMENT)
    assert (digest.in_app, digest.email) == (False, EmailChoice.DIGEST)


def test_a_document_added_to_a_notify_community_tells_its_watchers_once(user, other, team) -> None:
    follows.attention_set(
        user=other,
        source_kind=SourceKind.COMMUNITY,
        source_id=team.pk,
        level=AttentionLevel.NOTIFY,
    )
    document = add(user, team)
    told = Notification.objects.filter(recipient=other).exclude(event=Event.INVITATION)
    assert [(n.event, n.post_id) for n in told] == [(Event.DOCUMENT, document.post_id)]


def test_existing_documents_get_their_post_from_the_migration(user, team) -> None:
    """The data migration's function, on a document written without a post."""
    from importlib import import_module

    from django.apps import apps

    document = add(user, team)
    Document.objects.filter(pk=document.pk).update(post=None)
    Post.objects.filter(pk=document.post_id).delete()
    migration = import_module("cercle.documents.migrations.0002_discussion")
    migration.discussions(apps, None)
    document.refresh_from_db()
    assert document.post is not None and document.post.kind == PostKind.DOCUMENT
    assert document.post.created_at == document.updated_at


def test_the_card_shows_the_first_page_once_read(user, other, team, client_for) -> None:
    from cercle.tasks.worker import run_pending

    document = services.document_add(
        actor=user,
        community=team,
        upload=services.Upload("Offre.pdf", samples.pdf("Offre type", "Grille")),
    )
    item = client_for(other).get("/api/v1/feed").json()["items"][0]
    assert item["document"]["preview_url"] is None
    run_pending()
    item = client_for(other).get("/api/v1/feed").json()["items"][0]
    assert item["document"]["preview_url"].startswith("/documents/pages/")
    assert client_for(other).get(item["document"]["preview_url"]).status_code == 200
    assert document.pk == item["document"]["id"]


def test_the_api_follows_and_unfollows_a_document(user, other, team, client_for) -> None:
    document = add(user, team)
    api = client_for(other)
    url = f"/api/v1/attention/document/{document.pk}"
    answer = api.put(url, {"level": "notify"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["level"] == "notify"
    assert other.attention_settings.get().level == AttentionLevel.NOTIFY
    assert api.delete(url).status_code == 204
    assert not other.attention_settings.exists()
    assert api.delete(url).status_code == 204  # idempotent
    outsider = client_for(UserFactory())
    answer = outsider.put(url, {"level": "feed"}, content_type="application/json")
    assert answer.status_code == 404
    answer = api.put(url, {"level": "loud"}, content_type="application/json")
    assert answer.status_code == 422 and not other.attention_settings.exists()


def test_the_follow_control_on_a_folder_page(user, other, team, client_for) -> None:
    kit = services.folder_create(actor=user, community=team, name="Kit appel d'offres")
    browser = client_for(other)
    page = browser.get(kit.get_absolute_url()).content.decode()
    assert "Suivre ce dossier" in page
    top = browser.get(reverse("documents:library", args=[team.slug])).content.decode()
    assert "Suivre ce dossier" not in top  # the whole library follows with its community
    browser.post(
        reverse("follows:attention"),
        {"source_kind": "folder", "source_id": kit.pk, "level": "digest"},
    )
    page = browser.get(kit.get_absolute_url()).content.decode()
    assert '<option value="digest" selected>' in page


def test_a_follower_who_leaves_the_private_community_hears_and_sees_no_more(
    user, other, team
) -> None:
    from cercle.notifications import selectors as notices

    document = add(user, team)
    follows.attention_set(
        user=other,
        source_kind=SourceKind.DOCUMENT,
        source_id=document.pk,
        level=AttentionLevel.NOTIFY,
    )
    update(user, document, "Offre v2")
    assert notices.visible(other).filter(event=Event.DOCUMENT).count() == 1
    communities.community_leave(actor=other, community=team)
    assert not notices.visible(other).filter(event=Event.DOCUMENT).exists()  # no longer shown
    quiet_for(document)
    update(user, document, "Offre v3")
    assert Notification.objects.filter(recipient=other, event=Event.DOCUMENT).count() == 1
    assert feed_ids(other) == []  # the follow stays, the policy leaves it out
