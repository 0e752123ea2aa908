"""Writes on follows: follow people and #topics (idempotent both ways), attention."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.access import NotFound
from cercle.access.hashtags import HashtagAction, HashtagPolicy
from cercle.access.people import ProfileAction, ProfilePolicy
from cercle.accounts.models import User
from cercle.core import events
from cercle.core.errors import invalid
from cercle.follows.events import Followed
from cercle.follows.models import (
    FOLLOWED_BY_LEVEL,
    UNFOLLOW,
    AttentionLevel,
    AttentionSetting,
    Follow,
    HashtagFollow,
    SourceKind,
)
from cercle.posts.models import Hashtag


@transaction.atomic
def follow(*, follower: User, followee: User) -> Follow:
    if follower.pk == followee.pk:
        raise invalid("followee", _("You cannot follow yourself."))
    if not followee.is_active or not ProfilePolicy.can(follower, ProfileAction.VIEW, followee):
        raise invalid("followee", _("This person cannot be followed."))
    relation, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        events.publish(Followed(follower=follower, followee=followee))
    return relation


@transaction.atomic
def unfollow(*, follower: User, followee: User) -> None:
    Follow.objects.filter(follower=follower, followee=followee).delete()


@transaction.atomic
def hashtag_follow(*, user: User, hashtag: Hashtag) -> HashtagFollow:
    if not HashtagPolicy.can(user, HashtagAction.FOLLOW, hashtag):
        raise NotFound  # a topic one may not see does not exist
    relation, _created = HashtagFollow.objects.get_or_create(user=user, hashtag=hashtag)
    return relation


@transaction.atomic
def hashtag_unfollow(*, user: User, hashtag: Hashtag) -> None:
    HashtagFollow.objects.filter(user=user, hashtag=hashtag).delete()


@transaction.atomic
def attention_set(*, user: User, source_kind: str, source_id: int, level: str) -> None:
    """Choose how much of a source reaches ``user`` (``feed`` is the default: no row).

    The source must be one the user can see: muting is not a way to probe
    for secret communities.  A document or folder is followed by choosing a
    level, ``feed`` included, and unfollowed with ``none`` (``UNFOLLOW``).
    """
    if source_kind not in SourceKind.values:
        raise invalid("source_kind", _("Unknown kind of source."))
    by_level = source_kind in FOLLOWED_BY_LEVEL
    if level not in AttentionLevel.values and not (by_level and level == UNFOLLOW):
        raise invalid("level", _("Unknown attention level."))
    if not _source_visible(user, source_kind, source_id):
        raise NotFound
    if level == UNFOLLOW or (level == AttentionLevel.FEED and not by_level):
        AttentionSetting.objects.filter(
            user=user, source_kind=source_kind, source_id=source_id
        ).delete()
        return
    AttentionSetting.objects.update_or_create(
        user=user,
        source_kind=source_kind,
        source_id=source_id,
        defaults={"level": level, "updated_at": timezone.now()},
    )


def _source_visible(user: User, source_kind: str, source_id: int) -> bool:
    from cercle.access.communities import CommunityPolicy
    from cercle.communities.models import Community

    if source_kind == SourceKind.PERSON:
        return (
            source_id != user.pk
            and ProfilePolicy.listed(user, User.objects.all()).filter(pk=source_id).exists()
        )
    if source_kind == SourceKind.COMMUNITY:
        return CommunityPolicy.visible(user, Community.objects.filter(pk=source_id)).exists()
    if source_kind == SourceKind.DOCUMENT:
        from cercle.access.documents import DocumentPolicy
        from cercle.documents.models import Document

        return DocumentPolicy.visible(user, Document.objects.filter(pk=source_id)).exists()
    if source_kind == SourceKind.FOLDER:
        from cercle.access.documents import FolderPolicy
        from cercle.documents.models import Folder

        return FolderPolicy.visible(user, Folder.objects.filter(pk=source_id)).exists()
    return HashtagPolicy.can_by_id(user, HashtagAction.FOLLOW, source_id)
