"""Writes on the network: follow people and #topics (idempotent both ways)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cercle.access.people import ProfileAction, ProfilePolicy
from cercle.accounts.models import User
from cercle.core.errors import invalid
from cercle.network.models import Follow, HashtagFollow
from cercle.posts.models import Hashtag


@transaction.atomic
def follow(*, follower: User, followee: User) -> Follow:
    if follower.pk == followee.pk:
        raise invalid("followee", _("You cannot follow yourself."))
    if not followee.is_active or not ProfilePolicy.can(follower, ProfileAction.VIEW, followee):
        raise invalid("followee", _("This person cannot be followed."))
    relation, _created = Follow.objects.get_or_create(follower=follower, followee=followee)
    return relation


@transaction.atomic
def unfollow(*, follower: User, followee: User) -> None:
    Follow.objects.filter(follower=follower, followee=followee).delete()


@transaction.atomic
def hashtag_follow(*, user: User, hashtag: Hashtag) -> HashtagFollow:
    relation, _created = HashtagFollow.objects.get_or_create(user=user, hashtag=hashtag)
    return relation


@transaction.atomic
def hashtag_unfollow(*, user: User, hashtag: Hashtag) -> None:
    HashtagFollow.objects.filter(user=user, hashtag=hashtag).delete()
