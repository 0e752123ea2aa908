from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import html, services
from cercle.posts.models import Comment, Post, Reaction
from tests.conftest import make_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
PDF = b"%PDF-1.4\n% Memoire technique\n%%EOF\n"


def test_composer_posts_on_the_profile_with_htmx(logged_client, user) -> None:
    response = logged_client.post(
        reverse("posts:create"),
        {"body": "Premier message #bienvenue", "client_token": "t1"},
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    post = Post.objects.get()
    assert f'id="post-{post.pk}"' in body
    assert 'hx-swap-oob="true"' in body  # a fresh composer replaces the used one
    assert post.author == user and post.community is None


def test_double_submission_creates_one_post(logged_client) -> None:
    for _ in range(2):
        logged_client.post(reverse("posts:create"), {"body": "Une fois", "client_token": "same"})
    assert Post.objects.count() == 1


def test_invalid_post_keeps_the_text_and_explains(client_for, user) -> None:
    client = client_for(user, language="en")
    fake = SimpleUploadedFile(
        "notes.svg", b"<svg onload=alert(1)></svg>", content_type="image/svg+xml"
    )
    response = client.post(
        reverse("posts:create"), {"body": "Mon texte gardé", "attachments": [fake]}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#composer"
    body = response.content.decode()
    assert "Mon texte gardé" in body
    assert "not accepted" in body
    assert not Post.objects.exists()


def test_post_with_files_and_download_headers(logged_client, user, other) -> None:
    image = SimpleUploadedFile("photo.png", make_image(), content_type="image/png")
    pdf = SimpleUploadedFile("mémoire technique.pdf", PDF, content_type="application/pdf")
    logged_client.post(reverse("posts:create"), {"body": "Docs", "attachments": [image, pdf]})
    post = Post.objects.get()
    files = {a.kind: a for a in post.attachments.all()}
    download = logged_client.get(files["pdf"].get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("inline;")  # the browser's PDF viewer
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"
    thumb = logged_client.get(reverse("posts:thumbnail", args=[files["image"].pk]))
    assert thumb["Content-Type"] == "image/webp"
    page = logged_client.get(post.get_absolute_url()).content.decode()
    assert reverse("posts:thumbnail", args=[files["image"].pk]) in page


def test_comment_reply_and_reaction_with_htmx(logged_client, user, other) -> None:
    post = services.post_create(author=other, body="Qui a un mémoire technique ?")
    response = logged_client.post(
        reverse("posts:comment_create", args=[post.pk]),
        {
            "body": "Moi, le voici",
            "attachments": [SimpleUploadedFile("m.pdf", PDF, content_type="application/pdf")],
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    comment = Comment.objects.get()
    assert f'id="comment-{comment.pk}"' in response.content.decode()
    assert comment.attachments.count() == 1
    reply = logged_client.post(
        reverse("posts:comment_create", args=[post.pk]),
        {"body": "Précision", "parent": comment.pk},
        headers=HTMX,
    )
    assert reply.status_code == 200
    assert Comment.objects.filter(parent=comment).count() == 1
    for _ in range(2):  # pressing twice (same intent) is one reaction
        logged_client.post(reverse("posts:react", args=[post.pk]), {"add": "like"}, headers=HTMX)
    assert Reaction.objects.filter(post=post, comment=None).count() == 1
    bar = logged_client.post(
        reverse("posts:react", args=[post.pk]),
        {"add": "idea", "comment": comment.pk},
        headers=HTMX,
    )
    assert 'aria-pressed="true"' in bar.content.decode()
    assert 'name="remove" value="idea"' in bar.content.decode()  # pressing again takes it back
    who = logged_client.get(reverse("posts:reactors", args=[post.pk, "like"]))
    assert user.name in who.content.decode()
    for _ in range(2):
        logged_client.post(reverse("posts:react", args=[post.pk]), {"remove": "like"}, headers=HTMX)
    assert not Reaction.objects.filter(post=post, comment=None).exists()


def test_empty_comment_is_refused(logged_client, other) -> None:
    post = services.post_create(author=other, body="Question")
    response = logged_client.post(
        reverse("posts:comment_create", args=[post.pk]), {"body": " "}, headers=HTMX
    )
    assert response.status_code == 422
    assert not Comment.objects.exists()


def test_edit_and_delete(logged_client, user) -> None:
    post = services.post_create(author=user, body="Avant")
    form = logged_client.get(reverse("posts:edit", args=[post.pk]), headers=HTMX)
    assert "Avant" in form.content.decode()
    logged_client.post(reverse("posts:edit", args=[post.pk]), {"body": "Après"}, headers=HTMX)
    post.refresh_from_db()
    assert post.body == "Après" and post.revisions.count() == 1
    response = logged_client.post(reverse("posts:delete", args=[post.pk]), headers=HTMX)
    assert response.status_code == 200 and response.content == b""
    assert not Post.objects.exists()


def test_cannot_edit_or_delete_others_posts(logged_client, other) -> None:
    post = services.post_create(author=other, body="Pas à toi")
    assert logged_client.get(reverse("posts:edit", args=[post.pk])).status_code == 403
    assert logged_client.post(reverse("posts:delete", args=[post.pk])).status_code == 403
    assert Post.objects.filter(pk=post.pk, body="Pas à toi").exists()


def test_share_page(logged_client, user, other) -> None:
    community = communities.community_create(actor=user, name="Veille", kind=CommunityKind.OPEN)
    original = services.post_create(author=other, body="Article sur Python")
    page = logged_client.get(reverse("posts:share", args=[original.pk]))
    assert "Veille" in page.content.decode()
    response = logged_client.post(
        reverse("posts:share", args=[original.pk]),
        {"destination": community.slug, "body": "À lire"},
    )
    share = Post.objects.get(kind="share")
    assert response.status_code == 302 and share.community == community
    assert share.shared_post == original


def test_hashtag_page_and_follow(logged_client, user, other) -> None:
    services.post_create(author=other, body="Nouveautés #Veille")
    page = logged_client.get("/tags/veille/")
    assert page.status_code == 200 and "Nouveautés" in page.content.decode()
    logged_client.post("/tags/veille/follow/", {"on": "1"})
    logged_client.post("/tags/veille/follow/", {"on": "1"})
    assert user.hashtag_follows.count() == 1
    assert logged_client.get("/tags/inconnu/").status_code == 404


def test_stream_pages_through_the_cursor(logged_client, user) -> None:
    for i in range(25):
        services.post_create(author=user, body=f"Message {i}")
    first = logged_client.get(reverse("accounts:profile", args=[user.pk]))
    page = first.context["page"]
    assert len(page.items) == 20 and page.next_cursor
    more = logged_client.get(
        reverse("posts:stream"), {"author": user.pk, "cursor": page.next_cursor}
    )
    assert more.content.decode().count('class="card post"') == 5
    assert (
        logged_client.get(
            reverse("posts:stream"), {"author": user.pk, "cursor": "garbage"}
        ).status_code
        == 200
    )
    assert logged_client.get(reverse("posts:stream")).status_code == 404


def _fill_community(owner, count: int):
    community = communities.community_create(actor=owner, name="Grande", kind=CommunityKind.OPEN)
    people = [UserFactory() for _ in range(5)]
    for person in people:
        communities.community_join(actor=person, community=community)
    for i in range(count):
        author = people[i % 5]
        post = services.post_create(
            author=author,
            community=community,
            body=f"Post {i} #tag{i % 3} @{owner.handle}",
            uploads=[services.Upload("f.pdf", PDF)],
            praised=[owner] if i % 4 == 0 else (),
        )
        services.reaction_set(user=owner, post=post, emoji="like", on=True)
        comment = services.comment_create(author=owner, post=post, body="Merci")
        services.reaction_set(user=author, post=post, comment=comment, emoji="done", on=True)
    return community


@pytest.mark.parametrize("count", [3, 15])
def test_list_pages_have_a_constant_number_of_queries(
    client_for, user, django_assert_max_num_queries, count
) -> None:
    community = _fill_community(user, count)
    client = client_for(user)
    post = community.posts.first()
    # Bounds measured once; they must not depend on `count`.
    with django_assert_max_num_queries(22):
        assert client.get(community.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("accounts:profile", args=[user.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/tags/tag1/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("communities:members", args=[community.slug])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(post.get_absolute_url()).status_code == 200


def test_cards_speak_each_readers_language_one_after_the_other(client_for, user, other) -> None:
    """The cards' labels are remembered per language: readers in turn never get another's."""
    from cercle.posts.services import post_create

    post_create(author=user, body="Bonjour à tous")
    french, english = client_for(user, language="fr"), client_for(other, language="en")
    for _ in range(2):
        assert "Supprimer" in french.get(reverse("home")).content.decode()
        page = english.get(reverse("accounts:profile", args=[user.pk])).content.decode()
        assert "Share" in page and "Supprimer" not in page and "Partager" not in page


@pytest.mark.parametrize(
    ("language", "who", "like"), [("fr", "👍 qui ?", "J&#39;aime"), ("en", "👍 who?", "Like")]
)
def test_reaction_bar_markup(language, who, like) -> None:
    """The bar assembled from buttons rendered once: counts, my choice, "who?" per emoji chosen."""
    reactions = [
        {"emoji": "like", "count": 3, "mine": True},
        {"emoji": "idea", "count": 12, "mine": False},
    ]
    with translation.override(language):
        bar = html.reaction_bar(reactions)
        markup = html.reactions_html(None, post_id=7, comment_id=9, reactions=reactions)
    buttons = {
        re.search(r'value="(\w+)"', attrs)[1]: (attrs, inner)
        for attrs, inner in re.findall(r"<button ([^>]*)>(.*?)</button>", markup)
    }
    assert list(buttons) == ["like", "love", "celebrate", "idea", "done"]
    like_attrs, like_inner = buttons["like"]
    assert 'name="remove"' in like_attrs and 'aria-pressed="true"' in like_attrs
    assert f'title="{like}"' in like_attrs and f">{like}</span>" in like_inner
    assert 'name="add"' in buttons["idea"][0] and 'aria-pressed="false"' in buttons["idea"][0]
    counts = {
        emoji: re.findall(r'<span class="count">(\d+)</span>', inner)
        for emoji, (_, inner) in buttons.items()
    }
    assert counts == {"like": ["3"], "love": [], "celebrate": [], "idea": ["12"], "done": []}
    assert [c.emoji for c in bar.chosen] == ["like", "idea"] and bar.chosen[0].who == who
    assert re.findall(r'<summary class="small muted">(.*?)</summary>', markup) == [
        who,
        "💡" + who[1:],
    ]
    assert re.findall(r'hx-get="([^"]+)"', markup) == [
        "/posts/7/reactions/like/?comment=9",
        "/posts/7/reactions/idea/?comment=9",
    ]
    assert '<input type="hidden" name="comment" value="9">' in markup
