"""Reading notifications, through the visibility rules as they stand now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cercle.access.communities import community_q, is_site_admin, moderated_community_ids
from cercle.access.posts import post_q
from cercle.accounts.models import User
from cercle.notifications import describe
from cercle.notifications.models import Event, Notification

PAGE_SIZE = 30


def visible(user: User, *, in_app: bool | None = True) -> QuerySet[Notification]:
    """``user``'s notifications that they may still see, newest activity first.

    Those shown in the app by default; ``in_app=None`` adds those meant for
    e-mail only (a digest-only source, an event type turned off in the app).

    Checked at reading time, not only when written: someone removed from a
    community, or a post moved to a community they are not in, takes the
    notifications about it away; a request to join a community they no
    longer manage, too.
    """
    if not user.is_active:
        return Notification.objects.none()
    mine = Notification.objects.filter(recipient=user)
    if in_app is not None:
        mine = mine.filter(in_app=in_app)
    if is_site_admin(user):
        return mine.order_by("-updated_at", "-id")
    # The rules are the visibility module's: posts as everywhere, communities as
    # their pages; a request to join speaks to those who still manage the community.
    about_posts = Q(post__isnull=True) | post_q(user, "post__")
    about_communities = (
        Q(community__isnull=True)
        | Q(event=Event.JOIN_REQUEST) & Q(community__in=moderated_community_ids(user))
        | ~Q(event=Event.JOIN_REQUEST) & community_q(user, "community__")
    )
    return mine.filter(about_posts, about_communities).order_by("-updated_at", "-id")


def unread_count(user: User, mine: QuerySet[Notification] | None = None) -> int:
    """``mine``: ``visible(user)``, when the caller has built it (1.5 ms of rules)."""
    return (visible(user) if mine is None else mine).filter(read_at__isnull=True).count()


def counts(mine: QuerySet[Notification]) -> tuple[int, int]:
    """How many of ``mine`` (``visible(user)``) there are, and how many unread: one query."""
    found = mine.aggregate(total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
    return found["total"], found["unread"]


@dataclass(frozen=True, slots=True)
class Item:
    """A notification as shown: its sentence, a few words of context, where it leads."""

    notification: Notification
    text: str
    excerpt: str
    url: str

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None

    @property
    def just_now(self) -> bool:
        """Less than a minute ago ("just now" reads better than "0 minutes ago")."""
        return timezone.now() - self.notification.updated_at < timedelta(minutes=1)


def for_page(user: User, mine: QuerySet[Notification] | None = None) -> QuerySet[Notification]:
    """``mine``: ``visible(user)``, when the caller has built it (1.5 ms of rules)."""
    return (visible(user) if mine is None else mine).select_related(
        "actor", "post", "post__community", "comment", "community"
    )


def items(notifications: Iterable[Notification]) -> list[Item]:
    return [
        Item(n, describe.text(n), describe.excerpt(n), reverse("notifications:open", args=[n.pk]))
        for n in notifications
    ]
