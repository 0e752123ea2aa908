"""Writes on communities: create, settings, membership, requests, invitations, roles.

Every function asks ``cercle.access.require`` first: ``NotFound`` when the
actor may not even see the community (missing and forbidden look the same),
``Forbidden`` when they see it but may not act; then a translated
``ValidationError`` for a wrong request.  Repeating an action is
harmless (joining twice is one membership).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cercle.access import Forbidden, NotFound, require
from cercle.access.communities import (
    CommunityAction,
    CommunityPolicy,
    is_site_admin,
    membership_of,
)
from cercle.accounts.models import User
from cercle.communities.events import CommunityChanged, Invited, JoinRequested, RequestAnswered
from cercle.communities.models import (
    AuditEntry,
    Community,
    CommunityKind,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from cercle.core import events
from cercle.core.errors import invalid
from cercle.core.images import Rendition, square_renditions
from cercle.core.text import clean_label, clean_text

MAX_NAME = 120
MAX_DESCRIPTION = 2000


def _check(actor: User, action: CommunityAction, community: Community) -> None:
    require(actor, action, community)


def _audit(actor: User, community: Community, action: str, detail: str = "") -> None:
    """Record what a site administrator does in a community they are not a member of."""
    if is_site_admin(actor) and membership_of(actor, community) is None:
        AuditEntry.objects.create(
            community=community, actor=actor, action=action, detail=detail[:300]
        )


def _forget_membership(community: Community) -> None:
    community.__dict__.pop("_membership_cache", None)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "communaute"
    slug, n = base, 1
    while Community.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_fields(name: str, description: str, kind: str) -> tuple[str, str, str]:
    errors = {}
    name = clean_label(name)
    if not name:
        errors["name"] = [_("Give the community a name.")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("At most %(max)d characters.") % {"max": MAX_NAME}]
    description = clean_text(description)
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("At most %(max)d characters.") % {"max": MAX_DESCRIPTION}]
    if kind not in CommunityKind.values:
        errors["kind"] = [_("Choose open, private or secret.")]
    if errors:
        raise ValidationError(errors)
    return name, description, kind


def _avatar(data: bytes | None) -> Rendition | None:
    """A square WebP rendition of an uploaded picture (checked by content)."""
    if data is None:
        return None
    try:
        return square_renditions(
            data,
            stem=f"community-{uuid.uuid4().hex[:12]}",
            sizes={"avatar": 256},
            max_bytes=settings.CERCLE_MAX_PHOTO_BYTES,
        )["avatar"]
    except ValidationError as exc:
        raise ValidationError({"avatar": exc.messages}) from exc


def _add_member(community: Community, user: User, role: Role = Role.MEMBER) -> Membership:
    membership, created = Membership.objects.get_or_create(
        community=community, user=user, defaults={"role": role}
    )
    if created:
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
        community.refresh_from_db(fields=["member_count"])
        # Someone who gets in no longer needs a pending request or invitation.
        JoinRequest.objects.filter(
            community=community, user=user, status=RequestStatus.PENDING
        ).update(status=RequestStatus.APPROVED, decided_at=timezone.now())
        Invitation.objects.filter(
            community=community, user=user, status=InvitationStatus.PENDING
        ).update(status=InvitationStatus.ACCEPTED)
    _forget_membership(community)
    return membership


def _remove_member(community: Community, user: User) -> None:
    deleted, _rows = Membership.objects.filter(community=community, user=user).delete()
    if deleted:
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)
        community.refresh_from_db(fields=["member_count"])
    _forget_membership(community)


def _owner_count(community: Community) -> int:
    return Membership.objects.filter(community=community, role=Role.OWNER).count()


@transaction.atomic
def community_create(
    *,
    actor: User,
    name: str,
    description: str = "",
    kind: str = CommunityKind.OPEN,
    avatar: bytes | None = None,
) -> Community:
    """Create a community; its creator is its first owner."""
    if not actor.is_active:
        raise Forbidden
    name, description, kind = _clean_fields(name, description, kind)
    picture = _avatar(avatar)
    community = Community(
        name=name, description=description, kind=kind, slug=_unique_slug(name), created_by=actor
    )
    if picture is not None:
        community.avatar.save(picture.name, picture.content, save=False)
    community.save()
    _add_member(community, actor, Role.OWNER)
    events.publish(CommunityChanged(community=community))
    return community


@transaction.atomic
def community_update(
    *,
    actor: User,
    community: Community,
    name: str,
    description: str,
    kind: str,
    avatar: bytes | None = None,
) -> Community:
    """Change the settings; ``avatar`` (raw upload) replaces the picture when given."""
    _check(actor, CommunityAction.ADMINISTER, community)
    name, description, kind = _clean_fields(name, description, kind)
    picture = _avatar(avatar)
    community.name, community.description, community.kind = name, description, kind
    if picture is not None:
        old = community.avatar.name
        community.avatar.save(picture.name, picture.content, save=False)
        if old:
            storage = community.avatar.storage
            transaction.on_commit(lambda: storage.delete(old))
    community.save(update_fields=["name", "description", "kind", "avatar"])
    _audit(actor, community, "update")
    events.publish(CommunityChanged(community=community))
    return community


@transaction.atomic
def community_archive(*, actor: User, community: Community, archived: bool) -> Community:
    _check(actor, CommunityAction.ADMINISTER, community)
    community.archived_at = timezone.now() if archived else None
    community.save(update_fields=["archived_at"])
    _audit(actor, community, "archive" if archived else "unarchive")
    return community


@transaction.atomic
def community_join(*, actor: User, community: Community) -> Membership:
    """Join an open community (or accept a pending invitation to any community)."""
    existing = membership_of(actor, community)
    if existing is not None:
        return existing
    invited = Invitation.objects.filter(
        community=community, user=actor, status=InvitationStatus.PENDING
    ).exists()
    if not invited:
        _check(actor, CommunityAction.JOIN, community)
    elif community.is_archived:
        raise Forbidden
    return _add_member(community, actor)


@transaction.atomic
def community_request(*, actor: User, community: Community, message: str = "") -> JoinRequest:
    """Ask to join a private community (one pending request at a time)."""
    _check(actor, CommunityAction.REQUEST, community)
    pending = JoinRequest.objects.filter(
        community=community, user=actor, status=RequestStatus.PENDING
    ).first()
    if pending is not None:
        return pending
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                community=community, user=actor, message=clean_label(message)[:500]
            )
    except IntegrityError:  # a concurrent double submission
        return JoinRequest.objects.get(
            community=community, user=actor, status=RequestStatus.PENDING
        )
    events.publish(JoinRequested(actor=actor, community=community))
    return join_request


@transaction.atomic
def request_decide(*, actor: User, join_request: JoinRequest, approve: bool) -> JoinRequest:
    community = join_request.community
    _check(actor, CommunityAction.MODERATE, community)
    if join_request.status != RequestStatus.PENDING:
        return join_request
    join_request.status = RequestStatus.APPROVED if approve else RequestStatus.DENIED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve and join_request.user.is_active:
        _add_member(community, join_request.user)
    _audit(actor, community, "approve" if approve else "deny", str(join_request.user_id))
    events.publish(
        RequestAnswered(actor=actor, community=community, user=join_request.user, approved=approve)
    )
    return join_request


@transaction.atomic
def community_invite(*, actor: User, community: Community, user: User) -> Invitation:
    _check(actor, CommunityAction.MODERATE, community)
    if community.is_archived:
        raise invalid("user", _("This community is archived."))
    if not user.is_active:
        raise invalid("user", _("This person's account is deactivated."))
    if Membership.objects.filter(community=community, user=user).exists():
        raise invalid("user", _("%(name)s is already a member.") % {"name": user.name})
    invitation, created = Invitation.objects.get_or_create(
        community=community,
        user=user,
        status=InvitationStatus.PENDING,
        defaults={"invited_by": actor},
    )
    _audit(actor, community, "invite", str(user.pk))
    if created:
        events.publish(Invited(actor=actor, community=community, user=user))
    return invitation


@transaction.atomic
def invitation_decline(*, actor: User, invitation: Invitation) -> None:
    if invitation.user_id != actor.pk:
        raise NotFound
    if invitation.status == InvitationStatus.PENDING:
        invitation.status = InvitationStatus.DECLINED
        invitation.save(update_fields=["status"])


@transaction.atomic
def community_leave(*, actor: User, community: Community) -> None:
    membership = membership_of(actor, community)
    if membership is None:
        return
    if membership.role == Role.OWNER and _owner_count(community) == 1:
        raise invalid(
            "__all__",
            _("You are the only owner. Make another member owner before leaving."),
            code="last_owner",
        )
    _remove_member(community, actor)


@transaction.atomic
def member_remove(*, actor: User, community: Community, user: User) -> None:
    _check(actor, CommunityAction.MODERATE, community)
    target = Membership.objects.filter(community=community, user=user).first()
    if target is None:
        return
    if target.role == Role.OWNER and not CommunityPolicy.can(
        actor, CommunityAction.ADMINISTER, community
    ):
        raise Forbidden
    if target.role == Role.OWNER and _owner_count(community) == 1:
        raise invalid("__all__", _("A community always keeps at least one owner."), "last_owner")
    _remove_member(community, user)
    _audit(actor, community, "remove", str(user.pk))


@transaction.atomic
def member_set_role(*, actor: User, community: Community, user: User, role: str) -> Membership:
    _check(actor, CommunityAction.ADMINISTER, community)
    if role not in Role.values:
        raise invalid("role", _("Choose owner, manager or member."))
    membership = (
        Membership.objects.select_for_update().filter(community=community, user=user).first()
    )
    if membership is None:
        raise invalid("user", _("This person is not a member."))
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(community) == 1:
        raise invalid("role", _("A community always keeps at least one owner."), "last_owner")
    membership.role = role
    membership.save(update_fields=["role"])
    _forget_membership(community)
    _audit(actor, community, "role", f"{user.pk}:{role}")
    return membership
