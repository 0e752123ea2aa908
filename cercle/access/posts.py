"""Visibility and permissions of posts, comments and attachments.

A comment or an attachment is visible exactly when its post is.  A post is
visible to an active viewer when it is on a profile (every employee), in an
open community, or in a community the viewer belongs to; a share is visible
only if its original is too (a share never widens the original's audience).
Site administrators see everything.

A post hidden by a moderator leaves every list (feeds, streams, search,
hashtags, notifications) except its author's, who sees it marked as hidden.
Its author, the moderators of its community and site administrators can
still open it at its address, to fix it, restore it or delete it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cercle.access.base import Viewer, is_active_viewer
from cercle.access.communities import (
    CommunityAction,
    CommunityPolicy,
    is_site_admin,
    member_community_ids,
    membership_of,
)

if TYPE_CHECKING:
    from cercle.accounts.models import User
    from cercle.posts.models import Attachment, Comment, Post


class PostAction(StrEnum):
    VIEW = "view"
    COMMENT = "comment"  # also: react
    SHARE = "share"
    EDIT = "edit"
    DELETE = "delete"
    PIN = "pin"
    HIDE = "hide"  # also: restore a hidden post
    MOVE = "move"  # to another community


def post_q(viewer: Viewer, prefix: str = "") -> Q:
    """The visibility rule as a ``Q`` on Post fields, reachable through ``prefix``.

    ``prefix`` lets the same rule filter comments (``"post__"``), attachments,
    reactions or hashtags without a second query.
    """
    from cercle.communities.models import CommunityKind

    if not is_active_viewer(viewer):
        return Q(pk__in=[])
    me = viewer.pk

    def listed(p: str) -> Q:  # not hidden by a moderator, or the viewer's own
        return Q(**{f"{p}hidden_at__isnull": True}) | Q(**{f"{p}author_id": me})

    if is_site_admin(viewer):
        readable = listed
    else:
        mine = member_community_ids(viewer)

        def readable(p: str) -> Q:
            return listed(p) & (
                Q(**{f"{p}community__isnull": True})
                | Q(**{f"{p}community__kind": CommunityKind.OPEN})
                | Q(**{f"{p}community_id__in": mine})
            )

    return readable(prefix) & (
        Q(**{f"{prefix}shared_post__isnull": True}) | readable(f"{prefix}shared_post__")
    )


class PostPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Post]) -> QuerySet[Post]:
        return queryset.filter(post_q(viewer))

    @staticmethod
    def can(viewer: Viewer, action: PostAction, post: Post) -> bool:
        if not is_active_viewer(viewer) or not PostPolicy._can_view(viewer, post):
            return False
        community = post.community
        archived = community is not None and community.is_archived
        hidden = post.hidden_at is not None
        is_author = post.author_id is not None and post.author_id == viewer.pk
        match action:
            case PostAction.VIEW:
                return True
            case PostAction.COMMENT | PostAction.SHARE:
                return not archived and not hidden
            case PostAction.EDIT:
                return is_author and not archived
            case PostAction.DELETE:
                return is_author or PostPolicy._moderates(viewer, post)
            case PostAction.PIN:
                return (
                    community is not None
                    and not archived
                    and not hidden
                    and CommunityPolicy.can(viewer, CommunityAction.MODERATE, community)
                )
            case PostAction.HIDE:
                return PostPolicy._moderates(viewer, post)
            case PostAction.MOVE:
                return not archived and (is_author or PostPolicy._moderates(viewer, post))

    @staticmethod
    def _moderates(viewer: Viewer, post: Post) -> bool:
        """Site administrators moderate every post; a community's managers, its posts."""
        return is_site_admin(viewer) or (
            post.community is not None
            and CommunityPolicy.can(viewer, CommunityAction.MODERATE, post.community)
        )

    @staticmethod
    def _can_view(viewer: Viewer, post: Post) -> bool:
        from cercle.communities.models import CommunityKind

        if is_site_admin(viewer):
            return True
        for item in (post, post.shared_post):
            if item is None:
                continue
            community = item.community
            if (
                community is not None
                and community.kind != CommunityKind.OPEN
                and not membership_of(viewer, community)
            ):
                return False
            if item.hidden_at is not None and not (
                item.author_id == viewer.pk or PostPolicy._moderates(viewer, item)
            ):
                return False
        return True

    @staticmethod
    def audience(post: Post) -> QuerySet[User]:
        """Everyone who may see ``post`` (for notifications and feeds)."""
        from cercle.accounts.models import User

        people = User.objects.filter(is_active=True)
        for item in (post, post.shared_post):
            if item is not None and item.community is not None:
                people = people.filter(pk__in=CommunityPolicy.audience(item.community).values("pk"))
            if item is not None and item.hidden_at is not None:  # listed for its author only
                people = people.filter(pk__in=[item.author_id] if item.author_id else [])
        return people


class CommentAction(StrEnum):
    VIEW = "view"  # whoever reads its post
    EDIT = "edit"
    DELETE = "delete"


class CommentPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        return queryset.filter(post_q(viewer, "post__"))

    @staticmethod
    def can(viewer: Viewer, action: CommentAction, comment: Comment) -> bool:
        match action:
            case CommentAction.VIEW:
                return PostPolicy.can(viewer, PostAction.VIEW, comment.post)
            case CommentAction.EDIT:
                return CommentPolicy.can_edit(viewer, comment)
            case CommentAction.DELETE:
                return CommentPolicy.can_delete(viewer, comment)

    @staticmethod
    def can_delete(viewer: Viewer, comment: Comment) -> bool:
        is_author = comment.author_id is not None and comment.author_id == viewer.pk
        return is_author or PostPolicy.can(viewer, PostAction.DELETE, comment.post)

    @staticmethod
    def can_edit(viewer: Viewer, comment: Comment) -> bool:
        is_author = comment.author_id is not None and comment.author_id == viewer.pk
        return is_author and PostPolicy.can(viewer, PostAction.COMMENT, comment.post)


class AttachmentPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Attachment]) -> QuerySet[Attachment]:
        return queryset.filter(post_q(viewer, "post__"))
