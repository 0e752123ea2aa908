"""The personal feed ("Mon fil"): a pure read, fanned out on read.

Everything the viewer may see (``PostPolicy`` through ``visible_posts``)
that comes from a followed person, one of the viewer's communities or a
followed #topic, plus the viewer's own posts — minus muted sources — newest
first, one keyset page at a time.  Nothing is precomputed, so a new post is
in every feed at once and a deleted or no-longer-visible one is gone at once.

``feed()`` keeps one signature so that a materialised per-recipient feed can
replace its body later without touching views or the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from cercle.access import prepared
from cercle.access.base import Viewer, viewer_pk
from cercle.access.posts import PostPolicy
from cercle.accounts.models import User
from cercle.communities.models import Membership
from cercle.documents.models import MAX_DEPTH, Document, Folder
from cercle.documents.selectors import folder_path
from cercle.follows.models import (
    AttentionLevel,
    AttentionSetting,
    Follow,
    HashtagFollow,
    SourceKind,
)
from cercle.posts.cards import Reason, cards
from cercle.posts.models import Hashtag, Post, PostHashtag, PostKind
from cercle.posts.selectors import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    Cursor,
    PostPage,
    keyset_page,
    keyset_q,
    keyset_rows,
    page_of,
    visible_posts,
)

NEW_COUNT_CAP = 99


class FeedFilter(StrEnum):
    ALL = "all"
    PEOPLE = "people"
    COMMUNITIES = "communities"
    TOPICS = "topics"


class FeedOrder(StrEnum):
    RECENT = "recent"  # by publication
    ACTIVITY = "activity"  # a new comment lifts a post


# The levels that take a source's posts out of the feed: muted, or sent to the digest.
OUT_OF_FEED = (AttentionLevel.MUTE, AttentionLevel.DIGEST)


def _muted(viewer: Viewer, kind: SourceKind) -> QuerySet[AttentionSetting, int]:
    return AttentionSetting.objects.filter(
        user_id=viewer_pk(viewer), source_kind=kind, level__in=OUT_OF_FEED
    ).values_list("source_id", flat=True)


# Levels at which a followed document or folder brings its documents into the feed.
IN_FEED = (AttentionLevel.FEED, AttentionLevel.NOTIFY)


@dataclass(frozen=True, slots=True)
class DocumentSources:
    """The posts of documents one chose a level for, directly or through a folder."""

    followed: frozenset[int]  # brought into the feed, whatever their community
    muted: frozenset[int]  # taken out of it


def document_sources(viewer: Viewer) -> DocumentSources | None:
    """What the viewer chose for library documents and folders; None when nothing.

    Nearly nobody follows a document: one indexed query says so, and the feed
    query stays the prepared one.  For the others, the choice nearest to each
    document wins (its own, then its folder's, then the folder above...), and
    the feed is asked through the ORM with these posts written in.  Measured
    the other way (the documents and folders joined into every feed query),
    the feed page's SQL went from 0.30 to 1.68 ms at 100k posts (SQLite).
    """
    me = viewer_pk(viewer)
    if me is None or me < 0:  # anonymous, or the stand-in of a prepared query
        return None
    # Every feed request asks: compiled once (through the ORM each time: 0.5 ms on PostgreSQL).
    query = prepared.for_viewer(
        ("feed", "document-choices"),
        viewer,
        lambda stand_in: AttentionSetting.objects.filter(
            user_id=stand_in.pk, source_kind__in=(SourceKind.DOCUMENT, SourceKind.FOLDER)
        ).values_list("source_kind", "source_id", "level"),
        [],
    )
    if query is None:
        return None
    chosen = query.rows({prepared.VIEWER: me})
    if not chosen:
        return None
    for_documents = {pk: level for kind, pk, level in chosen if kind == SourceKind.DOCUMENT}
    for_folders = {pk: level for kind, pk, level in chosen if kind == SourceKind.FOLDER}
    # Each folder under a chosen one takes the nearest choice above it.
    level_of = dict(for_folders)
    frontier = set(for_folders)
    for _depth in range(MAX_DEPTH):
        if not frontier:
            break
        children = list(
            Folder.objects.filter(parent_id__in=frontier).values_list("id", "parent_id")
        )
        for child, parent in children:
            level_of.setdefault(child, level_of[parent])
        frontier = {child for child, _parent in children}
    followed: set[int] = set()
    muted: set[int] = set()
    for pk, folder, post in Document.objects.filter(
        Q(id__in=list(for_documents)) | Q(folder_id__in=list(level_of)), post_id__isnull=False
    ).values_list("id", "folder_id", "post_id"):
        level = for_documents.get(pk) or level_of.get(folder)
        if level in IN_FEED:
            followed.add(post)
        elif level in OUT_OF_FEED:
            muted.add(post)
    return DocumentSources(frozenset(followed), frozenset(muted))


def _unindexed(column: str) -> ExpressionWrapper[Any]:
    """``column + 0``: the same value, but no index can serve it (see ``feed_queryset``)."""
    return ExpressionWrapper(F(column) + 0, output_field=BigIntegerField())


def feed_queryset(viewer: Viewer, feed_filter: FeedFilter = FeedFilter.ALL) -> QuerySet[Post]:
    """The feed as one query (sources OR-ed, mutes excluded, visibility applied)."""
    me = viewer_pk(viewer)
    followed = Follow.objects.filter(follower_id=me).values("followee_id")
    communities = (
        Membership.objects.filter(user_id=me)
        .exclude(community_id__in=_muted(viewer, SourceKind.COMMUNITY))
        .values("community_id")
    )
    tags = (
        HashtagFollow.objects.filter(user_id=me)
        .exclude(hashtag_id__in=_muted(viewer, SourceKind.HASHTAG))
        .values("hashtag_id")
    )

    # Topics are checked post by post, by a scalar subquery on the post's id + 0
    # ("its first followed tag is not null"), never by listing every post of a
    # tag: a common tag has tens of thousands.  Written as EXISTS, PostgreSQL
    # turns it into a hashed subplan that reads them all before the first row
    # (~9 ms at 1M posts); a scalar subquery is always probed row by row.
    def first_tag(among: QuerySet[Any, Any]) -> Subquery:
        return Subquery(
            PostHashtag.objects.filter(post_id=OuterRef("_id"), hashtag_id__in=among).values(
                "hashtag_id"
            )[:1]
        )

    # The sources are tested on "column + 0", which no index serves: the database
    # then walks the (created_at, id) index newest first and stops after one page,
    # instead of gathering every post of every source and sorting them all
    # (measured at 1M posts on SQLite: ~700 ms the first way, see bench/README.md).
    # A followed document (or folder) is a source of its own: its alerts come
    # even from a community one is not in, or muted.
    chosen = document_sources(viewer)
    documents = sorted(chosen.followed) if chosen is not None else []
    sources = {
        FeedFilter.PEOPLE: Q(_author__in=followed) | Q(_author=me),
        FeedFilter.COMMUNITIES: Q(_community__in=communities) | Q(_id__in=documents),
        FeedFilter.TOPICS: Q(_followed_tag__isnull=False),
    }
    wanted = (
        sources[FeedFilter.PEOPLE] | sources[FeedFilter.COMMUNITIES] | sources[FeedFilter.TOPICS]
        if feed_filter == FeedFilter.ALL
        else sources[feed_filter]
    )
    return (
        visible_posts(viewer)
        .alias(
            _author=_unindexed("author_id"),
            _community=_unindexed("community_id"),
            _id=_unindexed("id"),
        )
        .alias(_followed_tag=first_tag(tags))
        .filter(wanted)
        .exclude(author_id__in=_muted(viewer, SourceKind.PERSON))
        .exclude(Q(community_id__in=_muted(viewer, SourceKind.COMMUNITY)) & ~Q(_id__in=documents))
        .exclude(_id__in=sorted(chosen.muted) if chosen is not None else [])
        # NOT EXISTS here: an anti-join, which PostgreSQL estimates well (an
        # "IS NULL" on a subquery made it expect 0.5 % of the rows and pick
        # nested loops over every community).
        .exclude(
            Exists(
                PostHashtag.objects.filter(
                    post_id=OuterRef("_id"), hashtag_id__in=_muted(viewer, SourceKind.HASHTAG)
                )
            )
        )
    )


@dataclass(frozen=True, slots=True)
class _Why:
    """What the page query says about one post, to explain its presence."""

    follows_author: bool
    role: str | None  # the viewer's role in the post's community
    tag_key: str | None  # the first followed #topic the post carries
    tag_name: str | None


def _with_reason_columns(posts: QuerySet[Post], viewer: Viewer) -> QuerySet[Post]:
    """Annotate what ``_reason`` needs, so that explaining a page costs no query.

    The subqueries sit in the select list: the database evaluates them only for
    the rows of the page, not for every post it walks past.
    """
    me = viewer_pk(viewer)
    tags = (
        HashtagFollow.objects.filter(user_id=me)
        .exclude(hashtag_id__in=_muted(viewer, SourceKind.HASHTAG))
        .values("hashtag_id")
    )
    first_tag = PostHashtag.objects.filter(post_id=OuterRef("pk"), hashtag_id__in=tags).order_by(
        "hashtag_id"
    )
    return posts.annotate(
        _follows_author=Exists(
            Follow.objects.filter(follower_id=me, followee_id=OuterRef("author_id"))
        ),
        _my_role=Subquery(
            Membership.objects.filter(user_id=me, community_id=OuterRef("community_id")).values(
                "role"
            )[:1]
        ),
        _tag_key=Subquery(first_tag.values("hashtag__key")[:1]),
        _tag_name=Subquery(first_tag.values("hashtag__name")[:1]),
    )


_WHY_COLUMNS = ("_follows_author", "_my_role", "_tag_key", "_tag_name")


def _explain(
    me: int | None,
    why: _Why | None,
    *,
    author_id: int | None,
    author: tuple[str, str] | None,
    community: tuple[str, str] | None,
    is_share: bool,
) -> Reason | None:
    """Community first, then person (or share), then topic.

    ``author`` and ``community`` are (name, url) pairs, None when absent.
    """
    if author_id is not None and author_id == me:
        return Reason("mine", "", "")
    if why is None:
        return None
    if community is not None and why.role is not None:
        return Reason("community", *community)
    if author is not None and why.follows_author:
        return Reason("share" if is_share else "person", *author)
    if why.tag_key is not None:
        tag = Hashtag(key=why.tag_key, name=why.tag_name or why.tag_key)
        return Reason("hashtag", tag.name, tag.get_absolute_url())
    return None


def _prepared(
    kind: str,
    viewer: Viewer,
    shape: tuple[Any, ...],
    build: Callable[[User], QuerySet[Any, Any]],
    *,
    cursor: bool,
) -> prepared.Prepared | None:
    """The feed query of this shape, compiled once (None: take the ORM path)."""
    stand_ins = (prepared.CURSOR_ID, prepared.CURSOR_AT) if cursor else ()
    return prepared.for_viewer(("feed", kind, *shape), viewer, build, stand_ins)


def page_sql(
    viewer: Viewer,
    feed_filter: FeedFilter = FeedFilter.ALL,
    field: str = "created_at",
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[str, list[Any]] | None:
    """The SQL of one feed page and its parameters, as ``feed()`` runs it.

    Rows are ``(id, position, *why)``; ``limit + 1`` of them tell whether a next
    page exists.  The benchmark times this SQL alone as the database floor.
    None: this viewer's page is not prepared (``feed()`` then asks the ORM).
    """
    position = Cursor.decode(cursor) if cursor else None
    limit = max(1, min(limit, MAX_PAGE_SIZE))

    def build(stand_in: User) -> QuerySet[Post, tuple[Any, ...]]:
        posts = _with_reason_columns(feed_queryset(stand_in, feed_filter), stand_in)
        after = (prepared.CURSOR_AT, prepared.CURSOR_ID) if position is not None else None
        return keyset_rows(posts, after, limit, field=field, columns=_WHY_COLUMNS)

    if document_sources(viewer) is not None:
        return None  # written into the query for this viewer alone (``document_sources``)
    shape = (feed_filter, field, position is not None, limit)
    query = _prepared("page", viewer, shape, build, cursor=position is not None)
    if query is None:
        return None
    values: dict[Any, Any] = {prepared.VIEWER: viewer_pk(viewer)}
    if position is not None:
        values |= {prepared.CURSOR_ID: position.id, prepared.CURSOR_AT: position.created_at}
    return query.sql, query.bind(values)


def _page_rows(
    viewer: Viewer, feed_filter: FeedFilter, field: str, cursor: str | None, limit: int
) -> tuple[list[tuple[Any, ...]], str | None]:
    """``(id, position, *why)`` of one page, and the cursor after it."""
    query = page_sql(viewer, feed_filter, field, cursor, limit)
    if query is None:  # the same query, compiled by the ORM for this request
        return keyset_page(
            _with_reason_columns(feed_queryset(viewer, feed_filter), viewer),
            cursor,
            limit,
            field=field,
            columns=_WHY_COLUMNS,
        )
    with connection.cursor() as db:
        db.execute(*query)
        return page_of(list(db.fetchall()), limit)


def feed(
    *,
    viewer: Viewer,
    feed_filter: FeedFilter = FeedFilter.ALL,
    order: FeedOrder = FeedOrder.RECENT,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> PostPage:
    """One page of the viewer's feed, as cards, each with its ``reason``.

    The page query says, for each post, what explains its presence and the
    viewer's role in its community; then the cards (``cercle.posts.cards``:
    posts, files and praise, reactions) — four queries whatever the page.
    """
    field = "last_activity_at" if order == FeedOrder.ACTIVITY else "created_at"
    rows, next_cursor = _page_rows(viewer, feed_filter, field, cursor, limit)
    why = {r[0]: _Why(bool(r[2]), r[3], r[4], r[5]) for r in rows}
    # The page already says the viewer's role in each of its communities:
    # that is all the permission checks of these cards need.
    found = cards(viewer, [r[0] for r in rows], post_roles={pk: w.role for pk, w in why.items()})
    me = viewer_pk(viewer)
    for card in found:
        fields = card.fields
        author, community = fields["author"], fields["community"]
        card.reason = _explain(
            me,
            why[card.pk],
            author_id=card.author_id,
            author=(author["name"], author["profile_url"]) if author else None,
            community=(community["name"], community["url"]) if community else None,
            is_share=bool(card.shared_post_id) or fields["kind"] == "share",
        )
    return PostPage(found, next_cursor)


def since(page: PostPage) -> str:
    """The marker a client keeps to ask "how many new since?".

    The newest post *created* among those shown, not the first item: in
    "latest activity" order the first item may be an old post lifted by a
    comment, and everything published after it would then count as new.
    With nothing shown, only posts after now will count as new.
    """
    if not page.items:
        return since_now()
    newest = max(page.items, key=lambda card: (card.fields["created_at"], card.pk))
    return Cursor(newest.fields["created_at"], newest.pk).encode()


def new_count(*, viewer: Viewer, since: str, feed_filter: FeedFilter = FeedFilter.ALL) -> int:
    """How many feed posts others published after ``since`` (capped: the UI says "99+").

    The viewer's own posts are in their feed but are not news to them: what
    they just published must not light up "1 new post".
    """
    position = Cursor.decode(since)
    if position is None:
        return 0

    def build(stand_in: User) -> QuerySet[Post, tuple[int]]:
        newer = feed_queryset(stand_in, feed_filter).filter(
            keyset_q("created_at", prepared.CURSOR_AT, prepared.CURSOR_ID, newer=True)
        )
        return (
            newer.exclude(author_id=stand_in.pk).order_by().values_list("pk")[: NEW_COUNT_CAP + 1]
        )

    query = (
        _prepared("count", viewer, (feed_filter,), build, cursor=True)
        if document_sources(viewer) is None
        else None
    )
    if query is not None:
        values = {
            prepared.VIEWER: viewer_pk(viewer),
            prepared.CURSOR_ID: position.id,
            prepared.CURSOR_AT: position.created_at,
        }
        return len(query.rows(values))
    newer = (
        feed_queryset(viewer, feed_filter)
        .filter(keyset_q("created_at", position.created_at, position.id, newer=True))
        .exclude(author_id=viewer_pk(viewer))
    )
    return len(newer.order_by().values_list("pk", flat=True)[: NEW_COUNT_CAP + 1])


def since_now() -> str:
    """A marker for "nothing shown yet": only posts after now will count as new."""
    return Cursor(timezone.now(), 0).encode()


def new_post_audience(post_id: int, among: Iterable[int]) -> set[int]:
    """Those of ``among`` (users ids) whose feed now shows post ``post_id``, its author aside.

    What ``feed_queryset`` decides one viewer at a time, asked once for many
    (the users connected to one web process, told of a new post in real
    time): visible to them, from a source they follow (person, community,
    #topic, library document or folder), no source muted.  Three queries whatever
    the number of users (a document's post: three more).
    """
    wanted = set(among)
    post = Post.objects.filter(pk=post_id).select_related("community", "shared_post__community")
    found = post.first()
    if found is None or not wanted:
        return set()
    wanted.discard(found.author_id or 0)
    tags = list(PostHashtag.objects.filter(post_id=found.pk).values_list("hashtag_id", flat=True))

    def mutes(kind: SourceKind, sources: Any) -> QuerySet[AttentionSetting]:
        return AttentionSetting.objects.filter(
            user_id=OuterRef("pk"),
            source_kind=kind,
            source_id__in=sources,
            level__in=OUT_OF_FEED,
        )

    follows_author = Exists(
        Follow.objects.filter(follower_id=OuterRef("pk"), followee_id=found.author_id)
    )
    sources = Q(follows_author)
    muted = Q(Exists(mutes(SourceKind.PERSON, [found.author_id])))
    if found.community_id is not None:
        sources |= Q(
            Exists(
                Membership.objects.filter(user_id=OuterRef("pk"), community_id=found.community_id)
            )
        )
        muted |= Q(Exists(mutes(SourceKind.COMMUNITY, [found.community_id])))
    if tags:
        sources |= Q(
            Exists(HashtagFollow.objects.filter(user_id=OuterRef("pk"), hashtag_id__in=tags))
        )
        muted |= Q(Exists(mutes(SourceKind.HASHTAG, tags)))
    if found.kind == PostKind.DOCUMENT:
        followers, off = _document_choices(found.pk, wanted)
        sources |= Q(pk__in=followers)
        muted = (muted & ~Q(pk__in=followers)) | Q(pk__in=off)
    audience = PostPolicy.audience(found).filter(pk__in=wanted).filter(sources).exclude(muted)
    return set(audience.values_list("pk", flat=True))


def _document_choices(post_id: int, among: set[int]) -> tuple[set[int], set[int]]:
    """Those of ``among`` who follow a document's post's document, and those who muted it
    (its own choice, then its folder's, then the folder above: ``document_sources``)."""
    document = Document.objects.filter(post_id=post_id).select_related("folder").first()
    if document is None:
        return set(), set()
    chain = [folder.pk for folder in reversed(folder_path(document.folder))]
    rank: dict[str, dict[int, int]] = {
        SourceKind.DOCUMENT: {document.pk: 0},
        SourceKind.FOLDER: {pk: depth + 1 for depth, pk in enumerate(chain)},
    }
    nearest: dict[int, tuple[int, str]] = {}
    for user_id, kind, source, level in AttentionSetting.objects.filter(
        Q(source_kind=SourceKind.DOCUMENT, source_id=document.pk)
        | Q(source_kind=SourceKind.FOLDER, source_id__in=chain),
        user_id__in=among,
    ).values_list("user_id", "source_kind", "source_id", "level"):
        specific = rank[kind][source]
        if user_id not in nearest or specific < nearest[user_id][0]:
            nearest[user_id] = (specific, level)
    followers = {u for u, (_, level) in nearest.items() if level in IN_FEED}
    off = {u for u, (_, level) in nearest.items() if level in OUT_OF_FEED}
    return followers, off
