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

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cercle.access.base import Viewer, is_active_viewer, viewer_pk
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


@dataclass(frozen=True, slots=True)
class PostPermissions:
    """What the viewer of a post they see may do to it (a card's buttons, the API's flags)."""

    edit: bool
    delete: bool
    pin: bool
    comment: bool  # also react, reply and share
    hide: bool
    move: bool

    @staticmethod
    def of(
        *,
        is_author: bool,
        moderates: bool,
        in_community: bool,
        archived: bool,
        hidden: bool,
        subject: bool = False,
    ) -> PostPermissions:
        """The rules, in one place: ``PostPolicy.can`` for one post, lists for a page.

        ``moderates``: a site administrator, or a manager of the post's community.
        ``subject``: the post stands for an object of its own (a library
        document, ``SUBJECT_KINDS``), edited, moved and deleted with it only.
        """
        return PostPermissions(
            edit=is_author and not archived and not subject,
            delete=(is_author or moderates) and not subject,
            pin=in_community and moderates and not archived and not hidden,
            comment=not archived and not hidden,
            hide=moderates,
            move=not archived and (is_author or moderates) and not subject,
        )

    def as_dict(self) -> dict[str, bool]:
        # Not dataclasses.asdict: its deep copy cost 4 µs a card, twenty cards a page.
        return {
            "edit": self.edit,
            "delete": self.delete,
            "pin": self.pin,
            "comment": self.comment,
            "hide": self.hide,
            "move": self.move,
        }


@dataclass(frozen=True, slots=True)
class CommentPermissions:
    edit: bool
    delete: bool

    @staticmethod
    def of(*, is_author: bool, post: PostPermissions) -> CommentPermissions:
        """Its author edits it while the conversation is open; whoever may delete the post, too."""
        return CommentPermissions(edit=is_author and post.comment, delete=is_author or post.delete)

    def as_dict(self) -> dict[str, bool]:
        return {"edit": self.edit, "delete": self.delete}


@dataclass(frozen=True)
class Moderation:
    """Whom the viewer moderates, fetched once (one query) for a page of posts."""

    admin: bool
    roles: dict[int, str]

    @classmethod
    def of(cls, viewer: Viewer, community_ids: set[int] | None = None) -> Moderation:
        """The viewer's roles (in ``community_ids`` only, when given)."""
        from cercle.communities.models import Membership

        if not is_active_viewer(viewer) or community_ids == set():
            return cls(admin=is_site_admin(viewer), roles={})
        memberships = Membership.objects.filter(user_id=viewer_pk(viewer))
        if community_ids is not None:
            memberships = memberships.filter(community_id__in=community_ids)
        return cls(
            admin=is_site_admin(viewer),
            roles=dict(memberships.values_list("community_id", "role")),
        )

    def moderates(self, community_id: int | None) -> bool:
        from cercle.communities.models import Role

        return self.admin or (
            community_id is not None and self.roles.get(community_id) in (Role.OWNER, Role.MANAGER)
        )

    def permissions(
        self,
        viewer: Viewer,
        *,
        author_id: int | None,
        community_id: int | None,
        archived: bool,
        hidden: bool,
        kind: str = "",
    ) -> PostPermissions:
        from cercle.posts.models import SUBJECT_KINDS

        return PostPermissions.of(
            is_author=author_id is not None and author_id == viewer.pk,
            moderates=self.moderates(community_id),
            in_community=community_id is not None,
            archived=archived,
            hidden=hidden,
            subject=kind in SUBJECT_KINDS,
        )


class PostPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Post]) -> QuerySet[Post]:
        return queryset.filter(post_q(viewer))

    @staticmethod
    def permissions(viewer: Viewer, post: Post) -> PostPermissions:
        """What ``viewer`` may do to ``post``, assuming they see it (``can`` checks that)."""
        from cercle.posts.models import SUBJECT_KINDS

        community = post.community
        return PostPermissions.of(
            is_author=post.author_id is not None and post.author_id == viewer.pk,
            moderates=PostPolicy._moderates(viewer, post),
            in_community=community is not None,
            archived=community is not None and community.is_archived,
            hidden=post.hidden_at is not None,
            subject=post.kind in SUBJECT_KINDS,
        )

    @staticmethod
    def can(viewer: Viewer, action: PostAction, post: Post) -> bool:
        if not is_active_viewer(viewer) or not PostPolicy._can_view(viewer, post):
            return False
        if action == PostAction.VIEW:
            return True
        allowed = PostPolicy.permissions(viewer, post)
        match action:
            case PostAction.COMMENT | PostAction.SHARE:
                return allowed.comment
            case PostAction.EDIT:
                return allowed.edit
            case PostAction.DELETE:
                return allowed.delete
            case PostAction.PIN:
                return allowed.pin
            case PostAction.HIDE:
                return allowed.hide
            case PostAction.MOVE:
                return allowed.move
        return False

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
        return CommentPolicy._permissions(viewer, comment).delete

    @staticmethod
    def can_edit(viewer: Viewer, comment: Comment) -> bool:
        return CommentPolicy._permissions(viewer, comment).edit

    @staticmethod
    def _permissions(viewer: Viewer, comment: Comment) -> CommentPermissions:
        post = comment.post
        if not PostPolicy.can(viewer, PostAction.VIEW, post):
            return CommentPermissions(edit=False, delete=False)
        return CommentPermissions.of(
            is_author=comment.author_id is not None and comment.author_id == viewer.pk,
            post=PostPolicy.permissions(viewer, post),
        )


class AttachmentPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Attachment]) -> QuerySet[Attachment]:
        return queryset.filter(post_q(viewer, "post__"))
