"""Reads on the network: followers, following, suggestions, followed topics."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cercle.access.base import Viewer, is_active_viewer
from cercle.access.people import ProfilePolicy
from cercle.accounts.models import User
from cercle.network.models import AttentionLevel, AttentionSetting, Follow, HashtagFollow
from cercle.posts.models import Hashtag

SUGGESTIONS = 6


def _people() -> QuerySet[User]:
    return User.objects.select_related("department", "region")


def followers(*, viewer: Viewer, user: User) -> QuerySet[User]:
    return ProfilePolicy.listed(viewer, _people()).filter(following_set__followee=user)


def following(*, viewer: Viewer, user: User) -> QuerySet[User]:
    return ProfilePolicy.listed(viewer, _people()).filter(follower_set__follower=user)


def counts(*, user: User) -> tuple[int, int]:
    """(followers, following) of active people."""
    return (
        Follow.objects.filter(followee=user, follower__is_active=True).count(),
        Follow.objects.filter(follower=user, followee__is_active=True).count(),
    )


def is_following(*, viewer: Viewer, user: User) -> bool:
    return (
        is_active_viewer(viewer)
        and Follow.objects.filter(follower_id=viewer.pk, followee=user).exists()
    )


def suggestions(*, viewer: User, limit: int = SUGGESTIONS) -> list[User]:
    """People to follow: manager, direct reports, then same department and region.

    Each suggestion carries ``reason`` (a short code the template explains).
    """
    followed = Follow.objects.filter(follower=viewer).values("followee_id")
    candidates = (
        ProfilePolicy.listed(viewer, _people()).exclude(pk=viewer.pk).exclude(pk__in=followed)
    )
    picked: list[User] = []
    rules: list[tuple[str, Q]] = [
        ("manager", Q(pk=viewer.manager_id) if viewer.manager_id else Q(pk__in=[])),
        ("report", Q(manager_id=viewer.pk)),
    ]
    if viewer.department_id and viewer.region_id:
        rules.append(("team", Q(department_id=viewer.department_id, region_id=viewer.region_id)))
    if viewer.department_id:
        rules.append(("department", Q(department_id=viewer.department_id)))
    if viewer.region_id:
        rules.append(("region", Q(region_id=viewer.region_id)))
    for reason, rule in rules:
        if len(picked) >= limit:
            break
        for person in (
            candidates.filter(rule)
            .exclude(pk__in=[p.pk for p in picked])
            .order_by("last_name")[: limit - len(picked)]
        ):
            person.reason = reason  # type: ignore[attr-defined]
            picked.append(person)
    return picked


def followed_hashtags(*, user: User) -> QuerySet[Hashtag]:
    return Hashtag.objects.filter(follows__user=user).order_by("key")


def follows_hashtag(*, user: User, hashtag: Hashtag) -> bool:
    return HashtagFollow.objects.filter(user=user, hashtag=hashtag).exists()


def attention_of(*, user: User, source_kind: str, source_id: int) -> str:
    """The user's level for one source (``feed`` when they never chose)."""
    setting = AttentionSetting.objects.filter(
        user=user, source_kind=source_kind, source_id=source_id
    ).first()
    return setting.level if setting is not None else AttentionLevel.FEED
