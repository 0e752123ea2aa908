"""Visibility and permissions of communities and their member lists.

* Open: anyone sees it, reads it and joins it.
* Private: anyone sees its name, description and member count; only members
  read its content and its member list; one joins by request or invitation.
* Secret: invisible to non-members (404), except to people invited to it.
* Roles: owners change settings and roles; managers (and owners) approve
  requests, invite, remove members, pin and moderate.  A community always
  keeps an owner.  Site administrators may do everything.
* Archived: read-only for everyone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from cercle.access.base import Viewer, is_active_viewer, viewer_pk

if TYPE_CHECKING:
    from cercle.accounts.models import User
    from cercle.communities.models import Community, Membership


class CommunityAction(StrEnum):
    VIEW = "view"  # name, description, member count
    READ = "read"  # posts, files, member list
    JOIN = "join"  # straight in (open)
    REQUEST = "request"  # ask to join (private)
    LEAVE = "leave"
    POST = "post"
    MODERATE = "moderate"  # approve requests, invite, remove members, pin, delete posts
    ADMINISTER = "administer"  # settings, roles, archive


def is_site_admin(viewer: Viewer) -> bool:
    return bool(is_active_viewer(viewer) and viewer.is_staff)


def member_community_ids(viewer: Viewer) -> QuerySet[Membership, int]:
    """A subquery of the ids of the viewer's communities (usable inside any query)."""
    from cercle.communities.models import Membership

    return Membership.objects.filter(user_id=viewer_pk(viewer)).values_list(
        "community_id", flat=True
    )


def moderated_community_ids(viewer: Viewer) -> QuerySet[Membership, int]:
    """A subquery of the ids of the communities the viewer manages (owner or manager)."""
    from cercle.communities.models import Membership, Role

    return Membership.objects.filter(
        user_id=viewer_pk(viewer), role__in=[Role.OWNER, Role.MANAGER]
    ).values_list("community_id", flat=True)


def community_q(viewer: Viewer, prefix: str = "") -> Q:
    """The communities the viewer may see (``VIEW``), as a filter on ``prefix``.

    Open and private ones (a private one shows its name), the viewer's own,
    and a secret one they are invited to.  Usable inside any query (a
    community's list, notifications about communities...).  Site
    administrators see all of them: callers check ``is_site_admin`` first.
    """
    from cercle.communities.models import CommunityKind, Invitation, InvitationStatus

    invited = Invitation.objects.filter(
        community=OuterRef(f"{prefix}pk"),
        user_id=viewer_pk(viewer),
        status=InvitationStatus.PENDING,
    )
    return (
        Q(**{f"{prefix}kind__in": [CommunityKind.OPEN, CommunityKind.PRIVATE]})
        | Q(**{f"{prefix}pk__in": member_community_ids(viewer)})
        | Q(Exists(invited))
    )


def content_q(viewer: Viewer, prefix: str = "") -> Q:
    """What lives in a community (``prefix`` reaches its ``community``) and whose
    content the viewer may read (``READ``): open communities, their own, and
    everything for site administrators.  Libraries and projects read this way."""
    from cercle.communities.models import CommunityKind

    if not is_active_viewer(viewer):
        return Q(pk__in=[])
    if is_site_admin(viewer):
        return Q()
    return Q(**{f"{prefix}community__kind": CommunityKind.OPEN}) | Q(
        **{f"{prefix}community_id__in": member_community_ids(viewer)}
    )


def membership_of(viewer: Viewer, community: Community) -> Membership | None:
    """The viewer's membership, fetched once per community object and viewer."""
    from cercle.communities.models import Membership

    if not is_active_viewer(viewer):
        return None
    cache: dict[int, Membership | None] = community.__dict__.setdefault("_membership_cache", {})
    if viewer_pk(viewer) not in cache:
        cache[viewer_pk(viewer)] = Membership.objects.filter(
            community=community, user_id=viewer_pk(viewer)
        ).first()
    return cache[viewer_pk(viewer)]


class CommunityPolicy:
    @staticmethod
    def visible(viewer: Viewer, queryset: QuerySet[Community]) -> QuerySet[Community]:
        if not is_active_viewer(viewer):
            return queryset.none()
        if is_site_admin(viewer):
            return queryset
        return queryset.filter(community_q(viewer))

    @staticmethod
    def joined(viewer: Viewer, queryset: QuerySet[Community]) -> QuerySet[Community]:
        """The viewer's own communities: a member sees every community they belong to.

        ``visible`` narrowed to memberships, written as one join rather than the
        general rule's subqueries (menus and the composer list them on every page).
        """
        if not is_active_viewer(viewer):
            return queryset.none()
        return queryset.filter(memberships__user_id=viewer_pk(viewer))

    @staticmethod
    def readable(viewer: Viewer, queryset: QuerySet[Community]) -> QuerySet[Community]:
        """Communities whose content (posts, files, members) the viewer may read."""
        from cercle.communities.models import CommunityKind

        if not is_active_viewer(viewer):
            return queryset.none()
        if is_site_admin(viewer):
            return queryset
        return queryset.filter(Q(kind=CommunityKind.OPEN) | Q(pk__in=member_community_ids(viewer)))

    @staticmethod
    def can(viewer: Viewer, action: CommunityAction, community: Community) -> bool:
        from cercle.communities.models import CommunityKind, Role

        if not is_active_viewer(viewer):
            return False
        membership = membership_of(viewer, community)
        admin = is_site_admin(viewer)
        open_ = community.kind == CommunityKind.OPEN
        archived = community.is_archived
        match action:
            case CommunityAction.VIEW:
                return bool(
                    admin
                    or membership
                    or community.kind != CommunityKind.SECRET
                    or community.invitations.filter(
                        user_id=viewer_pk(viewer), status="pending"
                    ).exists()
                )
            case CommunityAction.READ:
                return bool(admin or membership or open_)
            case CommunityAction.JOIN:
                return membership is None and open_ and not archived
            case CommunityAction.REQUEST:
                return (
                    membership is None and community.kind == CommunityKind.PRIVATE and not archived
                )
            case CommunityAction.LEAVE:
                return membership is not None
            case CommunityAction.POST:
                return membership is not None and not archived
            case CommunityAction.MODERATE:
                return bool(
                    admin
                    or (membership is not None and membership.role in (Role.OWNER, Role.MANAGER))
                )
            case CommunityAction.ADMINISTER:
                return bool(admin or (membership is not None and membership.role == Role.OWNER))

    @staticmethod
    def moderators(community: Community) -> QuerySet[Membership, int]:
        """The ids of those who manage ``community`` (owners and managers): told of requests."""
        from cercle.communities.models import Membership, Role

        return Membership.objects.filter(
            community=community, role__in=[Role.OWNER, Role.MANAGER]
        ).values_list("user_id", flat=True)

    @staticmethod
    def audience(community: Community) -> QuerySet[User]:
        """Who may read the community's content."""
        from cercle.accounts.models import User
        from cercle.communities.models import CommunityKind

        people = User.objects.filter(is_active=True)
        if community.kind == CommunityKind.OPEN:
            return people
        return people.filter(Q(memberships__community=community) | Q(is_staff=True)).distinct()
