from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cercle.access import NotFound
from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.communities import services
from cercle.communities.models import (
    AuditEntry,
    CommunityKind,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_makes_the_creator_owner(user) -> None:
    community = services.community_create(actor=user, name="  Veille   techno ", kind="open")
    assert community.name == "Veille techno"
    assert community.slug == "veille-techno"
    assert Membership.objects.get(community=community).role == Role.OWNER
    assert community.member_count == 1
    again = services.community_create(actor=user, name="Veille techno", kind="open")
    assert again.slug == "veille-techno-2"


@pytest.mark.parametrize(
    ("name", "kind", "field"),
    [("", "open", "name"), ("x" * 121, "open", "name"), ("Ok", "public", "kind")],
)
def test_invalid_community_is_refused(user, name, kind, field) -> None:
    with pytest.raises(ValidationError) as exc:
        services.community_create(actor=user, name=name, kind=kind)
    assert field in exc.value.message_dict


def test_join_open_is_idempotent_and_counts(user, other) -> None:
    community = services.community_create(actor=other, name="Open", kind=CommunityKind.OPEN)
    services.community_join(actor=user, community=community)
    services.community_join(actor=user, community=community)
    community.refresh_from_db()
    assert community.member_count == 2
    assert Membership.objects.filter(community=community, user=user).count() == 1


def test_private_needs_a_request_approved_by_a_manager(user, other) -> None:
    community = services.community_create(actor=other, name="Privée", kind=CommunityKind.PRIVATE)
    with pytest.raises(PermissionDenied):
        services.community_join(actor=user, community=community)
    first = services.community_request(actor=user, community=community, message="Bonjour")
    second = services.community_request(actor=user, community=community)
    assert first.pk == second.pk
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.request_decide(actor=stranger, join_request=first, approve=True)
    services.request_decide(actor=other, join_request=first, approve=True)
    assert Membership.objects.filter(community=community, user=user).exists()
    first.refresh_from_db()
    assert first.status == RequestStatus.APPROVED


def test_secret_is_invitation_only_and_invisible(user, other) -> None:
    community = services.community_create(actor=other, name="Secret", kind=CommunityKind.SECRET)
    with pytest.raises(NotFound):
        services.community_join(actor=user, community=community)
    with pytest.raises(NotFound):
        services.community_request(actor=user, community=community)
    assert not CommunityPolicy.can(user, CommunityAction.VIEW, community)
    services.community_invite(actor=other, community=community, user=user)
    assert CommunityPolicy.can(user, CommunityAction.VIEW, community)  # to accept it
    assert not CommunityPolicy.can(user, CommunityAction.READ, community)
    services.community_join(actor=user, community=community)
    assert CommunityPolicy.can(user, CommunityAction.READ, community)
    assert Invitation.objects.get().status == "accepted"


def test_invite_errors(user, other) -> None:
    community = services.community_create(actor=other, name="C", kind=CommunityKind.OPEN)
    with pytest.raises(ValidationError):
        services.community_invite(actor=other, community=community, user=other)  # already in
    with pytest.raises(PermissionDenied):
        services.community_invite(actor=user, community=community, user=UserFactory())


def test_the_last_owner_cannot_leave_or_be_demoted(user, other) -> None:
    community = services.community_create(actor=other, name="C", kind=CommunityKind.OPEN)
    with pytest.raises(ValidationError) as exc:
        services.community_leave(actor=other, community=community)
    assert exc.value.error_dict["__all__"][0].code == "last_owner"
    with pytest.raises(ValidationError):
        services.member_set_role(actor=other, community=community, user=other, role=Role.MEMBER)
    services.community_join(actor=user, community=community)
    services.member_set_role(actor=other, community=community, user=user, role=Role.OWNER)
    services.community_leave(actor=other, community=community)
    assert not Membership.objects.filter(community=community, user=other).exists()


def test_managers_moderate_but_only_owners_administer(user, other) -> None:
    community = services.community_create(actor=other, name="C", kind=CommunityKind.OPEN)
    member = UserFactory()
    for person in (user, member):
        services.community_join(actor=person, community=community)
    services.member_set_role(actor=other, community=community, user=user, role=Role.MANAGER)
    services.member_remove(actor=user, community=community, user=member)  # manager: ok
    with pytest.raises(PermissionDenied):
        services.member_remove(actor=user, community=community, user=other)  # not an owner
    with pytest.raises(PermissionDenied):
        services.member_set_role(actor=user, community=community, user=user, role=Role.OWNER)
    with pytest.raises(PermissionDenied):
        services.community_archive(actor=user, community=community, archived=True)


def test_leaving_removes_access_at_once(user, other) -> None:
    community = services.community_create(actor=other, name="P", kind=CommunityKind.PRIVATE)
    services.community_invite(actor=other, community=community, user=user)
    services.community_join(actor=user, community=community)
    assert CommunityPolicy.can(user, CommunityAction.READ, community)
    services.community_leave(actor=user, community=community)
    community.refresh_from_db()
    assert not CommunityPolicy.can(user, CommunityAction.READ, community)
    assert community.member_count == 1


def test_site_admin_actions_in_a_foreign_community_are_recorded(staff, other, user) -> None:
    community = services.community_create(actor=other, name="S", kind=CommunityKind.SECRET)
    services.community_invite(actor=staff, community=community, user=user)
    services.community_archive(actor=staff, community=community, archived=True)
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("id")) == [
        "invite",
        "archive",
    ]
    # Members' own actions are not audit entries.
    services.community_archive(actor=other, community=community, archived=False)
    assert AuditEntry.objects.count() == 2


def test_deny_request(user, other) -> None:
    community = services.community_create(actor=other, name="P", kind=CommunityKind.PRIVATE)
    request = services.community_request(actor=user, community=community)
    services.request_decide(actor=other, join_request=request, approve=False)
    assert JoinRequest.objects.get().status == RequestStatus.DENIED
    assert not Membership.objects.filter(user=user).exists()
