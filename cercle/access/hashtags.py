"""Visibility of #topics (hashtags).

A topic has no audience of its own: it exists for a viewer exactly when the
viewer may see at least one post carrying it (``post_q``, the posts' rule).
So there is no third question here: whoever must hear of a topic's new post
is that post's audience (``PostPolicy.audience``), which notifications ask.
A topic used only in a secret community is therefore, to everyone else,
indistinguishable from a topic that does not exist: same answer (404), and
the same queries, so the same time (``lookup`` asks about a placeholder id
when the key names no topic).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from cercle.access import prepared
from cercle.access.base import Viewer, is_active_viewer
from cercle.access.posts import post_q

if TYPE_CHECKING:
    from cercle.posts.models import Hashtag, PostHashtag

NO_TOPIC = -1  # an id no topic has: the check runs (and costs) the same without one


class HashtagAction(StrEnum):
    VIEW = "view"  # its page, its posts, its suggestions
    FOLLOW = "follow"  # also: mute, or set how it reaches me


class HashtagPolicy:
    @staticmethod
    def can_by_id(viewer: Viewer, action: HashtagAction, hashtag_id: int) -> bool:
        """``can`` for a topic known by its id only (the API's attention settings)."""
        if not is_active_viewer(viewer):
            return False
        # Both actions need what VIEW needs; following adds nothing (anyone who sees may).
        # Asked for every topic page and search: compiled once (``prepared``).
        query = prepared.for_viewer(
            ("topic_seen",),
            viewer,
            lambda stand_in: HashtagPolicy.uses(stand_in, prepared.SOURCE).values_list("pk")[:1],
            [prepared.SOURCE],
        )
        if query is None:
            return HashtagPolicy.uses(viewer, hashtag_id).exists()
        return bool(query.rows({prepared.VIEWER: viewer.pk, prepared.SOURCE: hashtag_id}))

    @staticmethod
    def uses(viewer: Viewer, hashtag_id: int) -> QuerySet[PostHashtag]:
        """The topic's uses on the posts the viewer sees (its page walks them newest first)."""
        from cercle.posts.models import PostHashtag

        return PostHashtag.objects.filter(post_q(viewer, "post__"), hashtag_id=hashtag_id)

    @staticmethod
    def can(viewer: Viewer, action: HashtagAction, hashtag: Hashtag) -> bool:
        return HashtagPolicy.can_by_id(viewer, action, hashtag.pk)

    @staticmethod
    def lookup(viewer: Viewer, key: str) -> Hashtag | None:
        """The topic of ``key`` if the viewer may see it; None whether it is missing or not."""
        from cercle.posts.models import Hashtag

        tag = Hashtag.objects.filter(key=key).first()
        seen = HashtagPolicy.can_by_id(viewer, HashtagAction.VIEW, tag.pk if tag else NO_TOPIC)
        return tag if tag is not None and seen else None

    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Hashtag]) -> QuerySet[Hashtag]:
        """The topics of ``queryset`` the viewer may see (one ``EXISTS`` per topic).

        For a handful of topics; to walk many candidates, ask ``can_by_id`` one
        by one and stop early (see ``cercle.search.selectors.topics``).
        """
        from cercle.posts.models import PostHashtag

        carried = PostHashtag.objects.filter(post_q(viewer, "post__"), hashtag_id=OuterRef("pk"))
        return queryset.filter(Exists(carried))
