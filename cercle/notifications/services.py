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

from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone

from cercle.access.communities import CommunityAction, CommunityPolicy
from cercle.access.posts import PostPolicy
from cercle.accounts.models import User
from cercle.communities.models import Community
from cercle.follows.models import AttentionLevel, AttentionSetting, SourceKind
from cercle.notifications.models import (
    DEFAULT_EMAIL,
    EmailChoice,
    Event,
    Notification,
    NotificationActor,
)
from cercle.posts.models import SUBJECT_KINDS, Comment, Post
from cercle.projects.models import ActionItem
from cercle.realtime import events

Channels = tuple[bool, str]  # (shown in the app, e-mail choice)
DIGEST_ONLY: Channels = (False, EmailChoice.DIGEST)


def _recipients(
    ids: Iterable[int], actor: User, post: Post | None, event: Event
) -> dict[int, Channels]:
    """Those of ``ids`` to tell, with their channels for ``event`` (one query).

    Active, not the actor, able to see ``post``; the channels are their
    preference for this event type (joined: at most one row per person and
    event), or the default.
    """
    wanted = set(ids) - {actor.pk}
    if not wanted:
        return {}
    people = PostPolicy.audience(post) if post is not None else User.objects.filter(is_active=True)
    rows = (
        people.filter(pk__in=wanted)
        .annotate(
            preference=FilteredRelation(
                "notification_preferences", condition=Q(notification_preferences__event=event)
            )
        )
        .order_by()
        .values_list("pk", "preference__in_app", "preference__email")
    )
    default: Channels = (True, DEFAULT_EMAIL[event])
    return {pk: (in_app, email) if email is not None else default for pk, in_app, email in rows}


def _new(
    recipients: dict[int, Channels],
    event: Event,
    actor: User,
    *,
    post: Post | None,
    comment: Comment | None,
    community: Community | None,
    group_key: str = "",
    forced: Channels | None = None,
) -> list[Notification]:
    """Unsaved notifications, one per recipient who wants this event somewhere, stamped now."""
    now = timezone.now()
    fresh = []
    for pk, chosen in recipients.items():
        in_app, email = forced or chosen
        if not in_app and email == EmailChoice.OFF:
            continue  # wants this event nowhere
        fresh.append(
            Notification(
                recipient_id=pk,
                event=event,
                actor=actor,
                post=post,
                comment=comment,
                community=community,
                group_key=group_key,
                created_at=now,
                updated_at=now,
                in_app=in_app,
                email=email,
            )
        )
    return fresh


def _deliver(created: Iterable[Notification]) -> None:
    """E-mail right away those who asked for it, once the notifications are committed."""
    from cercle.notifications import delivery

    now = [n.pk for n in created if n.email == EmailChoice.IMMEDIATE]
    if now:
        delivery.send_notification_emails.enqueue(now)


def _tell(
    ids: Iterable[int],
    event: Event,
    actor: User,
    *,
    post: Post | None = None,
    comment: Comment | None = None,
    community: Community | None = None,
    forced: Channels | None = None,
) -> None:
    """A notification for each recipient: events that never merge (three queries at most)."""
    recipients = _recipients(ids, actor, post, event)
    if not recipients:
        return
    created = Notification.objects.bulk_create(
        _new(
            recipients, event, actor, post=post, comment=comment, community=community, forced=forced
        )
    )
    _deliver(created)
    events.notifications_changed([n.recipient_id for n in created if n.in_app])


def _merge(
    ids: Iterable[int],
    event: Event,
    actor: User,
    group_key: str,
    *,
    post: Post | None = None,
    comment: Comment | None = None,
    community: Community | None = None,
    forced: Channels | None = None,
) -> None:
    """Tell each recipient, merged into their unread notification of the same group.

    A constant number of queries however many recipients (the participants
    of a busy conversation, the managers of a community).
    """
    recipients = _recipients(ids, actor, post, event)
    if not recipients:
        return
    now = timezone.now()
    existing = dict(
        Notification.objects.select_for_update()
        .filter(
            recipient_id__in=recipients,
            group_key=group_key,
            read_at__isnull=True,
            emailed_at__isnull=True,
        )
        .values_list("recipient_id", "pk")
    )
    fresh = _new(
        {pk: channels for pk, channels in recipients.items() if pk not in existing},
        event,
        actor,
        post=post,
        comment=comment,
        community=community,
        group_key=group_key,
        forced=forced,
    )
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(fresh)
    except IntegrityError:  # a concurrent event of the same group created some first
        again = list(recipients)
        _merge(
            again,
            event,
            actor,
            group_key,
            post=post,
            comment=comment,
            community=community,
            forced=forced,
        )
        return
    _deliver(created)
    NotificationActor.objects.bulk_create(
        [
            NotificationActor(notification_id=pk, actor=actor)
            for pk in [*existing.values(), *(n.pk for n in created)]
        ],
        ignore_conflicts=True,
    )
    if existing:
        people = (
            NotificationActor.objects.filter(notification=OuterRef("pk"))
            .order_by()
            .values("notification")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Notification.objects.filter(pk__in=existing.values()).update(
            actor=actor,
            actor_count=Subquery(people),
            updated_at=now,
            comment=comment if comment is not None else F("comment"),  # link the latest
        )
    events.notifications_changed(recipients.keys())


def mentioned(
    *, actor: User, post: Post, users: Iterable[User], comment: Comment | None = None
) -> None:
    """People newly @mentioned in a post or a comment."""
    _tell([u.pk for u in users], Event.MENTION, actor, post=post, comment=comment)


def post_published(
    *,
    post: Post,
    mentioned_users: Iterable[User] = (),
    hashtag_ids: Iterable[int] = (),
    praised: Iterable[User] = (),
) -> None:
    """A new post: mentions, thanks, and whoever set one of its sources to "notify" or "digest".

    Each person hears of a post once, the most specific way: mentioned, then
    thanked, then "a new post".  Muting any of the post's sources wins over
    the others; "notify" on one source wins over "digest only" on another.
    A digest-only source's posts are written for the digest alone (not shown
    in the app, not in the feed).
    """
    if post.kind in SUBJECT_KINDS:
        return  # told by its own app's events (a library document: ``document_changed``)
    author = post.author
    assert author is not None
    mentioned_ids = {u.pk for u in mentioned_users}
    thanked_ids = {u.pk for u in praised} - mentioned_ids
    _tell(mentioned_ids, Event.MENTION, author, post=post)
    _tell(thanked_ids, Event.PRAISE, author, post=post)
    sources = Q(source_kind=SourceKind.PERSON, source_id=author.pk)
    if post.community_id is not None:
        sources |= Q(source_kind=SourceKind.COMMUNITY, source_id=post.community_id)
    tags = list(hashtag_ids)
    if tags:
        sources |= Q(source_kind=SourceKind.HASHTAG, source_id__in=tags)
    levels: dict[int, set[str]] = {}
    for user_id, level in AttentionSetting.objects.filter(
        sources, level__in=[AttentionLevel.NOTIFY, AttentionLevel.DIGEST, AttentionLevel.MUTE]
    ).values_list("user_id", "level"):
        levels.setdefault(user_id, set()).add(level)
    told = mentioned_ids | thanked_ids
    watchers: list[int] = []
    digest_readers: list[int] = []
    for user_id, chosen in levels.items():
        if AttentionLevel.MUTE in chosen or user_id in told:
            continue
        (watchers if AttentionLevel.NOTIFY in chosen else digest_readers).append(user_id)
    _tell(watchers, Event.NEW_POST, author, post=post)
    _tell(digest_readers, Event.NEW_POST, author, post=post, forced=DIGEST_ONLY)


def document_changed(
    *, actor: User, post: Post, document_id: int, folder_ids: Sequence[int]
) -> None:
    """A library document was added or given a new version: tell whoever asked.

    The most specific choice wins: the document's own, then its folder's
    (nearest first, ``folder_ids`` from its folder up), then its community's
    — so one may mute a busy community yet be told of one document.
    "Notify" tells in the app; "digest only" keeps it for the digest.  A
    burst of versions is one notification while unread (its group).
    """
    sources = Q(source_kind=SourceKind.DOCUMENT, source_id=document_id)
    if folder_ids:
        sources |= Q(source_kind=SourceKind.FOLDER, source_id__in=folder_ids)
    if post.community_id is not None:
        sources |= Q(source_kind=SourceKind.COMMUNITY, source_id=post.community_id)
    rank = {folder: depth + 1 for depth, folder in enumerate(folder_ids)}
    chosen: dict[int, tuple[int, str]] = {}
    for user_id, kind, source, level in AttentionSetting.objects.filter(sources).values_list(
        "user_id", "source_kind", "source_id", "level"
    ):
        specific = (
            0
            if kind == SourceKind.DOCUMENT
            else rank[source]
            if kind == SourceKind.FOLDER
            else len(folder_ids) + 1
        )
        if user_id not in chosen or specific < chosen[user_id][0]:
            chosen[user_id] = (specific, level)
    watchers = [u for u, (_, level) in chosen.items() if level == AttentionLevel.NOTIFY]
    digest = [u for u, (_, level) in chosen.items() if level == AttentionLevel.DIGEST]
    group = f"document:{document_id}"
    _merge(watchers, Event.DOCUMENT, actor, group, post=post)
    _merge(digest, Event.DOCUMENT, actor, group, post=post, forced=DIGEST_ONLY)


def action_assigned(*, actor: User, action: ActionItem) -> None:
    """A project action was given to someone: they are told (once while unread)."""
    if action.assignee_id is None:
        return
    community = action.project.community
    _merge(
        [action.assignee_id],
        Event.ACTION,
        actor,
        f"action:{action.pk}",
        post=action.source_post,
        community=community,
    )


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
    _merge(
        participants - told, Event.COMMENT, author, f"comment:{post.pk}", post=post, comment=comment
    )


def reacted(*, actor: User, post: Post, comment: Comment | None = None) -> None:
    """A reaction: the author of what was reacted to is told; reactions merge per item."""
    target_author = comment.author if comment is not None else post.author
    if target_author is None:
        return
    key = f"reaction:comment:{comment.pk}" if comment is not None else f"reaction:post:{post.pk}"
    _merge([target_author.pk], Event.REACTION, actor, key, post=post, comment=comment)


def followed(*, follower: User, followee: User) -> None:
    _merge([followee.pk], Event.FOLLOW, follower, "follow")


def invited(*, actor: User, community: Community, user: User) -> None:
    _tell([user.pk], Event.INVITATION, actor, community=community)


def join_requested(*, actor: User, community: Community) -> None:
    """A request to join: the community's owners and managers are told, merged per community."""
    _merge(
        CommunityPolicy.moderators(community),
        Event.JOIN_REQUEST,
        actor,
        f"join:{community.pk}",
        community=community,
    )


def request_answered(*, actor: User, community: Community, user: User, approved: bool) -> None:
    if not approved and not CommunityPolicy.can(user, CommunityAction.VIEW, community):
        return  # a secret community that said no stays unknown
    event = Event.REQUEST_APPROVED if approved else Event.REQUEST_DECLINED
    _tell([user.pk], event, actor, community=community)


def moderated(*, actor: User, post: Post, moved_to: Community | None = None) -> None:
    """A moderator hid ``post`` (``moved_to`` None) or moved it there: its author is told."""
    if post.author_id is not None:
        _tell([post.author_id], Event.MODERATION, actor, post=post, community=moved_to)


def mark_read(user: User, pk: int) -> None:
    if Notification.objects.filter(recipient=user, pk=pk, in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    ):
        events.notifications_changed([user.pk])  # the bell of the user's other tabs


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` read; how many were."""
    count = Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        events.notifications_changed([user.pk])
    return count
