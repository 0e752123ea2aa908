"""Reads on communities, through ``CommunityPolicy``."""

from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When

from cercle.access.base import Viewer, viewer_pk
from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.communities.models import (
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from cercle.core.text import fold


def directory(*, viewer: Viewer, q: str = "", mine: bool = False) -> QuerySet[Community]:
    """Communities the viewer may see, each marked ``is_member`` (no N+1)."""
    if mine:  # from the viewer's memberships: a handful of rows, not every community
        communities = CommunityPolicy.joined(viewer, Community.objects.all()).annotate(
            is_member=Value(True)
        )
    else:
        communities = CommunityPolicy.visible(viewer, Community.objects.all()).annotate(
            is_member=Exists(
                Membership.objects.filter(community=OuterRef("pk"), user_id=viewer_pk(viewer))
            )
        )
    for word in fold(q).split():
        communities = communities.filter(search_key__contains=word)
    return communities.order_by("archived_at", "-member_count", "name")


def community_get(*, viewer: Viewer, slug: str) -> Community | None:
    return CommunityPolicy.visible(viewer, Community.objects.all()).filter(slug=slug).first()


def members(*, viewer: Viewer, community: Community, q: str = "") -> QuerySet[Membership]:
    """The member list, for those who may read the community; empty otherwise.

    Owners and managers first, then by name; ``q``: words of the name, job,
    department or region (as the people directory matches them).
    """
    if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
        return Membership.objects.none()
    rank = Case(
        When(role=Role.OWNER, then=Value(0)),
        When(role=Role.MANAGER, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    found = Membership.objects.filter(community=community, user__is_active=True)
    for word in fold(q).split():
        found = found.filter(user__search_key__contains=word)
    return (
        found.select_related("user__department", "user__region")
        .annotate(rank=rank)
        .order_by("rank", "user__last_name", "user__first_name")
    )


def pending_requests(*, viewer: Viewer, community: Community) -> QuerySet[JoinRequest]:
    if not CommunityPolicy.can(viewer, CommunityAction.MODERATE, community):
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(
        community=community, status=RequestStatus.PENDING
    ).select_related("user")


def viewer_request(*, viewer: Viewer, community: Community) -> JoinRequest | None:
    return JoinRequest.objects.filter(
        community=community, user_id=viewer_pk(viewer), status=RequestStatus.PENDING
    ).first()


def viewer_invitation(*, viewer: Viewer, community: Community) -> Invitation | None:
    return Invitation.objects.filter(
        community=community, user_id=viewer_pk(viewer), status=InvitationStatus.PENDING
    ).first()


def my_invitations(*, viewer: Viewer) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        user_id=viewer_pk(viewer),
        status=InvitationStatus.PENDING,
        community__archived_at__isnull=True,
    ).select_related("community", "invited_by")
