from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cercle.accounts import services as account_services
from cercle.accounts.models import User
from cercle.communities import services as community_services
from cercle.communities.models import Community, CommunityKind
from cercle.follows.models import HashtagFollow
from cercle.posts import services
from cercle.posts.models import Attachment, Comment, Post, Reaction
from tests.accounts.test_api import assert_error_shape, bearer
from tests.conftest import make_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"


def community(owner: User, kind: str = CommunityKind.OPEN, name: str = "Rail") -> Community:
    return community_services.community_create(actor=owner, name=name, kind=kind)


def add_member(community: Community, owner: User, person: User) -> None:
    """Through the services, whatever the kind: an invitation, then joining."""
    community_services.community_invite(actor=owner, community=community, user=person)
    community_services.community_join(actor=person, community=community)


def post(author: User, body: str = "Bonjour", **kwargs) -> Post:
    return services.post_create(author=author, body=body, **kwargs)


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def streamed(response) -> bytes:
    """The body of a file response (the test client closes it once consumed)."""
    return b"".join(response.streaming_content)


# --- Creating posts -------------------------------------------------------------------


def test_post_on_my_profile(client: Client, user: User) -> None:
    response = client.post(
        "/api/v1/posts", {"body": "Bonjour **tout le monde** #Rail"}, headers=bearer(user)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "post"
    assert body["author"]["id"] == user.pk
    assert body["community"] is None
    assert body["body"] == "Bonjour **tout le monde** #Rail"
    assert "<strong>tout le monde</strong>" in body["body_html"]
    assert body["permissions"] == {
        "edit": True,
        "delete": True,
        "pin": False,
        "comment": True,
        "hide": False,
        "move": True,
    }
    assert body["shared_post"] is None
    assert body["url"] == f"/posts/{body['id']}/"
    assert Post.objects.filter(author=user).count() == 1


def test_post_in_a_community_with_files(client: Client, user: User) -> None:
    rail = community(user)
    response = client.post(
        "/api/v1/posts",
        {
            "body": "Les plans",
            "community": rail.slug,
            "files": [
                upload("photo.png", make_image(), "image/png"),
                upload("plan.pdf", PDF, "application/pdf"),
            ],
        },
        headers=bearer(user),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["community"] == {
        "slug": rail.slug,
        "name": "Rail",
        "kind": "open",
        "url": f"/communities/{rail.slug}/",
    }
    assert body["permissions"]["pin"] is True
    image, pdf = body["attachments"]
    assert image["kind"] == "image" and image["name"] == "photo.png"
    assert image["url"] == f"/api/v1/files/{image['id']}"
    assert image["thumbnail_url"] == f"/api/v1/files/{image['id']}/thumbnail"
    assert pdf["kind"] == "pdf" and pdf["content_type"] == "application/pdf"
    assert pdf["size"] == len(PDF) and pdf["thumbnail_url"] is None


def test_non_member_cannot_post_in_a_community(client: Client, user: User, other: User) -> None:
    rail = community(other)
    response = client.post(
        "/api/v1/posts", {"body": "Intrus", "community": rail.slug}, headers=bearer(user)
    )
    assert_error_shape(response, 403, "forbidden")
    assert not Post.objects.exists()


def test_posting_in_an_invisible_community_is_refused(
    client: Client, user: User, other: User
) -> None:
    secret = community(other, CommunityKind.SECRET)
    for slug in (secret.slug, "nowhere"):
        response = client.post(
            "/api/v1/posts", {"body": "Intrus", "community": slug}, headers=bearer(user)
        )
        assert "community" in assert_error_shape(response, 422, "invalid")["fields"]
    assert not Post.objects.exists()


def test_invalid_posts_change_nothing(client: Client, user: User) -> None:
    headers = {**bearer(user), "Accept-Language": "en"}
    empty = client.post("/api/v1/posts", {"body": "   "}, headers=headers)
    assert "body" in assert_error_shape(empty, 422, "invalid")["fields"]
    too_long = client.post("/api/v1/posts", {"body": "x" * 10_001}, headers=headers)
    assert "body" in assert_error_shape(too_long, 422, "invalid")["fields"]
    svg = client.post(
        "/api/v1/posts",
        {"body": "Voir", "files": [upload("x.svg", b"<svg onload=alert(1)>", "image/svg+xml")]},
        headers=headers,
    )
    assert "attachments" in assert_error_shape(svg, 422, "invalid")["fields"]
    assert Post.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_an_oversized_file_is_refused_before_reading(client: Client, user: User, settings) -> None:
    settings.CERCLE_MAX_ATTACHMENT_BYTES = 20
    response = client.post(
        "/api/v1/posts",
        {"body": "Gros", "files": [upload("plan.pdf", PDF, "application/pdf")]},
        headers=bearer(user),
    )
    assert_error_shape(response, 413, "too_large")
    assert not Post.objects.exists() and not Attachment.objects.exists()


def test_same_client_token_twice_is_one_post(client: Client, user: User) -> None:
    first = client.post(
        "/api/v1/posts", {"body": "Une fois", "client_token": "abc"}, headers=bearer(user)
    )
    second = client.post(
        "/api/v1/posts", {"body": "Une fois", "client_token": "abc"}, headers=bearer(user)
    )
    # The second one created nothing: 200, with the first post as a read gives it.
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Post.objects.count() == 1


def test_the_created_card_is_the_card_read_back(client: Client, user: User, other: User) -> None:
    # The creation answer skips the queries a new post cannot need (reactions;
    # files and praise when there are none): it must say what a read says.
    rail = community(user)
    original = post(other, "Original", uploads=[services.Upload("plan.pdf", PDF)])
    services.reaction_set(user=other, post=original, emoji="like", on=True)
    for fields in (
        {"body": "Tout simple #Rail @" + other.handle},
        {
            "body": "Avec un fichier",
            "community": rail.slug,
            "files": [upload("a.pdf", PDF, "application/pdf")],
        },
        {"body": "Merci !", "praised": [other.pk]},
        {"body": "", "shared_post_id": original.pk},
    ):
        created = client.post("/api/v1/posts", fields, headers=bearer(user))
        assert created.status_code == 201, created.content
        read = client.get(f"/api/v1/posts/{created.json()['id']}", headers=bearer(user))
        assert created.json() == read.json()


def test_a_resubmitted_post_keeps_its_reactions(client: Client, user: User, other: User) -> None:
    first = client.post(
        "/api/v1/posts", {"body": "Une fois", "client_token": "xyz"}, headers=bearer(user)
    )
    services.reaction_set(
        user=other, post=Post.objects.get(pk=first.json()["id"]), emoji="like", on=True
    )
    again = client.post(
        "/api/v1/posts", {"body": "Une fois", "client_token": "xyz"}, headers=bearer(user)
    )
    assert again.json()["id"] == first.json()["id"]
    assert [r["count"] for r in again.json()["reactions"]] == [1]


def test_praise(client: Client, user: User, other: User) -> None:
    third = UserFactory()
    response = client.post(
        "/api/v1/posts",
        {"body": "Merci !", "praised": [other.pk, third.pk]},
        headers=bearer(user),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "praise"
    assert {p["id"] for p in body["praised"]} == {other.pk, third.pk}


def test_praise_refusals_change_nothing(client: Client, user: User, other: User) -> None:
    headers = bearer(user)
    unknown = client.post(
        "/api/v1/posts", {"body": "Merci", "praised": [other.pk, 999999]}, headers=headers
    )
    assert "praised" in assert_error_shape(unknown, 422, "invalid")["fields"]
    myself = client.post("/api/v1/posts", {"body": "Merci", "praised": [user.pk]}, headers=headers)
    assert "praised" in assert_error_shape(myself, 422, "invalid")["fields"]
    not_a_number = client.post(
        "/api/v1/posts", {"body": "Merci", "praised": ["abc"]}, headers=headers
    )
    assert_error_shape(not_a_number, 422, "invalid")
    assert not Post.objects.exists()


def test_form_schema_errors_are_keyed_by_field_name(client: Client, user: User) -> None:
    response = client.post(
        "/api/v1/posts", {"body": "Merci", "praised": ["abc"]}, headers=bearer(user)
    )
    assert set(assert_error_shape(response, 422, "invalid")["fields"]) == {"praised.0"}


def test_share(client: Client, user: User, other: User) -> None:
    original = post(other, "Original", uploads=[services.Upload("a.png", make_image())])
    response = client.post(
        "/api/v1/posts", {"body": "À lire", "shared_post_id": original.pk}, headers=bearer(user)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "share"
    assert body["shared_post"]["id"] == original.pk
    assert body["shared_post"]["author"]["id"] == other.pk
    assert len(body["shared_post"]["attachments"]) == 1
    original.delete()
    after = client.get(f"/api/v1/posts/{body['id']}", headers=bearer(user)).json()
    assert after["shared_post"] is None


def test_sharing_an_invisible_post_is_refused(client: Client, user: User, other: User) -> None:
    secret = community(other, CommunityKind.SECRET)
    hidden = post(other, "Secret", community=secret)
    for post_id in (hidden.pk, 999999):
        response = client.post(
            "/api/v1/posts", {"body": "Fuite", "shared_post_id": post_id}, headers=bearer(user)
        )
        assert "shared_post_id" in assert_error_shape(response, 422, "invalid")["fields"]
    assert Post.objects.count() == 1


def test_revoked_token_gets_401(client: Client, user: User) -> None:
    created = account_services.api_token_create(user=user, name="old")
    account_services.api_token_revoke(user=user, token_id=created.token.pk)
    headers = {"Authorization": f"Bearer {created.secret}"}
    response = client.post("/api/v1/posts", {"body": "x"}, headers=headers)
    assert_error_shape(response, 401, "not_authenticated")
    assert not Post.objects.exists()


# --- Reading, editing, deleting, pinning ----------------------------------------------


def test_get_post(client: Client, user: User, other: User) -> None:
    mine = post(other, "Salut")
    body = client.get(f"/api/v1/posts/{mine.pk}", headers=bearer(user)).json()
    assert body["id"] == mine.pk
    assert body["permissions"] == {
        "edit": False,
        "delete": False,
        "pin": False,
        "comment": True,
        "hide": False,
        "move": False,
    }
    assert_error_shape(client.get("/api/v1/posts/999999", headers=bearer(user)), 404, "not_found")


def test_a_deleted_authors_post_has_no_author(client: Client, user: User, other: User) -> None:
    theirs = post(other, "Au revoir")
    other.delete()
    assert client.get(f"/api/v1/posts/{theirs.pk}", headers=bearer(user)).json()["author"] is None


def test_secret_community_content_is_404_for_non_members(
    client: Client, user: User, other: User
) -> None:
    secret = community(other, CommunityKind.SECRET)
    hidden = post(
        other, "Secret #confidentiel", community=secret, uploads=[services.Upload("plan.pdf", PDF)]
    )
    comment = services.comment_create(author=other, post=hidden, body="Chut")
    attachment = hidden.attachments.get()
    headers = bearer(user)
    for response in (
        client.get(f"/api/v1/posts/{hidden.pk}", headers=headers),
        client.get(f"/api/v1/posts/{hidden.pk}/comments", headers=headers),
        client.get(f"/api/v1/posts/{hidden.pk}/reactions/like", headers=headers),
        client.put(f"/api/v1/posts/{hidden.pk}/reactions/like", headers=headers),
        client.patch(
            f"/api/v1/posts/{hidden.pk}",
            {"body": "x"},
            content_type="application/json",
            headers=headers,
        ),
        client.delete(f"/api/v1/posts/{hidden.pk}", headers=headers),
        client.post(f"/api/v1/posts/{hidden.pk}/pin", headers=headers),
        client.post(f"/api/v1/posts/{hidden.pk}/comments", {"body": "x"}, headers=headers),
        client.delete(f"/api/v1/comments/{comment.pk}", headers=headers),
        client.put(f"/api/v1/comments/{comment.pk}/reactions/like", headers=headers),
        client.get(f"/api/v1/files/{attachment.pk}", headers=headers),
        client.get("/api/v1/hashtags/confidentiel/posts", headers=headers),
    ):
        assert_error_shape(response, 404, "not_found")
    assert Post.objects.count() == 1 and Comment.objects.count() == 1
    assert not Reaction.objects.exists()


def test_private_community_posts_are_not_listed_to_non_members(
    client: Client, user: User, other: User
) -> None:
    private = community(other, CommunityKind.PRIVATE)
    post(other, "Entre nous #projet", community=private)
    visible = post(other, "Public #projet")
    headers = bearer(user)
    profile = client.get(f"/api/v1/people/{other.pk}/posts", headers=headers).json()
    assert [p["id"] for p in profile["items"]] == [visible.pk]
    tag = client.get("/api/v1/hashtags/projet/posts", headers=headers).json()
    assert [p["id"] for p in tag["items"]] == [visible.pk]


def test_edit_post(client: Client, user: User, other: User) -> None:
    mine = post(user, "Avant")
    response = client.patch(
        f"/api/v1/posts/{mine.pk}",
        {"body": "Après *modif*"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["body"] == "Après *modif*"
    assert "<em>modif</em>" in body["body_html"]
    assert body["edited_at"] is not None
    forbidden = client.patch(
        f"/api/v1/posts/{mine.pk}",
        {"body": "Pirate"},
        content_type="application/json",
        headers=bearer(other),
    )
    assert_error_shape(forbidden, 403, "forbidden")
    empty = client.patch(
        f"/api/v1/posts/{mine.pk}",
        {"body": ""},
        content_type="application/json",
        headers=bearer(user),
    )
    assert "body" in assert_error_shape(empty, 422, "invalid")["fields"]
    missing = client.patch(
        f"/api/v1/posts/{mine.pk}", {}, content_type="application/json", headers=bearer(user)
    )
    assert_error_shape(missing, 422, "invalid")
    mine.refresh_from_db()
    assert mine.body == "Après *modif*"


def test_delete_post(client: Client, user: User, other: User) -> None:
    mine = post(user, "Bientôt parti", uploads=[services.Upload("a.png", make_image())])
    assert_error_shape(
        client.delete(f"/api/v1/posts/{mine.pk}", headers=bearer(other)), 403, "forbidden"
    )
    assert Post.objects.filter(pk=mine.pk).exists()
    response = client.delete(f"/api/v1/posts/{mine.pk}", headers=bearer(user))
    assert response.status_code == 204
    assert not Post.objects.exists() and not Attachment.objects.exists()
    again = client.delete(f"/api/v1/posts/{mine.pk}", headers=bearer(user))
    assert_error_shape(again, 404, "not_found")


def test_pin_and_unpin(client: Client, user: User, other: User) -> None:
    rail = community(user)
    community_services.community_join(actor=other, community=rail)
    news = post(other, "Nouvelles", community=rail)
    assert_error_shape(
        client.post(f"/api/v1/posts/{news.pk}/pin", headers=bearer(other)), 403, "forbidden"
    )
    pinned = client.post(f"/api/v1/posts/{news.pk}/pin", headers=bearer(user))
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    unpinned = client.post(f"/api/v1/posts/{news.pk}/unpin", headers=bearer(user))
    assert unpinned.json()["pinned"] is False
    on_profile = post(user, "Profil")
    assert_error_shape(
        client.post(f"/api/v1/posts/{on_profile.pk}/pin", headers=bearer(user)), 403, "forbidden"
    )
    assert_error_shape(
        client.post("/api/v1/posts/999999/pin", headers=bearer(user)), 404, "not_found"
    )


# --- Comments -------------------------------------------------------------------------


def test_comment_and_reply(client: Client, user: User, other: User) -> None:
    topic = post(other, "Question ?")
    first = client.post(
        f"/api/v1/posts/{topic.pk}/comments",
        {"body": "Réponse", "files": [upload("doc.pdf", PDF, "application/pdf")]},
        headers=bearer(user),
    )
    assert first.status_code == 201, first.content
    comment = first.json()
    assert comment["author"]["id"] == user.pk and comment["parent_id"] is None
    assert comment["attachments"][0]["name"] == "doc.pdf"
    assert comment["permissions"] == {"edit": True, "delete": True}
    reply = client.post(
        f"/api/v1/posts/{topic.pk}/comments",
        {"body": "Merci", "parent_id": comment["id"]},
        headers=bearer(other),
    )
    assert reply.status_code == 201, reply.content
    assert reply.json()["parent_id"] == comment["id"]
    listed = client.get(f"/api/v1/posts/{topic.pk}/comments", headers=bearer(user)).json()
    assert [c["id"] for c in listed] == [comment["id"]]
    assert [r["id"] for r in listed[0]["replies"]] == [reply.json()["id"]]
    assert listed[0]["replies"][0]["permissions"] == {"edit": False, "delete": False}
    topic.refresh_from_db()
    assert topic.comment_count == 2


def test_comment_refusals_change_nothing(client: Client, user: User, other: User) -> None:
    topic = post(other, "Question ?")
    elsewhere = services.comment_create(author=other, post=post(other, "Autre"), body="Ailleurs")
    headers = bearer(user)
    empty = client.post(f"/api/v1/posts/{topic.pk}/comments", {"body": ""}, headers=headers)
    assert "body" in assert_error_shape(empty, 422, "invalid")["fields"]
    wrong_parent = client.post(
        f"/api/v1/posts/{topic.pk}/comments",
        {"body": "Oups", "parent_id": elsewhere.pk},
        headers=headers,
    )
    assert "parent" in assert_error_shape(wrong_parent, 422, "invalid")["fields"]
    unknown_parent = client.post(
        f"/api/v1/posts/{topic.pk}/comments",
        {"body": "Oups", "parent_id": 999999},
        headers=headers,
    )
    assert "parent_id" in assert_error_shape(unknown_parent, 422, "invalid")["fields"]
    unknown_post = client.post("/api/v1/posts/999999/comments", {"body": "x"}, headers=headers)
    assert_error_shape(unknown_post, 404, "not_found")
    assert Comment.objects.count() == 1


def test_same_comment_token_twice_is_one_comment(client: Client, user: User) -> None:
    topic = post(user)
    answers = [
        client.post(
            f"/api/v1/posts/{topic.pk}/comments",
            {"body": "Oui", "client_token": "t1"},
            headers=bearer(user),
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 200]  # the second created nothing
    assert answers[0].json() == answers[1].json()
    assert Comment.objects.count() == 1


def test_edit_and_delete_comment(client: Client, user: User, other: User) -> None:
    topic = post(other)
    comment = services.comment_create(author=user, post=topic, body="Premier jet")
    services.comment_create(author=other, post=topic, body="Réponse", parent=comment)
    edited = client.patch(
        f"/api/v1/comments/{comment.pk}",
        {"body": "Version **finale**"},
        content_type="application/json",
        headers=bearer(user),
    )
    assert edited.status_code == 200, edited.content
    assert "<strong>finale</strong>" in edited.json()["body_html"]
    assert len(edited.json()["replies"]) == 1
    forbidden = client.patch(
        f"/api/v1/comments/{comment.pk}",
        {"body": "Pirate"},
        content_type="application/json",
        headers=bearer(other),
    )
    assert_error_shape(forbidden, 403, "forbidden")
    assert_error_shape(
        client.delete("/api/v1/comments/999999", headers=bearer(user)), 404, "not_found"
    )
    assert client.delete(f"/api/v1/comments/{comment.pk}", headers=bearer(user)).status_code == 204
    assert not Comment.objects.exists()
    topic.refresh_from_db()
    assert topic.comment_count == 0


def placed(staff: User, count: int) -> list[User]:
    """Colleagues with a department and a region (what ``PersonOut`` shows)."""
    people = [UserFactory() for _ in range(count)]
    for i, person in enumerate(people):
        account_services.profile_update(
            actor=staff, user=person, data={"department": f"Dép {i}", "region": f"Rég {i}"}
        )
    return people


def test_comments_cost_a_constant_number_of_queries(
    client: Client, user: User, staff: User, django_assert_max_num_queries
) -> None:
    topic = post(user)
    people = placed(staff, 5)
    for i in range(15):
        author = people[i % 5]
        comment = services.comment_create(
            author=author,
            post=topic,
            body=f"Commentaire {i}",
            uploads=[services.Upload("n.pdf", PDF)],
        )
        services.comment_create(
            author=people[(i + 1) % 5], post=topic, body="Réponse", parent=comment
        )
        services.reaction_set(user=user, post=topic, comment=comment, emoji="like", on=True)
    headers = bearer(user)
    with django_assert_max_num_queries(16):  # 14 measured, whatever the number of comments
        response = client.get(f"/api/v1/posts/{topic.pk}/comments", headers=headers)
    body = response.json()
    assert len(body) == 15 and all(len(c["replies"]) == 1 for c in body)
    assert body[0]["reactions"] == [
        {
            "emoji": "like",
            "symbol": "👍",
            "label": body[0]["reactions"][0]["label"],
            "count": 1,
            "mine": True,
        }
    ]


# --- Reactions ------------------------------------------------------------------------


def test_post_reactions_are_idempotent(client: Client, user: User, other: User) -> None:
    topic = post(other)
    headers = bearer(user)
    for _ in range(2):
        response = client.put(f"/api/v1/posts/{topic.pk}/reactions/celebrate", headers=headers)
        assert response.status_code == 200, response.content
    assert [(r["emoji"], r["count"], r["mine"]) for r in response.json()] == [
        ("celebrate", 1, True)
    ]
    assert Reaction.objects.count() == 1
    people = client.get(f"/api/v1/posts/{topic.pk}/reactions/celebrate", headers=headers).json()
    assert [p["id"] for p in people] == [user.pk]
    for _ in range(2):
        removed = client.delete(f"/api/v1/posts/{topic.pk}/reactions/celebrate", headers=headers)
        assert removed.status_code == 200 and removed.json() == []
    assert not Reaction.objects.exists()


def test_unknown_reaction_or_post(client: Client, user: User) -> None:
    topic = post(user)
    bad = client.put(f"/api/v1/posts/{topic.pk}/reactions/poop", headers=bearer(user))
    assert "emoji" in assert_error_shape(bad, 422, "invalid")["fields"]
    missing = client.put("/api/v1/posts/999999/reactions/like", headers=bearer(user))
    assert_error_shape(missing, 404, "not_found")
    assert not Reaction.objects.exists()


def test_comment_reactions(client: Client, user: User, other: User) -> None:
    topic = post(other)
    comment = services.comment_create(author=other, post=topic, body="Bien vu")
    url = f"/api/v1/comments/{comment.pk}/reactions/idea"
    for _ in range(2):
        response = client.put(url, headers=bearer(user))
    assert [(r["emoji"], r["count"], r["mine"]) for r in response.json()] == [("idea", 1, True)]
    assert Reaction.objects.filter(comment=comment).count() == 1
    topic_reactions = client.get(f"/api/v1/posts/{topic.pk}", headers=bearer(user)).json()
    assert topic_reactions["reactions"] == []  # a comment's reaction is not the post's
    assert client.delete(url, headers=bearer(user)).json() == []
    assert_error_shape(
        client.put("/api/v1/comments/999999/reactions/idea", headers=bearer(user)),
        404,
        "not_found",
    )


def test_reacting_in_an_archived_community_is_forbidden(
    client: Client, user: User, other: User
) -> None:
    rail = community(other)
    old = post(other, "Archive", community=rail)
    community_services.community_archive(actor=other, community=rail, archived=True)
    response = client.put(f"/api/v1/posts/{old.pk}/reactions/like", headers=bearer(user))
    assert_error_shape(response, 403, "forbidden")
    assert not Reaction.objects.exists()


# --- Files ----------------------------------------------------------------------------


def test_download_files(client: Client, user: User, other: User) -> None:
    topic = post(
        other,
        "Fichiers",
        uploads=[services.Upload("photo.png", make_image()), services.Upload("plan.pdf", PDF)],
    )
    image, pdf = topic.attachments.order_by("id")
    headers = bearer(user)
    response = client.get(f"/api/v1/files/{pdf.pk}", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="plan.pdf"'  # its viewer
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert streamed(response) == PDF
    shown = client.get(f"/api/v1/files/{image.pk}", headers=headers)
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"] == 'inline; filename="photo.png"'  # shown, sandboxed
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Security-Policy"] == "sandbox"
    assert streamed(shown).startswith(b"\x89PNG")
    thumb = client.get(f"/api/v1/files/{image.pk}/thumbnail", headers=headers)
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/webp"
    assert thumb["Content-Security-Policy"] == "sandbox"
    webp = streamed(thumb)
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
    no_thumb = client.get(f"/api/v1/files/{pdf.pk}/thumbnail", headers=headers)
    assert_error_shape(no_thumb, 404, "not_found")
    assert_error_shape(client.get("/api/v1/files/999999", headers=headers), 404, "not_found")


# --- Hashtags and profiles ------------------------------------------------------------


def test_hashtag_posts_and_follow(client: Client, user: User, other: User) -> None:
    tagged = post(other, "Sur le #Réseau")
    post(other, "Sans tag")
    headers = bearer(user)
    page = client.get("/api/v1/hashtags/RESEAU/posts", headers=headers).json()
    assert [p["id"] for p in page["items"]] == [tagged.pk]
    for _ in range(2):
        followed = client.put("/api/v1/hashtags/reseau/follow", headers=headers)
        assert followed.status_code == 200, followed.content
    assert followed.json()["following"] is True and followed.json()["key"] == "reseau"
    assert HashtagFollow.objects.filter(user=user).count() == 1
    unfollowed = client.delete("/api/v1/hashtags/reseau/follow", headers=headers)
    assert unfollowed.json()["following"] is False
    assert not HashtagFollow.objects.exists()
    assert_error_shape(client.get("/api/v1/hashtags/nope/posts", headers=headers), 404, "not_found")
    assert_error_shape(
        client.put("/api/v1/hashtags/nope/follow", headers=headers), 404, "not_found"
    )


def test_profile_stream_has_posts_and_praise(client: Client, user: User, other: User) -> None:
    own = post(other, "Le mien")
    thanks = post(user, "Merci", praised=[other])
    post(user, "Autre chose")
    page = client.get(f"/api/v1/people/{other.pk}/posts", headers=bearer(user)).json()
    assert [p["id"] for p in page["items"]] == [thanks.pk, own.pk]
    assert_error_shape(
        client.get("/api/v1/people/999999/posts", headers=bearer(user)), 404, "not_found"
    )


def test_cursor_pagination(client: Client, user: User) -> None:
    ids = [post(user, f"Post {i}").pk for i in range(5)]
    headers = bearer(user)
    first = client.get(f"/api/v1/people/{user.pk}/posts", {"limit": 3}, headers=headers).json()
    assert [p["id"] for p in first["items"]] == ids[::-1][:3]
    assert first["next_cursor"]
    second = client.get(
        f"/api/v1/people/{user.pk}/posts",
        {"limit": 3, "cursor": first["next_cursor"]},
        headers=headers,
    ).json()
    assert [p["id"] for p in second["items"]] == ids[::-1][3:]
    assert second["next_cursor"] is None
    bad_cursor = client.get(
        f"/api/v1/people/{user.pk}/posts", {"cursor": "garbage"}, headers=headers
    )
    assert "cursor" in assert_error_shape(bad_cursor, 422, "invalid")["fields"]
    too_many = client.get(f"/api/v1/people/{user.pk}/posts", {"limit": 1000}, headers=headers)
    assert "limit" in assert_error_shape(too_many, 422, "invalid")["fields"]


def test_openapi_lists_every_endpoint_with_a_summary(logged_client: Client) -> None:
    paths = logged_client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/posts": {"post"},
        "/api/v1/posts/{post_id}": {"get", "patch", "delete"},
        "/api/v1/posts/{post_id}/pin": {"post"},
        "/api/v1/posts/{post_id}/unpin": {"post"},
        "/api/v1/posts/{post_id}/comments": {"get", "post"},
        "/api/v1/comments/{comment_id}": {"patch", "delete"},
        "/api/v1/posts/{post_id}/reactions/{emoji}": {"get", "put", "delete"},
        "/api/v1/comments/{comment_id}/reactions/{emoji}": {"put", "delete"},
        "/api/v1/files/{attachment_id}": {"get"},
        "/api/v1/files/{attachment_id}/thumbnail": {"get"},
        "/api/v1/hashtags/{key}/posts": {"get"},
        "/api/v1/hashtags/{key}/follow": {"put", "delete"},
        "/api/v1/people/{user_id}/posts": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert paths[path][method]["summary"], (path, method)
            assert paths[path][method]["tags"] == ["posts"]
