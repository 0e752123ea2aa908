"""Reads on conversations, always through the access policies.

Every list of posts is a page of ids chosen through ``PostPolicy`` (keyset
pagination on ``(created_at, id)``: ``keyset_page``), then read as cards by
``cercle.posts.cards`` — the community page, the profile, the hashtag page,
pinned and hidden posts, one post's page, and the personal feed
(``cercle.feed.selectors``).
"""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from cercle.access import prepared
from cercle.access.base import Viewer, is_active_viewer, viewer_pk
from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.access.hashtags import HashtagPolicy
from cercle.access.posts import (
    CommentPermissions,
    CommentPolicy,
    PostAction,
    PostPolicy,
)
from cercle.accounts.models import User
from cercle.communities.models import Community
from cercle.posts.cards import Card, cards
from cercle.posts.models import (
    EMOJI_LABELS,
    Attachment,
    Comment,
    Emoji,
    Hashtag,
    Post,
    PraiseRecipient,
    Reaction,
    Reactions,
    clean_client_token,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
HIDDEN_SHOWN = 50  # on the community page, for its moderators


@dataclass(frozen=True, slots=True)
class Cursor:
    """Position after the last item shown: stable while new posts arrive."""

    created_at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.created_at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor | None:
        """The cursor in ``token``, or None when it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            stamp, pk = raw.rsplit("|", 1)
            moment = datetime.fromisoformat(stamp)
            position = cls(moment, int(pk))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            return None
        # Only positions real rows can have: an id the database can store, an
        # aware time well inside the calendar (or it overflows once adapted).
        if moment.tzinfo is None or not 0 <= position.id < 2**63:
            return None
        if not 1900 <= moment.year <= 9000:
            return None
        return position


@dataclass(slots=True)
class PostPage:
    items: list[Card]
    next_cursor: str | None


def visible_posts(viewer: Viewer) -> QuerySet[Post]:
    """Every post the viewer may see."""
    return PostPolicy.visible(viewer, Post.objects.all())


def _with_rule_relations(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Join what the policies read of one post (its community, a share's original)."""
    return posts.select_related("author", "community", "shared_post__community")


def _reaction_summaries(
    viewer: Viewer, *, posts: list[int], comments: list[int] | None = None
) -> dict[tuple[int, int | None], list[Reactions]]:
    """Counts per emoji and whether the viewer reacted, keyed by (post, comment)."""
    target = (
        Q(post_id__in=posts, comment__isnull=True)
        if comments is None
        else Q(comment_id__in=comments)
    )
    counts: dict[tuple[int, int | None], dict[str, int]] = defaultdict(dict)
    mine: set[tuple[int, int | None, str]] = set()
    for row in (
        Reaction.objects.filter(target)
        .values("post_id", "comment_id", "emoji")
        .annotate(n=Count("id"), by_me=Count("id", filter=Q(user_id=viewer_pk(viewer))))
        .order_by()
    ):
        counts[(row["post_id"], row["comment_id"])][row["emoji"]] = row["n"]
        if row["by_me"]:
            mine.add((row["post_id"], row["comment_id"], row["emoji"]))
    out: dict[tuple[int, int | None], list[Reactions]] = {}
    # Translating a lazy label costs more than the rest of the loop: once per call.
    labels = [(e.value, e.label, str(EMOJI_LABELS[e])) for e in Emoji] if counts else []
    for key, per_emoji in counts.items():
        out[key] = [
            Reactions(value, symbol, label, per_emoji[value], (*key, value) in mine)
            for value, symbol, label in labels
            if value in per_emoji
        ]
    return out


def keyset_q(field: str, at: datetime, pk: int, *, newer: bool = False, key: str = "id") -> Q:
    """Rows after the position ``(at, pk)`` in ``(field, key)`` order: older, or newer."""
    op = "gt" if newer else "lt"
    return Q(**{f"{field}__{op}": at}) | Q(**{field: at, f"{key}__{op}": pk})


def keyset_rows(
    queryset: QuerySet[Any],
    after: tuple[datetime, int] | None,
    limit: int,
    *,
    field: str = "created_at",
    columns: tuple[str, ...] = (),
    key: str = "id",
) -> QuerySet[Any, tuple[Any, ...]]:
    """The query of one keyset page: ``limit + 1`` rows ``(key, field, *columns)``."""
    if after is not None:
        queryset = queryset.filter(keyset_q(field, *after, key=key))
    return queryset.order_by(f"-{field}", f"-{key}").values_list(key, field, *columns)[: limit + 1]


def keyset_page(
    queryset: QuerySet[Any],
    cursor: str | None,
    limit: int,
    *,
    field: str = "created_at",
    columns: tuple[str, ...] = (),
    key: str = "id",
) -> tuple[list[tuple[Any, ...]], str | None]:
    """One keyset page as rows ``(id, position, *columns)``, newest ``field`` first.

    The cursor is the last item's position, not an offset: posts published
    meanwhile never shift the next page (nothing skipped, nothing repeated).
    Ties are broken by ``key``, the post's id (``post_id`` when ``queryset``
    holds rows about posts, such as a topic's uses).
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    position = Cursor.decode(cursor) if cursor else None
    after = (position.created_at, position.id) if position is not None else None
    rows = list(keyset_rows(queryset, after, limit, field=field, columns=columns, key=key))
    return page_of(rows, limit)


def page_of(rows: list[tuple[Any, ...]], limit: int) -> tuple[list[tuple[Any, ...]], str | None]:
    """``limit + 1`` rows ``(id, position, ...)`` → the page and the cursor after it."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    more = len(rows) > limit
    rows = rows[:limit]
    if not (more and rows):
        return rows, None
    last_at = rows[-1][1]
    if isinstance(last_at, str):  # raw rows from SQLite
        last_at = datetime.fromisoformat(last_at)
    if last_at.tzinfo is None:  # SQLite stores naive UTC
        last_at = last_at.replace(tzinfo=UTC)
    return rows, Cursor(last_at, rows[-1][0]).encode()


class Source(StrEnum):
    """What a stream shows: one community, one person, or one topic."""

    COMMUNITY = "community"
    AUTHOR = "author"
    HASHTAG = "hashtag"


def _stream_rows(
    viewer: Viewer,
    source: Source,
    source_id: int,
    after: tuple[datetime, int] | None,
    limit: int,
) -> QuerySet[Any, tuple[Any, ...]]:
    """One page of a stream: ``(post id, created_at)`` rows, newest first."""
    match source:
        case Source.COMMUNITY:
            posts = visible_posts(viewer).filter(community_id=source_id)
        case Source.AUTHOR:
            thanked = PraiseRecipient.objects.filter(post=OuterRef("pk"), user_id=source_id)
            posts = visible_posts(viewer).filter(Q(author_id=source_id) | Exists(thanked))
        case Source.HASHTAG:  # its uses carry their post's date: one index, newest first
            uses = HashtagPolicy.uses(viewer, source_id)
            return keyset_rows(uses, after, limit, key="post_id")
    return keyset_rows(posts, after, limit)


def stream(
    *,
    viewer: Viewer,
    community: Community | None = None,
    author: User | None = None,
    hashtag: Hashtag | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> PostPage:
    """Visible posts of one source, newest first, one keyset page of cards at a time.

    ``author`` gives a person's profile stream: what they wrote, and the
    praise they received.  The page query is compiled once per shape
    (``cercle.access.prepared``), as the feed's is.
    """
    if community is not None:
        source, source_id = Source.COMMUNITY, community.pk
    elif author is not None:
        source, source_id = Source.AUTHOR, author.pk
    elif hashtag is not None:
        source, source_id = Source.HASHTAG, hashtag.pk
    else:
        raise ValueError("stream() shows a community, a person or a topic")
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    position = Cursor.decode(cursor) if cursor else None
    after = (position.created_at, position.id) if position is not None else None
    query = prepared.for_viewer(
        ("stream", source, after is not None, limit),
        viewer,
        lambda stand_in: _stream_rows(
            stand_in,
            source,
            prepared.SOURCE,
            (prepared.CURSOR_AT, prepared.CURSOR_ID) if after else None,
            limit,
        ),
        [prepared.SOURCE, *((prepared.CURSOR_ID, prepared.CURSOR_AT) if after else ())],
    )
    if query is None:  # the same query, compiled by the ORM for this request
        rows = list(_stream_rows(viewer, source, source_id, after, limit))
    else:
        values: dict[Any, Any] = {prepared.VIEWER: viewer_pk(viewer), prepared.SOURCE: source_id}
        if position is not None:
            values |= {prepared.CURSOR_ID: position.id, prepared.CURSOR_AT: position.created_at}
        rows = query.rows(values)
    rows, next_cursor = page_of(rows, limit)
    return PostPage(cards(viewer, [row[0] for row in rows]), next_cursor)


PINNED_SHOWN = 5


def _pinned_ids(viewer: Viewer, community_id: int) -> QuerySet[Post, tuple[int]]:
    return (
        visible_posts(viewer)
        .filter(community_id=community_id, pinned_at__isnull=False)
        .order_by("-pinned_at", "-id")
        .values_list("pk")[:PINNED_SHOWN]
    )


def pinned(*, viewer: Viewer, community: Community) -> list[Card]:
    """The posts pinned to the top of a community, latest pinned first (compiled once)."""
    query = prepared.for_viewer(
        ("pinned",),
        viewer,
        lambda stand_in: _pinned_ids(stand_in, prepared.SOURCE),
        [prepared.SOURCE],
    )
    if query is None:
        rows = list(_pinned_ids(viewer, community.pk))
    else:
        rows = query.rows({prepared.VIEWER: viewer_pk(viewer), prepared.SOURCE: community.pk})
    return cards(viewer, [row[0] for row in rows])


def hidden_in(*, viewer: Viewer, community: Community) -> list[Card]:
    """The posts a moderator hid in ``community``, latest first: for its moderators only."""
    if not CommunityPolicy.can(viewer, CommunityAction.MODERATE, community):
        return []
    ids = (
        Post.objects.filter(community=community, hidden_at__isnull=False)
        .order_by("-hidden_at", "-id")
        .values_list("pk", flat=True)[:HIDDEN_SHOWN]
    )
    return cards(viewer, list(ids))


def post_get(*, viewer: Viewer, post_id: int) -> Post | None:
    """One post, if the viewer may see it (to act on it; ``post_card`` to show it).

    Fetched by its key and checked with ``PostPolicy.can`` (the same rule as
    ``PostPolicy.visible``): for one row this is cheaper than compiling the
    policy's subqueries into the query.
    """
    post = _with_rule_relations(Post.objects.filter(pk=post_id)).first()
    if post is None or not PostPolicy.can(viewer, PostAction.VIEW, post):
        return None
    return post


def post_reactions(*, viewer: Viewer, post: Post) -> list[Reactions]:
    """The reactions on a post the viewer may see, per emoji (one query)."""
    return _reaction_summaries(viewer, posts=[post.pk]).get((post.pk, None), [])


def post_card(*, viewer: Viewer, post: Post) -> Card:
    """The card of a post the viewer may see (``post_get`` said so)."""
    return cards(viewer, [post.pk])[0]


def comments_for(*, viewer: Viewer, post: Post) -> list[Comment]:
    """Top-level comments with their replies, files and reactions (constant queries)."""
    if not PostPolicy.can(viewer, PostAction.VIEW, post):  # the post's rule, as its page
        return []
    comments = list(
        Comment.objects.filter(post=post)
        .select_related("author__department", "author__region")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.all()))
        .order_by("created_at", "id")
    )
    reactions = _reaction_summaries(viewer, posts=[post.pk], comments=[c.pk for c in comments])
    allowed = PostPolicy.permissions(viewer, post)
    by_parent: dict[int, list[Comment]] = defaultdict(list)
    top: list[Comment] = []
    for comment in comments:
        comment.reaction_summary = reactions.get((post.pk, comment.pk), [])
        comment.permissions = CommentPermissions.of(
            is_author=comment.author_id is not None and comment.author_id == viewer.pk,
            post=allowed,
        )
        if comment.parent_id is None:
            top.append(comment)
        else:
            by_parent[comment.parent_id].append(comment)
    for comment in top:
        comment.reply_list = by_parent.get(comment.pk, [])
    return top


def replayed_post_id(*, viewer: Viewer, client_token: str) -> int | None:
    """The id of the viewer's own earlier post sent with ``client_token``, if any.

    Deliberately not a card: what that post has become since (moved, hidden,
    its shared original out of reach) is for ``post_get`` to say, so a replay
    is answered exactly as a fresh read of the post would be.
    """
    token = clean_client_token(client_token)
    if not token or not is_active_viewer(viewer):
        return None
    return (
        Post.objects.filter(author_id=viewer.pk, client_token=token)
        .values_list("pk", flat=True)
        .first()
    )


def replayed_comment(*, viewer: Viewer, client_token: str) -> tuple[int, int] | None:
    """(post id, comment id) of the viewer's own earlier comment sent with ``client_token``.

    As ``replayed_post_id``: the caller reads the comment again through the policy.
    """
    token = clean_client_token(client_token)
    if not token or not is_active_viewer(viewer):
        return None
    row = (
        Comment.objects.filter(author_id=viewer.pk, client_token=token)
        .values_list("post_id", "pk")
        .first()
    )
    return (row[0], row[1]) if row is not None else None


def comment_get(*, viewer: Viewer, comment_id: int) -> Comment | None:
    return (
        CommentPolicy.visible(viewer, Comment.objects.all())
        .select_related("post__community", "post__shared_post__community", "author")
        .filter(pk=comment_id)
        .first()
    )


def attachment_get(*, viewer: Viewer, attachment_id: int) -> Attachment | None:
    """A file, if the viewer may open its post (``PostPolicy.can``, as ``post_get``).

    The object rule, not the list one: the moderators of a hidden post still
    open its files, as they open the post.
    """
    attachment = (
        Attachment.objects.select_related("post__community", "post__shared_post__community")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or not PostPolicy.can(viewer, PostAction.VIEW, attachment.post):
        return None
    return attachment


def hashtag_get(*, viewer: Viewer, key: str) -> Hashtag | None:
    """A topic, only if the viewer may see it (``HashtagPolicy``).

    A topic used only in a secret community answers as one that does not exist.
    """
    return HashtagPolicy.lookup(viewer, key)


def reactors(
    *, viewer: Viewer, post: Post, emoji: str, comment: Comment | None = None
) -> list[User]:
    """Who reacted with ``emoji`` (the caller already checked the post is visible)."""
    return [
        r.user
        for r in Reaction.objects.filter(post=post, comment=comment, emoji=emoji)
        .select_related("user__department", "user__region")
        .order_by("created_at")[:200]
    ]
