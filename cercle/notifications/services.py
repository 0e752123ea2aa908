"""Writing notifications: who is told what, when something happens.

Called by the services that make things happen (posts, network,
communities), inside their transaction.  The rules, for every event:

- never the person who acted;
- never someone who may not see what it is about, now (checked here) and
  when they read it (``selectors.visible``);
- bursts merge while unread (``Notification.group_key``): reactions to one
  post, comments in one conversation, new followers, requests to join one
  community.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.access.posts import PostAction, PostPolicy
from cercle.accounts.models import User
from cercle.communities.models import Community, Membership, Role
from cercle.network.models import AttentionLevel, AttentionSetting, SourceKind
from cercle.notifications.models import Event, Notification, NotificationActor
from cercle.posts.models import Comment, Post


def _may_tell(recipient: User, actor: User, post: Post | None) -> bool:
    if recipient.pk == actor.pk or not recipient.is_active:
        return False
    return post is None or PostPolicy.can(recipient, PostAction.VIEW, post)


def _tell(
    recipients: Iterable[User],
    event: Event,
    actor: User,
    *,
    post: Post | None = None,
    comment: Comment | None = None,
    community: Community | None = None,
) -> None:
    """A notification for each recipient (one statement): events that never merge."""
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=recipient,
                event=event,
                actor=actor,
                post=post,
                comment=comment,
                community=community,
                created_at=now,
                updated_at=now,
            )
            for recipient in {r.pk: r for r in recipients}.values()
            if _may_tell(recipient, actor, post)
        ]
    )


def _merge(
    recipient: User,
    event: Event,
    actor: User,
    group_key: str,
    *,
    post: Post | None = None,
    comment: Comment | None = None,
    community: Community | None = None,
) -> None:
    """A notification for ``recipient``, merged into their unread one of the same group."""
    if not _may_tell(recipient, actor, post):
        return
    now = timezone.now()
    existing = (
        Notification.objects.select_for_update()
        .filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                existing = Notification.objects.create(
                    recipient=recipient,
                    event=event,
                    actor=actor,
                    post=post,
                    comment=comment,
                    community=community,
                    group_key=group_key,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:  # a concurrent event of the same group created it first
            _merge(
                recipient, event, actor, group_key, post=post, comment=comment, community=community
            )
            return
        NotificationActor.objects.create(notification=existing, actor=actor)
        return
    NotificationActor.objects.bulk_create(
        [NotificationActor(notification=existing, actor=actor)], ignore_conflicts=True
    )
    existing.actor = actor
    existing.actor_count = existing.actors.count()
    existing.updated_at = now
    existing.comment = comment or existing.comment  # the link goes to the latest one
    existing.save(update_fields=["actor", "actor_count", "updated_at", "comment"])


def _people(ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(pk__in=set(ids), is_active=True))


def mentioned(
    *, actor: User, post: Post, users: Iterable[User], comment: Comment | None = None
) -> None:
    """People newly @mentioned in a post or a comment."""
    _tell(users, Event.MENTION, actor, post=post, comment=comment)


def post_published(
    *,
    post: Post,
    mentioned_users: Iterable[User] = (),
    hashtag_ids: Iterable[int] = (),
    praised: Iterable[User] = (),
) -> None:
    """A new post: mentions, thanks, and whoever set one of its sources to "notify".

    Each person hears of a post once, the most specific way: mentioned, then
    thanked, then "a new post".  Muting any of the post's sources wins over
    "notify" on another.
    """
    author = post.author
    assert author is not None
    mentioned_users = list(mentioned_users)
    praised = [p for p in praised if p.pk not in {u.pk for u in mentioned_users}]
    _tell(mentioned_users, Event.MENTION, author, post=post)
    _tell(praised, Event.PRAISE, author, post=post)
    sources = Q(source_kind=SourceKind.PERSON, source_id=author.pk)
    if post.community_id is not None:
        sources |= Q(source_kind=SourceKind.COMMUNITY, source_id=post.community_id)
    tags = list(hashtag_ids)
    if tags:
        sources |= Q(source_kind=SourceKind.HASHTAG, source_id__in=tags)
    levels: dict[int, set[str]] = {}
    for user_id, level in AttentionSetting.objects.filter(
        sources, level__in=[AttentionLevel.NOTIFY, AttentionLevel.MUTE]
    ).values_list("user_id", "level"):
        levels.setdefault(user_id, set()).add(level)
    already = {u.pk for u in mentioned_users} | {u.pk for u in praised}
    watchers = [
        user_id
        for user_id, chosen in levels.items()
        if chosen == {AttentionLevel.NOTIFY} and user_id not in already
    ]
    if watchers:
        _tell(_people(watchers), Event.NEW_POST, author, post=post)


def commented(*, comment: Comment, mentioned_ids: Iterable[int] = ()) -> None:
    """A comment or a reply: the post's author and the conversation's participants are told.

    Those @mentioned in the comment get the mention instead.  Comments on one
    post merge while unread ("Franck and 2 others commented").
    """
    author = comment.author
    assert author is not None
    post = comment.post
    told = set(mentioned_ids)
    participants = set(
        Comment.objects.filter(post=post).exclude(author=None).values_list("author_id", flat=True)
    )
    if post.author_id is not None:
        participants.add(post.author_id)
    for user in _people(participants - told):
        _merge(user, Event.COMMENT, author, f"comment:{post.pk}", post=post, comment=comment)


def reacted(*, actor: User, post: Post, comment: Comment | None = None) -> None:
    """A reaction: the author of what was reacted to is told; reactions merge per item."""
    target_author = comment.author if comment is not None else post.author
    if target_author is None:
        return
    key = f"reaction:comment:{comment.pk}" if comment is not None else f"reaction:post:{post.pk}"
    _merge(target_author, Event.REACTION, actor, key, post=post, comment=comment)


def followed(*, follower: User, followee: User) -> None:
    _merge(followee, Event.FOLLOW, follower, "follow")


def invited(*, actor: User, community: Community, user: User) -> None:
    _tell([user], Event.INVITATION, actor, community=community)


def join_requested(*, actor: User, community: Community) -> None:
    """A request to join: the community's owners and managers are told, merged per community."""
    managers = Membership.objects.filter(
        community=community, role__in=[Role.OWNER, Role.MANAGER]
    ).values_list("user_id", flat=True)
    for user in _people(managers):
        _merge(user, Event.JOIN_REQUEST, actor, f"join:{community.pk}", community=community)


def request_answered(*, actor: User, community: Community, user: User, approved: bool) -> None:
    if not approved and not CommunityPolicy.can(user, CommunityAction.VIEW, community):
        return  # a secret community that said no stays unknown
    event = Event.REQUEST_APPROVED if approved else Event.REQUEST_DECLINED
    _tell([user], event, actor, community=community)
