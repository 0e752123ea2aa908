"""Reads on conversations, always through the access policies.

``stream()`` is the one machinery behind every list of posts (community page,
profile, hashtag page and, later, the personal feed): visibility filter,
keyset pagination on ``(created_at, id)`` and ``hydrate()``, which loads
everything a post card shows in a constant number of queries.
"""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from cercle.access.base import Viewer, is_active_viewer, viewer_pk
from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.access.hashtags import HashtagPolicy
from cercle.access.posts import (
    CommentPermissions,
    CommentPolicy,
    Moderation,
    PostAction,
    PostPolicy,
)
from cercle.accounts.models import User
from cercle.communities.models import Community
from cercle.posts.models import (
    EMOJI_LABELS,
    Attachment,
    Comment,
    Emoji,
    Hashtag,
    Post,
    PostHashtag,
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
    items: list[Post]
    next_cursor: str | None


def visible_posts(viewer: Viewer) -> QuerySet[Post]:
    """Every post the viewer may see, with what a card shows joined in."""
    return _base(viewer)


def with_card_relations(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Join what a post card shows (author, community, the shared original)."""
    return posts.select_related(
        "author__department",
        "author__region",
        "community",
        "shared_post__author__department",
        "shared_post__author__region",
        "shared_post__community",
    )


def _base(viewer: Viewer) -> QuerySet[Post]:
    return with_card_relations(PostPolicy.visible(viewer, Post.objects.all()))


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


def hydrate(viewer: Viewer, posts: list[Post], moderation: Moderation | None = None) -> list[Post]:
    """Attach what a post card shows: files, praise, reactions, permissions.

    ``moderation``: the viewer's roles when the caller knows them already.
    """
    if not posts:
        return posts
    moderation = moderation or Moderation.of(
        viewer, {p.community_id for p in posts if p.community_id is not None}
    )
    ids = [p.pk for p in posts] + [p.shared_post_id for p in posts if p.shared_post_id]
    files: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(post_id__in=ids, comment__isnull=True):
        files[attachment.post_id].append(attachment)
    praised: dict[int, list[User]] = defaultdict(list)
    for praise in PraiseRecipient.objects.filter(post_id__in=ids).select_related(
        "user__department", "user__region"
    ):
        praised[praise.post_id].append(praise.user)
    reactions = _reaction_summaries(viewer, posts=[p.pk for p in posts])
    for post in posts:
        for item in (post, post.shared_post):
            if item is not None:
                item.files = files.get(item.pk, [])
                item.praised = praised.get(item.pk, [])
        post.reaction_summary = reactions.get((post.pk, None), [])
        post.permissions = moderation.permissions(
            viewer,
            author_id=post.author_id,
            community_id=post.community_id,
            archived=post.community is not None and post.community.is_archived,
            hidden=post.hidden_at is not None,
        )
    return posts


def paginate(
    queryset: QuerySet[Post], cursor: str | None, limit: int, *, field: str = "created_at"
) -> tuple[list[Post], str | None]:
    """One keyset page, newest ``field`` first (ties broken by id).

    The cursor is the last item's position, not an offset: posts published
    meanwhile never shift the next page (nothing skipped, nothing repeated).
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    position = Cursor.decode(cursor) if cursor else None
    if position is not None:
        queryset = queryset.filter(
            Q(**{f"{field}__lt": position.created_at})
            | Q(**{field: position.created_at, "id__lt": position.id})
        )
    items = list(queryset.order_by(f"-{field}", "-id")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    next_cursor = (
        Cursor(getattr(items[-1], field), items[-1].pk).encode() if more and items else None
    )
    return items, next_cursor


def _stream_queryset(
    viewer: Viewer,
    community: Community | None,
    author: User | None,
    hashtag: Hashtag | None,
) -> QuerySet[Post]:
    posts = _base(viewer)
    if community is not None:
        posts = posts.filter(community=community)
    if author is not None:
        thanked = PraiseRecipient.objects.filter(post=OuterRef("pk"), user=author)
        posts = posts.filter(Q(author=author) | Exists(thanked))
    if hashtag is not None:
        posts = _tagged(posts, hashtag)
    return posts


def stream(
    *,
    viewer: Viewer,
    community: Community | None = None,
    author: User | None = None,
    hashtag: Hashtag | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> PostPage:
    """Visible posts of one source, newest first, one keyset page at a time.

    ``author`` gives a person's profile stream: what they wrote, and the
    praise they received.
    """
    posts = _stream_queryset(viewer, community, author, hashtag)
    items, next_cursor = paginate(posts, cursor, limit)
    return PostPage(hydrate(viewer, items), next_cursor)


def stream_ids(
    *,
    viewer: Viewer,
    community: Community | None = None,
    author: User | None = None,
    hashtag: Hashtag | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[int], str | None]:
    """The same page as ``stream()``, as post ids (for ``cercle.posts.cards``)."""
    posts = _stream_queryset(viewer, community, author, hashtag)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    position = Cursor.decode(cursor) if cursor else None
    if position is not None:
        posts = posts.filter(
            Q(created_at__lt=position.created_at)
            | Q(created_at=position.created_at, id__lt=position.id)
        )
    rows = list(posts.order_by("-created_at", "-id").values_list("id", "created_at")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = Cursor(rows[-1][1], rows[-1][0]).encode() if more and rows else None
    return [pk for pk, _ in rows], next_cursor


# From this many posts on, a tag is "common": its page walks the newest posts
# and keeps those carrying it, instead of gathering all of its posts and sorting
# them (at 1M posts, 25k for the most common tag: 300 ms on SQLite that way).
COMMON_TAG_POSTS = 2000


def _tagged(posts: QuerySet[Post], hashtag: Hashtag) -> QuerySet[Post]:
    """Posts carrying ``hashtag``, written so that the database finds one page cheaply."""
    uses = PostHashtag.objects.filter(hashtag=hashtag)[:COMMON_TAG_POSTS].count()
    if uses < COMMON_TAG_POSTS:
        return posts.filter(post_hashtags__hashtag=hashtag)
    # "id + 0": no index can serve it, so the planner walks (created_at, id) newest
    # first and probes the tag row by row (a scalar subquery, which PostgreSQL
    # never turns into a hash of every tagged post, as it does with EXISTS).
    carries = PostHashtag.objects.filter(
        post_id=ExpressionWrapper(OuterRef("id") + 0, output_field=BigIntegerField()),
        hashtag=hashtag,
    ).values("hashtag_id")[:1]
    return posts.alias(_tag=Subquery(carries)).filter(_tag__isnull=False)


def pinned(*, viewer: Viewer, community: Community) -> list[Post]:
    posts = list(
        _base(viewer)
        .filter(community=community, pinned_at__isnull=False)
        .order_by("-pinned_at")[:5]
    )
    return hydrate(viewer, posts)


def hidden_in(*, viewer: Viewer, community: Community) -> list[Post]:
    """The posts a moderator hid in ``community``, latest first: for its moderators only."""
    if not CommunityPolicy.can(viewer, CommunityAction.MODERATE, community):
        return []
    posts = list(
        with_card_relations(
            Post.objects.filter(community=community, hidden_at__isnull=False)
        ).order_by("-hidden_at", "-id")[:HIDDEN_SHOWN]
    )
    return hydrate(viewer, posts)


def post_get(*, viewer: Viewer, post_id: int) -> Post | None:
    """One post, if the viewer may see it.

    Fetched by its key and checked with ``PostPolicy.can`` (the same rule as
    ``PostPolicy.visible``): for one row this is cheaper than compiling the
    policy's subqueries into the query.
    """
    post = with_card_relations(Post.objects.filter(pk=post_id)).first()
    if post is None or not PostPolicy.can(viewer, PostAction.VIEW, post):
        return None
    return hydrate(viewer, [post])[0]


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
