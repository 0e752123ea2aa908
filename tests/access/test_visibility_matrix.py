"""The visibility matrix: content type × audience × viewer × read path.

Expectations come from the business rules (``expected()``), not from the code
under test.  ``test_every_read_route_is_covered`` fails when a new route that
reads posts, comments, files or communities is added without being listed
here, so a read path cannot escape the policy unnoticed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cercle.accounts.models import User
from cercle.posts.models import Post
from tests.social import World, build_world

AUDIENCES = ["profile", "open", "private", "secret"]
VIEWERS = [
    "author",
    "member",
    "manager",
    "outsider",
    "requester",
    "ex_member",
    "admin",
    "deactivated",
]


def can_read(audience: str, viewer: str) -> bool:
    """The rules: profiles and open communities for every active employee;
    private and secret content for members (any role) and site admins."""
    if viewer == "deactivated":
        return False
    if audience in ("profile", "open"):
        return True
    return viewer in ("author", "member", "manager", "admin")


def can_see_community(audience: str, viewer: str) -> bool:
    """A private community's page (not its content) is visible to all; a secret one is not."""
    if viewer == "deactivated":
        return False
    return audience != "secret" or can_read(audience, viewer)


@dataclass(frozen=True)
class Path:
    name: str
    routes: tuple[str, ...]  # route names (web) or API paths this check exercises
    applies: Callable[[str], bool]
    check: Callable[[Client, World, str], bool]
    # The post's own page (or what hangs from it), or a moderation view: a hidden post
    # stays reachable there by its author and moderators; it leaves every other list.
    opens: bool = False


def _post(world: World, audience: str) -> Post:
    return world.posts[audience]


def _contains(client: Client, url: str, marker: str) -> bool:
    response = client.get(url)
    return response.status_code == 200 and marker in response.content.decode()


def _api_ids(client: Client, url: str, key: str = "items") -> set[int]:
    response = client.get(url)
    if response.status_code != 200:
        return set()
    return {item["id"] for item in response.json()[key]}


def _api_text(client: Client, url: str) -> str:
    """A JSON answer's text with non-ASCII characters as they are (empty unless 200)."""
    response = client.get(url)
    return json.dumps(response.json(), ensure_ascii=False) if response.status_code == 200 else ""


def _tag(audience: str) -> str:
    return f"sujet{audience}"


def _file(world: World, audience: str):
    return _post(world, audience).attachments.get()


POST_PATHS = [
    Path(
        "detail page",
        ("posts:detail",),
        lambda a: True,
        lambda c, w, a: _contains(c, f"/posts/{_post(w, a).pk}/", f"Message {a}"),
        opens=True,
    ),
    Path(
        "community page",
        ("communities:detail",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(
            c, w.communities[a].get_absolute_url(), f'id="post-{_post(w, a).pk}"'
        ),
        opens=True,
    ),
    Path(
        "profile page",
        ("accounts:profile",),
        lambda a: True,
        lambda c, w, a: _contains(c, f"/people/{w.author.pk}/", f'id="post-{_post(w, a).pk}"'),
    ),
    Path(
        "hashtag page",
        ("posts:hashtag",),
        lambda a: True,
        lambda c, w, a: _contains(c, f"/tags/{_tag(a)}/", f'id="post-{_post(w, a).pk}"'),
    ),
    Path(
        "stream fragment",
        ("posts:stream",),
        lambda a: True,
        lambda c, w, a: _contains(c, f"/stream/?tag={_tag(a)}", f'id="post-{_post(w, a).pk}"'),
    ),
    Path(
        "API detail",
        ("/api/v1/posts/{post_id}",),
        lambda a: True,
        lambda c, w, a: c.get(f"/api/v1/posts/{_post(w, a).pk}").status_code == 200,
        opens=True,
    ),
    Path(
        "API community list",
        ("/api/v1/communities/{slug}/posts",),
        lambda a: a != "profile",
        lambda c, w, a: (
            _post(w, a).pk in _api_ids(c, f"/api/v1/communities/{w.communities[a].slug}/posts")
        ),
    ),
    Path(
        "API profile list",
        ("/api/v1/people/{user_id}/posts",),
        lambda a: True,
        lambda c, w, a: _post(w, a).pk in _api_ids(c, f"/api/v1/people/{w.author.pk}/posts"),
    ),
    Path(
        "API hashtag list",
        ("/api/v1/hashtags/{key}/posts",),
        lambda a: True,
        lambda c, w, a: _post(w, a).pk in _api_ids(c, f"/api/v1/hashtags/{_tag(a)}/posts"),
    ),
    Path(
        "attachment download",
        ("posts:attachment",),
        lambda a: True,
        lambda c, w, a: c.get(_file(w, a).get_absolute_url()).status_code == 200,
        opens=True,
    ),
    Path(
        "API attachment download",
        ("/api/v1/files/{attachment_id}",),
        lambda a: True,
        lambda c, w, a: c.get(f"/api/v1/files/{_file(w, a).pk}").status_code == 200,
        opens=True,
    ),
    Path(
        "comments (page)",
        ("posts:comments",),
        lambda a: True,
        lambda c, w, a: _contains(c, f"/posts/{_post(w, a).pk}/comments/", f"Réponse {a}"),
        opens=True,
    ),
    Path(
        "comments (API)",
        ("/api/v1/posts/{post_id}/comments",),
        lambda a: True,
        lambda c, w, a: f"Réponse {a}" in _api_text(c, f"/api/v1/posts/{_post(w, a).pk}/comments"),
        opens=True,
    ),
    Path(
        "who reacted",
        ("posts:reactors", "/api/v1/posts/{post_id}/reactions/{emoji}"),
        lambda a: True,
        lambda c, w, a: (
            c.get(f"/posts/{_post(w, a).pk}/reactions/like/").status_code == 200
            and c.get(f"/api/v1/posts/{_post(w, a).pk}/reactions/like").status_code == 200
        ),
        opens=True,
    ),
]

FEED_PATHS = [
    Path(
        "feed page",
        ("home",),
        lambda a: True,
        lambda c, w, a: _contains(c, "/", f'id="post-{_post(w, a).pk}"'),
    ),
    Path(
        "feed fragment",
        ("feed:page",),
        lambda a: True,
        lambda c, w, a: _contains(c, "/feed/page/?filter=all", f'id="post-{_post(w, a).pk}"'),
    ),
    Path(
        "API feed",
        ("/api/v1/feed",),
        lambda a: True,
        lambda c, w, a: _post(w, a).pk in _api_ids(c, "/api/v1/feed?limit=100"),
    ),
]

SEARCH_PATHS = [
    Path(
        "search page",
        ("search:search",),
        lambda a: True,
        lambda c, w, a: _contains(c, f"/search/?q=sujet{a}&tab=posts", f"/posts/{_post(w, a).pk}/"),
    ),
    Path(
        "search page, comments",
        ("search:search",),
        lambda a: True,
        lambda c, w, a: _contains(
            c,
            f'/search/?q="reponse+{a}"&tab=posts',
            f"#comment-{_post(w, a).comments.get().pk}",
        ),
    ),
    Path(
        "search page, topics",
        ("search:search",),
        lambda a: True,
        lambda c, w, a: _contains(c, f"/search/?q=sujet{a}&tab=hashtags", f"/tags/{_tag(a)}/"),
    ),
    Path(
        "search box suggestions",
        ("search:suggest",),
        lambda a: True,
        lambda c, w, a: _contains(c, f"/search/suggest/?q={_tag(a)}", f"/tags/{_tag(a)}/"),
    ),
    Path(
        "search box suggestions, conversations",
        ("search:suggest_conversations",),
        lambda a: True,
        lambda c, w, a: _contains(
            c, f"/search/suggest/conversations/?q=sujet{a}", f"/posts/{_post(w, a).pk}/"
        ),
    ),
    Path(
        "API search",
        ("/api/v1/search",),
        lambda a: True,
        lambda c, w, a: (
            _post(w, a).pk in _api_ids(c, f"/api/v1/search?q=sujet{a}&type=posts", key="results")
        ),
    ),
    Path(
        "API search, topics",
        ("/api/v1/search",),
        lambda a: True,
        lambda c, w, a: _tag(a) in _api_text(c, f"/api/v1/search?q=sujet{a}&type=hashtags"),
    ),
    # The author wrote the post, the member answered it: whoever asks (but them) sees one
    # of the two as an expert on "sujet…" exactly when they may read the conversation.
    Path(
        "Qui sait ? page",
        ("search:experts",),
        lambda a: True,
        lambda c, w, a: _contains(c, f"/experts/?q=sujet{a}", 'class="card expert-card"'),
    ),
    Path(
        "API Qui sait ?",
        ("/api/v1/experts",),
        lambda a: True,
        lambda c, w, a: '"person"' in _api_text(c, f"/api/v1/experts?q=sujet{a}"),
    ),
]

COMMUNITY_PATHS = [
    Path(
        "community page",
        ("communities:detail",),
        lambda a: a != "profile",
        lambda c, w, a: c.get(w.communities[a].get_absolute_url()).status_code == 200,
    ),
    Path(
        "community directory",
        ("communities:directory",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(c, "/communities/", w.communities[a].get_absolute_url()),
    ),
    Path(
        "search page, communities",
        ("search:search",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(
            c,
            f"/search/?q={w.communities[a].name}&tab=communities",
            w.communities[a].get_absolute_url(),
        ),
    ),
    Path(
        "API search, communities",
        ("/api/v1/search",),
        lambda a: a != "profile",
        lambda c, w, a: (
            w.communities[a].pk
            in _api_ids(c, f"/api/v1/search?q={w.communities[a].name}&type=communities", "results")
        ),
    ),
    Path(
        "API community",
        ("/api/v1/communities/{slug}",),
        lambda a: a != "profile",
        lambda c, w, a: c.get(f"/api/v1/communities/{w.communities[a].slug}").status_code == 200,
    ),
    Path(
        "API community list",
        ("/api/v1/communities",),
        lambda a: a != "profile",
        lambda c, w, a: w.communities[a].slug in _api_text(c, "/api/v1/communities?per_page=100"),
    ),
]

MEMBER_PATHS = [
    Path(
        "member list page",
        ("communities:members",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(
            c, f"/communities/{w.communities[a].slug}/members/", w.member.name
        ),
    ),
    Path(
        "API member list",
        ("/api/v1/communities/{slug}/members",),
        lambda a: a != "profile",
        lambda c, w, a: (
            w.member.name in _api_text(c, f"/api/v1/communities/{w.communities[a].slug}/members")
        ),
    ),
]


# Idempotent replay (a client token sent again) is a read path of its own: the answer is
# what a fresh read of that post or comment gives the viewer now, whatever it was when
# sent.  Each viewer holds a share of the audience's post and a comment on it, both sent
# with a token while they could (written here directly: some viewers never could).
HTMX = {"HX-Request": "true"}


def _replay_token(kind: str, audience: str) -> str:
    return f"{kind}-{audience}"


def _plant_replays(world: World, audience: str, person: User) -> None:
    from cercle.posts.models import Comment, PostKind

    original = _post(world, audience)
    Post.objects.create(
        author=person,
        kind=PostKind.SHARE,
        body="Partage",
        body_html="<p>Partage</p>",
        shared_post=original,
        client_token=_replay_token("share", audience),
    )
    Comment.objects.create(
        post=original,
        author=person,
        body=f"Relance {audience}",
        body_html=f"<p>Relance {audience}</p>",
        client_token=_replay_token("comment", audience),
    )


def _api_replay_post(client: Client, world: World, audience: str) -> bool:
    token = _replay_token("share", audience)
    replay = client.post("/api/v1/posts", {"body": "Autre", "client_token": token})
    share = Post.objects.get(client_token=token)
    fresh = client.get(f"/api/v1/posts/{share.pk}")
    assert (replay.status_code, replay.content) == (fresh.status_code, fresh.content), token
    return replay.status_code == 200 and f"Message {audience}" in replay.content.decode()


def _api_replay_comment(client: Client, world: World, audience: str) -> bool:
    url = f"/api/v1/posts/{_post(world, audience).pk}/comments"
    replay = client.post(url, {"body": "Autre", "client_token": _replay_token("comment", audience)})
    fresh = client.get(url)
    if fresh.status_code == 200:
        assert replay.status_code == 200
        assert replay.json() in [item for c in fresh.json() for item in (c, *c.get("replies", []))]
    else:
        assert (replay.status_code, replay.content) == (fresh.status_code, fresh.content)
    return replay.status_code == 200 and f"Relance {audience}" in replay.content.decode()


REPLAY_PATHS = [
    Path(
        "API replay of a post",
        ("/api/v1/posts",),
        lambda a: True,
        _api_replay_post,
        opens=True,
    ),
    Path(
        "composer replay of a post",
        ("posts:create",),
        lambda a: True,
        lambda c, w, a: _contains_post(
            c,
            "/posts/new/",
            {"body": "Autre", "client_token": _replay_token("share", a)},
            f"Message {a}",
        ),
        opens=True,
    ),
    Path(
        "API replay of a comment",
        ("/api/v1/posts/{post_id}/comments",),
        lambda a: True,
        _api_replay_comment,
        opens=True,
    ),
    Path(
        "comment form replay",
        ("posts:comment_create",),
        lambda a: True,
        lambda c, w, a: _contains_post(
            c,
            f"/posts/{_post(w, a).pk}/comments/new/",
            {"body": "Autre", "client_token": _replay_token("comment", a)},
            f"Relance {a}",
        ),
        opens=True,
    ),
]


def _document(world: World, audience: str):
    return world.documents[audience]


def _picture(world: World, audience: str) -> str:
    return f"/documents/pages/{_document(world, audience).current.pages.get().pk}.jpg"


def _downloads_every_version(
    client: Client, world: World, audience: str, *, api: bool = False
) -> bool:
    document = _document(world, audience)
    urls = [
        f"/api/v1/documents/{document.pk}/versions/{v.number}/file" if api else v.get_absolute_url()
        for v in document.versions.all()
    ]
    answers = [client.get(url).status_code for url in urls]
    assert len(set(answers)) == 1, answers  # every version, or none
    return answers[0] == 200


def _document_linked(client: Client, world: World, audience: str) -> bool:
    """A public post (on a profile) links to the audience's document: is its file shown?"""
    from cercle.posts import services as posts

    document = _document(world, audience)
    post = posts.post_create(
        author=world.admin, body=f"Voir [le document]({document.get_absolute_url()})"
    )
    response = client.get(f"/api/v1/posts/{post.pk}")
    linked = response.status_code == 200 and [d["id"] for d in response.json()["documents"]]
    page = _contains(client, post.get_absolute_url(), 'class="files doc-links"')
    assert bool(linked) == page, (linked, page)
    return page


def _project_slug(world: World, audience: str) -> str:
    return world.projects[audience].community.slug


PROJECT_PATHS = [
    Path(
        "API project",
        ("/api/v1/communities/{slug}/project",),
        lambda a: a != "profile",
        lambda c, w, a: (
            "Objectif " + a in _api_text(c, f"/api/v1/communities/{_project_slug(w, a)}/project")
        ),
    ),
    Path(
        "API milestones",
        ("/api/v1/communities/{slug}/project/milestones",),
        lambda a: a != "profile",
        lambda c, w, a: (
            "Jalon " + a
            in _api_text(c, f"/api/v1/communities/{_project_slug(w, a)}/project/milestones")
        ),
    ),
    Path(
        "API actions",
        ("/api/v1/communities/{slug}/project/actions",),
        lambda a: a != "profile",
        lambda c, w, a: (
            "Action " + a
            in _api_text(c, f"/api/v1/communities/{_project_slug(w, a)}/project/actions")
        ),
    ),
]


DOCUMENT_PATHS = [
    Path(
        "document picker",
        ("documents:pick",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(
            c, f"/documents/pick/?q=Document+{a}", f"({_document(w, a).get_absolute_url()})"
        ),
    ),
    Path(
        "document's own post (its feed card)",
        ("/api/v1/posts/{post_id}",),
        lambda a: a != "profile",
        lambda c, w, a: (
            (answer := c.get(f"/api/v1/posts/{_document(w, a).post_id}")).status_code == 200
            and answer.json()["document"]["id"] == _document(w, a).pk
        ),
    ),
    Path(
        "a post linking to the document",
        ("posts:detail", "/api/v1/posts/{post_id}"),
        lambda a: a != "profile",
        _document_linked,
    ),
    Path(
        "library page",
        ("documents:library",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(
            c, f"/communities/{w.communities[a].slug}/documents/", f"Dossier {a}"
        ),
    ),
    Path(
        "folder page",
        ("documents:folder",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(c, _document(w, a).folder.get_absolute_url(), f"Document {a}"),
    ),
    Path(
        "document page",
        ("documents:detail",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(c, _document(w, a).get_absolute_url(), _picture(w, a)),
    ),
    Path(
        "preview fragment",
        ("documents:detail",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(
            c, _document(w, a).get_absolute_url() + "?part=preview", _picture(w, a)
        ),
    ),
    Path(
        "download of every version",
        ("documents:download",),
        lambda a: a != "profile",
        _downloads_every_version,
    ),
    Path(
        "page picture",
        ("documents:page_image",),
        lambda a: a != "profile",
        lambda c, w, a: (
            c.get(f"/documents/pages/{_document(w, a).current.pages.get().pk}.jpg").status_code
            == 200
        ),
    ),
    Path(
        "reference material of a community",
        ("documents:references",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(
            c,
            f"/documents/references/?community={w.communities[a].slug}",
            _document(w, a).get_absolute_url(),
        ),
    ),
    Path(
        "API reference material of a community",
        ("/api/v1/documents/references",),
        lambda a: a != "profile",
        lambda c, w, a: (
            _document(w, a).pk
            in _api_ids(
                c,
                f"/api/v1/documents/references?community={w.communities[a].slug}",
                "documents",
            )
        ),
    ),
    Path(
        "API library",
        ("/api/v1/communities/{slug}/library",),
        lambda a: a != "profile",
        lambda c, w, a: (
            _document(w, a).pk
            in _api_ids(
                c,
                f"/api/v1/communities/{w.communities[a].slug}/library"
                f"?folder={_document(w, a).folder_id}",
                "documents",
            )
        ),
    ),
    Path(
        "API document",
        ("/api/v1/documents/{document_id}",),
        lambda a: a != "profile",
        lambda c, w, a: c.get(f"/api/v1/documents/{_document(w, a).pk}").status_code == 200,
    ),
    Path(
        "API versions",
        ("/api/v1/documents/{document_id}/versions",),
        lambda a: a != "profile",
        lambda c, w, a: (
            len(
                json.loads(_api_text(c, f"/api/v1/documents/{_document(w, a).pk}/versions") or "[]")
            )
            == 2
        ),
    ),
    Path(
        "API download of every version",
        ("/api/v1/documents/{document_id}/versions/{number}/file",),
        lambda a: a != "profile",
        lambda c, w, a: _downloads_every_version(c, w, a, api=True),
    ),
    Path(
        "search hit",
        ("search:search",),
        lambda a: a != "profile",
        lambda c, w, a: _contains(
            c, f"/search/?q=motdoc{a}&tab=documents", _document(w, a).get_absolute_url()
        ),
    ),
]


def _contains_post(client: Client, url: str, data: dict[str, str], marker: str) -> bool:
    response = client.post(url, data, headers=HTMX)
    assert response.status_code in (200, 302, 401, 404), (url, response.status_code)
    return response.status_code == 200 and marker in response.content.decode()


def _viewer(world: World, name: str) -> User:
    return getattr(world, name)


def _follow_every_source(world: World, person: User) -> None:
    """So that the feed's sources cover every post: what is left out is left out by the policy."""
    from cercle.follows.models import Follow, HashtagFollow
    from cercle.posts.models import Hashtag

    if person.pk != world.author.pk:
        Follow.objects.create(follower=person, followee=world.author)
    HashtagFollow.objects.bulk_create(
        [HashtagFollow(user=person, hashtag=tag) for tag in Hashtag.objects.all()]
    )


def can_read_hidden(path: Path, audience: str, viewer: str) -> bool:
    """A post hidden by a moderator: its author still has it everywhere; its page (and
    the community page's list of hidden posts) stays open to the community's managers
    and to site admins; everyone else loses it from every path."""
    if not can_read(audience, viewer):
        return False
    moderates = viewer == "admin" or (viewer == "manager" and audience != "profile")
    return viewer == "author" or (path.opens and moderates)


def _wrong(world: World, audience: str, viewer: str, *, hidden: bool) -> list[str]:
    person = _viewer(world, viewer)
    _follow_every_source(world, person)
    client = Client()
    client.force_login(person)
    wrong: list[str] = []
    for group, paths, rule, follows_post in (
        ("post", POST_PATHS, can_read, True),
        ("feed", FEED_PATHS, can_read, True),
        ("search", SEARCH_PATHS, can_read, True),
        ("community", COMMUNITY_PATHS, can_see_community, False),
        ("members", MEMBER_PATHS, can_read, False),
        ("documents", DOCUMENT_PATHS, can_read, False),
        ("projects", PROJECT_PATHS, can_read, False),
    ):
        for path in paths:
            if not path.applies(audience):
                continue
            seen = path.check(client, world, audience)
            if hidden and follows_post:
                expected = can_read_hidden(path, audience, viewer)
            else:
                expected = rule(audience, viewer)
            if seen != expected:
                wrong.append(f"{group} / {path.name}: seen={seen}, expected={expected}")
    return wrong


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_visibility_matrix(audience: str, viewer: str) -> None:
    world = build_world()
    wrong = _wrong(world, audience, viewer, hidden=False)
    assert not wrong, f"{audience} × {viewer}:\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_visibility_matrix_of_hidden_posts(audience: str, viewer: str) -> None:
    """The same paths once a site admin has hidden every post (profiles included)."""
    from cercle.posts import services

    world = build_world()
    for post in world.posts.values():
        services.post_hide(actor=world.admin, post=post, reason="Hors charte")
    wrong = _wrong(world, audience, viewer, hidden=True)
    assert not wrong, f"hidden {audience} × {viewer}:\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("hidden", [False, True], ids=["listed", "hidden"])
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_visibility_matrix_of_replays(audience: str, viewer: str, hidden: bool) -> None:
    """A client token sent again answers as a fresh read would: never more, never a 500."""
    from cercle.posts import services
    from cercle.posts.models import Comment

    world = build_world()
    person = _viewer(world, viewer)
    _plant_replays(world, audience, person)
    if hidden:
        services.post_hide(actor=world.admin, post=_post(world, audience), reason="Hors charte")
    client = Client()
    client.force_login(person)
    before = (Post.objects.count(), Comment.objects.count())
    wrong = []
    for path in REPLAY_PATHS:
        seen = path.check(client, world, audience)
        expected = can_read_hidden(path, audience, viewer) if hidden else can_read(audience, viewer)
        if seen != expected:
            wrong.append(f"replay / {path.name}: seen={seen}, expected={expected}")
    assert (Post.objects.count(), Comment.objects.count()) == before  # a replay creates nothing
    assert not wrong, f"{'hidden ' if hidden else ''}{audience} × {viewer}:\n" + "\n".join(wrong)


# Routes that read posts, comments, files or communities must be in a Path above, or
# be listed here with the reason they need no visibility check of their own.
NOT_READ_PATHS = {
    # One's own #topics and hidden subjects: nobody else's content.
    "search:my_expertise",
    # Writes: each goes through a service that checks the same policies (tested in services).
    # (Creating a post or a comment is also a read when its client token is replayed:
    # REPLAY_PATHS.)
    "posts:edit",
    "posts:delete",
    "posts:pin",
    "posts:share",
    "posts:react",
    "posts:comment_delete",
    "posts:hashtag_follow",
    # Moderation pages: the post through `_post_or_404` (the policy), then `can_hide` /
    # `can_move`; tests/posts/test_moderation.py covers who gets them.
    "posts:hide",
    "posts:restore",
    "posts:move",
    "communities:create",
    "communities:settings",
    "communities:join",
    "communities:request",
    "communities:leave",
    "communities:invite",
    "communities:archive",
    "communities:decide_request",
    "communities:remove_member",
    "communities:set_role",
    "communities:decline_invitation",
    # The thumbnail shares the download's lookup (`selectors.attachment_get`).
    "posts:thumbnail",
    "/api/v1/files/{attachment_id}/thumbnail",
    "/api/v1/communities/{slug}/requests",  # moderators only: pending_requests() checks MODERATE
    # Counts only, built on the same feed query; a count cannot be pinned to one post here,
    # so tests/feed/test_feed.py::test_new_count_respects_visibility covers them.
    "feed:new_count",
    "/api/v1/feed/new-count",
    # The feed page's side column lists the viewer's own communities and invitations, and
    # people: tests/feed/test_feed.py::test_the_side_column_follows_the_feed_in_its_own_request
    # (a secret community one is not in stays out).
    "feed:aside",
    # Notifications are each person's own: tests/notifications/test_rules.py checks that
    # they follow visibility at reading time (a member removed, a secret mention, a
    # declined invitation, a request to a community one no longer manages).
    "notifications:list",
    "notifications:badge",
    "notifications:open",
    "notifications:read",  # POST, through the same lookup as "open"
    "notifications:read_all",  # POST, the viewer's own
    "/api/v1/notifications",
    "/api/v1/notifications/unread-count",
    # Each person's own settings; the unsubscribe link acts for the person its signed
    # token names (tests/notifications/test_email.py: forged tokens change nothing).
    "notifications:settings",
    "notifications:unsubscribe",
    "/api/v1/notifications/settings",
    # Library writes: each through a service that asks cercle.access.documents
    # (tests/documents/test_services.py: strangers, members, archived libraries).
    "documents:upload",
    "documents:folder_create",
    "documents:folder_delete",
    "documents:new_version",
    "documents:restore",
    "documents:edit",
    "documents:editing",
    "documents:delete",
}
WATCHED = re.compile(
    r"^(posts|communities|feed|search|notifications|documents):|^home$"
    r"|^/api/v1/(posts|comments|files|hashtags|communities|feed|search|notifications"
    r"|documents|folders|libraries)"
)


def _web_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str = "") -> None:
        for item in patterns:
            if isinstance(item, URLResolver):
                walk(
                    item.url_patterns,
                    f"{namespace}{item.namespace}:" if item.namespace else namespace,
                )
            elif item.name:
                names.add(f"{namespace}{item.name}")

    walk(get_resolver().url_patterns)
    return names


def _api_get_routes() -> set[str]:
    from cercle.api.api import api

    schema = api.get_openapi_schema()
    return {path for path, operations in schema["paths"].items() if "get" in operations}


def test_every_read_route_is_covered() -> None:
    covered = {
        route
        for paths in (
            POST_PATHS,
            FEED_PATHS,
            SEARCH_PATHS,
            COMMUNITY_PATHS,
            MEMBER_PATHS,
            REPLAY_PATHS,
            DOCUMENT_PATHS,
            PROJECT_PATHS,
        )
        for path in paths
        for route in path.routes
    }
    routes = {r for r in _web_routes() | _api_get_routes() if WATCHED.match(r)}
    missing = routes - covered - NOT_READ_PATHS
    assert not missing, f"Read paths not in the visibility matrix: {sorted(missing)}"
