"""Community endpoints: directory, settings, membership, requests, invitations, posts.

Every endpoint looks the community up with ``selectors.community_get``, so a
secret community the caller may not see answers 404 exactly like a missing
one; what the caller may then do is the services' and the policy's business
(403 for a visible community they may not act on, 422 for a wrong request).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status
from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from cercle.access.communities import CommunityAction, CommunityPolicy, membership_of
from cercle.accounts import selectors as people_selectors
from cercle.accounts.api import PersonOut
from cercle.accounts.lookups import person_of
from cercle.accounts.models import User
from cercle.api.schema import Id, In, NotNull, Out, PathId, one_of
from cercle.communities import selectors, services
from cercle.communities.lookups import community_of
from cercle.communities.models import (
    Community,
    CommunityKind,
    Invitation,
    JoinRequest,
    Membership,
)
from cercle.core.http import viewer_of
from cercle.posts.api import stream_out
from cercle.posts.schemas import CommunityRefOut, PostPageOut, PostPageQuery

router = Router(tags=["communities"])

RoleName = Literal["owner", "manager", "member"]


class CommunityOut(Out):
    id: int
    slug: str
    name: str
    description: str
    kind: str
    member_count: int
    is_member: bool
    archived: bool
    url: str

    @staticmethod
    def from_community(community: Community, *, is_member: bool) -> CommunityOut:
        return CommunityOut(
            id=community.pk,
            slug=community.slug,
            name=community.name,
            description=community.description,
            kind=community.kind,
            member_count=community.member_count,
            is_member=is_member,
            archived=community.is_archived,
            url=community.get_absolute_url(),
        )


class CommunityDetailOut(CommunityOut):
    viewer_role: RoleName | None
    can_post: bool
    can_moderate: bool
    can_administer: bool
    pending_request: bool = Field(description="The caller asked to join and awaits a decision.")
    invited: bool = Field(description="The caller has a pending invitation.")

    @staticmethod
    def from_detail(viewer: User, community: Community) -> CommunityDetailOut:
        membership = membership_of(viewer, community)
        base = CommunityOut.from_community(community, is_member=membership is not None)
        return CommunityDetailOut(
            **base.model_dump(),
            viewer_role=membership.role if membership else None,  # type: ignore[arg-type]
            can_post=CommunityPolicy.can(viewer, CommunityAction.POST, community),
            can_moderate=CommunityPolicy.can(viewer, CommunityAction.MODERATE, community),
            can_administer=CommunityPolicy.can(viewer, CommunityAction.ADMINISTER, community),
            pending_request=selectors.viewer_request(viewer=viewer, community=community)
            is not None,
            invited=selectors.viewer_invitation(viewer=viewer, community=community) is not None,
        )


class CommunityPage(Out):
    count: int
    page: int
    pages: int
    results: list[CommunityOut]


class CommunityQuery(In):
    q: str = Field("", max_length=100)
    mine: bool = Field(False, description="Only the communities I belong to.")
    page: int = Field(1, ge=1)
    per_page: int = Field(20, ge=1, le=100)


KINDS = one_of(CommunityKind.values)


class CommunityIn(In):
    name: str = Field(max_length=120)  # an empty one: the service says so with the rest
    description: str = Field("", max_length=2000)
    kind: str = Field(CommunityKind.OPEN.value, json_schema_extra=KINDS)


class CommunityPatchIn(In):
    """Fields to change; those left out stay as they are."""

    name: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=2000)
    kind: Annotated[
        Annotated[str, Field(json_schema_extra=KINDS)] | SkipJsonSchema[None], NotNull
    ] = None


class JoinRequestIn(In):
    message: str = Field("", max_length=500)


class JoinRequestOut(Out):
    id: int
    community: CommunityRefOut
    person: PersonOut
    message: str
    status: str
    created_at: datetime

    @staticmethod
    def from_request(join_request: JoinRequest) -> JoinRequestOut:
        return JoinRequestOut(
            id=join_request.pk,
            community=CommunityRefOut.from_community(join_request.community),
            person=PersonOut.from_user(join_request.user),
            message=join_request.message,
            status=join_request.status,
            created_at=join_request.created_at,
        )


class InvitationIn(In):
    user_id: Id


class InvitationOut(Out):
    id: int
    community: CommunityRefOut
    person: PersonOut
    status: str
    created_at: datetime

    @staticmethod
    def from_invitation(invitation: Invitation) -> InvitationOut:
        return InvitationOut(
            id=invitation.pk,
            community=CommunityRefOut.from_community(invitation.community),
            person=PersonOut.from_user(invitation.user),
            status=invitation.status,
            created_at=invitation.created_at,
        )


class MemberOut(Out):
    person: PersonOut
    role: RoleName
    joined_at: datetime

    @staticmethod
    def from_membership(membership: Membership) -> MemberOut:
        return MemberOut(
            person=PersonOut.from_user(membership.user),
            role=membership.role,  # type: ignore[arg-type]
            joined_at=membership.created_at,
        )


class RoleIn(In):
    # The values are documented; the service checks them, with the other rules at once.
    role: str = Field(json_schema_extra=one_of(get_args(RoleName)))


def _detail(request: HttpRequest, community: Community) -> CommunityDetailOut:
    return CommunityDetailOut.from_detail(viewer_of(request), community)


@router.get("/communities", response=CommunityPage, summary="List communities I can see")
def list_communities(request: HttpRequest, query: Query[CommunityQuery]) -> CommunityPage:
    communities = selectors.directory(viewer=viewer_of(request), q=query.q, mine=query.mine)
    paginator = Paginator(communities, query.per_page)
    page = paginator.get_page(query.page)
    return CommunityPage(
        count=paginator.count,
        page=page.number,
        pages=paginator.num_pages,
        results=[
            CommunityOut.from_community(c, is_member=bool(getattr(c, "is_member", False)))
            for c in page.object_list
        ],
    )


@router.post(
    "/communities", response={201: CommunityDetailOut}, summary="Create a community (I own it)"
)
def create_community(request: HttpRequest, payload: CommunityIn) -> Status[CommunityDetailOut]:
    community = services.community_create(
        actor=viewer_of(request),
        name=payload.name,
        description=payload.description,
        kind=payload.kind,
    )
    return Status(201, _detail(request, community))


@router.get(
    "/communities/{slug}", response=CommunityDetailOut, summary="A community, with my role in it"
)
def get_community(request: HttpRequest, slug: str) -> CommunityDetailOut:
    return _detail(request, community_of(request, slug))


@router.patch(
    "/communities/{slug}", response=CommunityDetailOut, summary="Change a community's settings"
)
def patch_community(
    request: HttpRequest, slug: str, payload: CommunityPatchIn
) -> CommunityDetailOut:
    community = community_of(request, slug)
    services.community_update(
        actor=viewer_of(request),
        community=community,
        name=community.name if payload.name is None else payload.name,
        description=community.description if payload.description is None else payload.description,
        kind=community.kind if payload.kind is None else payload.kind,
    )
    return _detail(request, community)


@router.post(
    "/communities/{slug}/archive", response=CommunityDetailOut, summary="Archive (read-only)"
)
def archive_community(request: HttpRequest, slug: str) -> CommunityDetailOut:
    community = community_of(request, slug)
    services.community_archive(actor=viewer_of(request), community=community, archived=True)
    return _detail(request, community)


@router.post(
    "/communities/{slug}/unarchive", response=CommunityDetailOut, summary="Bring back from archive"
)
def unarchive_community(request: HttpRequest, slug: str) -> CommunityDetailOut:
    community = community_of(request, slug)
    services.community_archive(actor=viewer_of(request), community=community, archived=False)
    return _detail(request, community)


@router.post(
    "/communities/{slug}/join",
    response=CommunityDetailOut,
    summary="Join an open community, or accept my invitation",
)
def join_community(request: HttpRequest, slug: str) -> CommunityDetailOut:
    community = community_of(request, slug)
    services.community_join(actor=viewer_of(request), community=community)
    return _detail(request, community)


@router.post("/communities/{slug}/leave", response={204: None}, summary="Leave a community")
def leave_community(request: HttpRequest, slug: str) -> Status[None]:
    community = community_of(request, slug)
    services.community_leave(actor=viewer_of(request), community=community)
    return Status(204, None)


@router.post(
    "/communities/{slug}/requests",
    response={201: JoinRequestOut},
    summary="Ask to join a private community",
    description="Asking again returns the same pending request.",
)
def request_to_join(
    request: HttpRequest, slug: str, payload: JoinRequestIn | None = None
) -> Status[JoinRequestOut]:
    community = community_of(request, slug)
    join_request = services.community_request(
        actor=viewer_of(request), community=community, message=payload.message if payload else ""
    )
    return Status(201, JoinRequestOut.from_request(join_request))


@router.get(
    "/communities/{slug}/requests",
    response=list[JoinRequestOut],
    summary="Pending requests (managers only; empty for others)",
)
def list_requests(request: HttpRequest, slug: str) -> list[JoinRequestOut]:
    community = community_of(request, slug)
    pending = selectors.pending_requests(viewer=viewer_of(request), community=community)
    # PersonOut shows each person's department and region.
    pending = pending.select_related("community", "user__department", "user__region").order_by(
        "created_at", "id"
    )
    return [JoinRequestOut.from_request(r) for r in pending]


def _decide(
    request: HttpRequest, slug: str, request_id: PathId, *, approve: bool
) -> JoinRequestOut:
    community = community_of(request, slug)
    join_request = (
        selectors.pending_requests(viewer=viewer_of(request), community=community)
        .filter(pk=request_id)
        .first()
    )
    if join_request is None:
        raise Http404
    decided = services.request_decide(
        actor=viewer_of(request), join_request=join_request, approve=approve
    )
    return JoinRequestOut.from_request(decided)


@router.post(
    "/communities/{slug}/requests/{request_id}/approve",
    response=JoinRequestOut,
    summary="Approve a request to join",
)
def approve_request(request: HttpRequest, slug: str, request_id: PathId) -> JoinRequestOut:
    return _decide(request, slug, request_id, approve=True)


@router.post(
    "/communities/{slug}/requests/{request_id}/deny",
    response=JoinRequestOut,
    summary="Deny a request to join",
)
def deny_request(request: HttpRequest, slug: str, request_id: PathId) -> JoinRequestOut:
    return _decide(request, slug, request_id, approve=False)


@router.post(
    "/communities/{slug}/invitations",
    response={201: InvitationOut},
    summary="Invite a colleague",
    description="Inviting someone already invited returns the pending invitation.",
)
def invite(request: HttpRequest, slug: str, payload: InvitationIn) -> Status[InvitationOut]:
    community = community_of(request, slug)
    person = people_selectors.person_get(viewer=viewer_of(request), user_id=payload.user_id)
    if person is None:
        raise ValidationError({"user_id": [_("Nobody with this id.")]})
    invitation = services.community_invite(
        actor=viewer_of(request), community=community, user=person
    )
    return Status(201, InvitationOut.from_invitation(invitation))


@router.post(
    "/invitations/{invitation_id}/decline",
    response={204: None},
    summary="Decline an invitation I received",
)
def decline_invitation(request: HttpRequest, invitation_id: PathId) -> Status[None]:
    invitation = (
        selectors.my_invitations(viewer=viewer_of(request)).filter(pk=invitation_id).first()
    )
    if invitation is None:
        raise Http404
    services.invitation_decline(actor=viewer_of(request), invitation=invitation)
    return Status(204, None)


@router.get(
    "/communities/{slug}/members",
    response=list[MemberOut],
    summary="Members, owners first (empty unless I may read the community)",
)
def list_members(request: HttpRequest, slug: str) -> list[MemberOut]:
    community = community_of(request, slug)
    return [
        MemberOut.from_membership(m)
        for m in selectors.members(viewer=viewer_of(request), community=community)
    ]


@router.delete(
    "/communities/{slug}/members/{user_id}", response={204: None}, summary="Remove a member"
)
def remove_member(request: HttpRequest, slug: str, user_id: PathId) -> Status[None]:
    community = community_of(request, slug)
    services.member_remove(
        actor=viewer_of(request), community=community, user=person_of(request, user_id)
    )
    return Status(204, None)


@router.put(
    "/communities/{slug}/members/{user_id}/role",
    response=MemberOut,
    summary="Change a member's role",
)
def set_member_role(request: HttpRequest, slug: str, user_id: PathId, payload: RoleIn) -> MemberOut:
    community = community_of(request, slug)
    person = person_of(request, user_id)
    membership = services.member_set_role(
        actor=viewer_of(request), community=community, user=person, role=payload.role
    )
    membership.user = person
    return MemberOut.from_membership(membership)


@router.get(
    "/communities/{slug}/posts",
    response=PostPageOut,
    summary="A community's posts, newest first",
    description="Keyset pagination: pass `next_cursor` back as `cursor` for the next page.",
)
def community_posts(request: HttpRequest, slug: str, query: Query[PostPageQuery]) -> PostPageOut:
    viewer = viewer_of(request)
    community = community_of(request, slug)
    if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
        return PostPageOut(items=[], next_cursor=None)
    return stream_out(viewer, query, community=community)
