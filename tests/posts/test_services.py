from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cercle.access import NotFound
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import services
from cercle.posts.models import Comment, Hashtag, Mention, Post, PostHashtag, PostRevision, Reaction
from tests.conftest import make_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_post_renders_markdown_hashtags_and_mentions(user, other) -> None:
    post = services.post_create(
        author=user,
        body=f"**Bonjour** @{other.handle}, voir #Réseau et #reseau https://example.com",
    )
    assert "<strong>Bonjour</strong>" in post.body_html
    assert f'href="/people/{other.pk}/"' in post.body_html
    assert 'href="/tags/reseau/"' in post.body_html
    assert 'rel="noopener nofollow"' in post.body_html
    assert Hashtag.objects.get().key == "reseau"  # one tag whatever the accents and case
    assert list(Mention.objects.values_list("user_id", flat=True)) == [other.pk]


def test_empty_post_is_refused_and_nothing_is_written(user) -> None:
    with pytest.raises(ValidationError) as exc:
        services.post_create(author=user, body="   ")
    assert "body" in exc.value.message_dict
    assert not Post.objects.exists()


def test_a_bad_attachment_refuses_the_whole_post(user) -> None:
    with pytest.raises(ValidationError) as exc:
        services.post_create(
            author=user,
            body="Avec fichiers",
            uploads=[
                services.Upload("ok.png", make_image()),
                services.Upload("page.html", b"<script>alert(1)</script>"),
            ],
        )
    assert "attachments" in exc.value.message_dict
    assert not Post.objects.exists()


def test_same_client_token_creates_one_post(user) -> None:
    first = services.post_create(author=user, body="Une fois", client_token="abc")
    again = services.post_create(author=user, body="Une fois", client_token="abc")
    assert first.pk == again.pk
    assert Post.objects.count() == 1


def test_posting_in_a_community_needs_membership(user, other) -> None:
    open_ = communities.community_create(actor=other, name="Veille", kind=CommunityKind.OPEN)
    secret = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    with pytest.raises(PermissionDenied):
        services.post_create(author=user, community=open_, body="Bonjour")
    with pytest.raises(NotFound):  # a secret community does not exist for outsiders
        services.post_create(author=user, community=secret, body="Bonjour")
    communities.community_join(actor=user, community=open_)
    assert services.post_create(author=user, community=open_, body="Bonjour").community == open_


def test_edit_keeps_the_previous_version(user) -> None:
    post = services.post_create(author=user, body="Version 1 #avant")
    services.post_edit(actor=user, post=post, body="Version 2 #apres")
    post.refresh_from_db()
    assert post.edited_at is not None
    assert list(PostRevision.objects.values_list("body", flat=True)) == ["Version 1 #avant"]
    assert list(post.hashtags.values_list("key", flat=True)) == ["apres"]


def test_only_the_author_edits(user, other) -> None:
    post = services.post_create(author=user, body="À moi")
    with pytest.raises(PermissionDenied):
        services.post_edit(actor=other, post=post, body="Piraté")


def test_delete_by_author_manager_and_admin_only(user, other, staff) -> None:
    community = communities.community_create(actor=other, name="Projet", kind=CommunityKind.OPEN)
    communities.community_join(actor=user, community=community)
    post = services.post_create(author=user, community=community, body="Hello")
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.post_delete(actor=stranger, post=post)
    services.post_delete(actor=other, post=post)  # the owner moderates
    assert not Post.objects.exists()
    post = services.post_create(author=user, community=community, body="Again")
    services.post_delete(actor=staff, post=post)
    assert community.audit_entries.filter(action="delete_post", actor=staff).exists()


def test_replies_stay_one_level_deep_and_count(user, other) -> None:
    post = services.post_create(author=user, body="Question ?")
    top = services.comment_create(author=other, post=post, body="Réponse")
    reply = services.comment_create(author=user, post=post, body="Merci", parent=top)
    deeper = services.comment_create(author=other, post=post, body="De rien", parent=reply)
    assert deeper.parent_id == top.pk
    post.refresh_from_db()
    assert post.comment_count == 3
    services.comment_delete(actor=other, comment=top)  # removes its replies too
    post.refresh_from_db()
    assert post.comment_count == 0
    assert not Comment.objects.exists()


def test_reactions_are_idempotent(user, other) -> None:
    post = services.post_create(author=user, body="Bravo")
    for _ in range(2):
        services.reaction_set(user=other, post=post, emoji="celebrate", on=True)
    assert Reaction.objects.count() == 1
    services.reaction_set(user=other, post=post, emoji="celebrate", on=False)
    services.reaction_set(user=other, post=post, emoji="celebrate", on=False)
    assert Reaction.objects.count() == 0
    with pytest.raises(ValidationError):
        services.reaction_set(user=other, post=post, emoji="poop", on=True)


def test_praise_thanks_colleagues(user, other) -> None:
    post = services.post_create(author=user, body="Merci pour l'article !", praised=[other])
    assert post.kind == "praise"
    assert list(post.praise_recipients.values_list("user_id", flat=True)) == [other.pk]
    with pytest.raises(ValidationError):
        services.post_create(author=user, body="Moi-même", praised=[user])


def test_share_points_to_the_original(user, other) -> None:
    original = services.post_create(author=user, body="Original")
    share = services.post_create(author=other, body="À lire", shared_post=original)
    reshare = services.post_create(author=user, body="", shared_post=share)
    assert share.shared_post == original
    assert reshare.shared_post == original  # a share of a share points to the original


def test_cannot_share_what_you_cannot_see(user, other) -> None:
    secret = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    hidden = services.post_create(author=other, community=secret, body="Confidentiel")
    with pytest.raises(ValidationError) as refused:
        services.post_create(author=user, body="", shared_post=hidden)
    # Told as a field of the request, exactly as for a post that does not exist.
    assert refused.value.message_dict == {"shared_post": ["Ce message n'existe pas."]}
    assert Post.objects.filter(author=user).count() == 0


def test_archived_community_is_read_only(user, other) -> None:
    community = communities.community_create(actor=other, name="Ancien", kind=CommunityKind.OPEN)
    post = services.post_create(author=other, community=community, body="Avant")
    communities.community_archive(actor=other, community=community, archived=True)
    with pytest.raises(PermissionDenied):
        services.post_create(author=other, community=community, body="Après")
    with pytest.raises(PermissionDenied):
        services.comment_create(author=user, post=post, body="Non")


def test_hashtags_are_created_once_and_edits_resync_them(user, other) -> None:
    post = services.post_create(author=user, body="#Veille #veille #Qualité @" + other.handle)
    assert sorted(Hashtag.objects.values_list("key", flat=True)) == ["qualite", "veille"]
    assert Hashtag.objects.get(key="veille").name == "Veille"  # the first spelling met
    services.post_create(author=other, body="encore #veille et #nouveau")
    assert Hashtag.objects.count() == 3
    services.post_edit(actor=user, post=post, body="plus que #qualite")
    assert list(post.post_hashtags.values_list("hashtag__key", flat=True)) == ["qualite"]
    assert not Mention.objects.filter(post=post).exists()


def test_hashtag_stream_pages_newest_first_without_what_the_viewer_cannot_see(user, other) -> None:
    """A topic's page walks its uses, which carry their post's date (edits keep it)."""
    from cercle.posts import selectors

    secret = communities.community_create(actor=other, name="Codir", kind=CommunityKind.SECRET)
    expected = []
    for i in range(7):
        expected.append(services.post_create(author=other, body=f"#veille numéro {i}").pk)
        services.post_create(author=other, body=f"sans étiquette {i}")
    services.post_create(author=other, community=secret, body="#veille secrète")
    edited = Post.objects.get(pk=expected[2])
    services.post_edit(actor=other, post=edited, body="#veille et #qualite, relu")
    for use in PostHashtag.objects.select_related("post"):
        assert use.created_at == use.post.created_at
    tag = Hashtag.objects.get(key="veille")
    first = selectors.stream(viewer=user, hashtag=tag, limit=4)
    rest = selectors.stream(viewer=user, hashtag=tag, cursor=first.next_cursor, limit=4)
    assert [p.pk for p in first.items + rest.items] == expected[::-1]
    assert rest.next_cursor is None
