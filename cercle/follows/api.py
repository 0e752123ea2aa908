"""Network endpoints: follow colleagues, see who follows whom, people to follow.

Following is one-way and idempotent: following twice is one follow, and
unfollowing someone you do not follow is harmless.  Lists show active
people only (``ProfilePolicy.listed``).
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from cercle.accounts.api import PersonOut
from cercle.accounts.lookups import person_of
from cercle.accounts.models import User
from cercle.api.schema import Out, PathId
from cercle.core.http import viewer_of
from cercle.follows import selectors, services

router = Router(tags=["follows"])


class FollowOut(Out):
    person: PersonOut
    following: bool = Field(description="Whether I follow this person.")
    follower_count: int
    following_count: int


class SuggestionOut(Out):
    person: PersonOut
    reason: Literal["manager", "report", "team", "department", "region"] = Field(
        description="Why this person is suggested."
    )


def _follow_out(request: HttpRequest, person: User) -> FollowOut:
    followers, following = selectors.counts(user=person)
    return FollowOut(
        person=PersonOut.from_user(person),
        following=selectors.is_following(viewer=viewer_of(request), user=person),
        follower_count=followers,
        following_count=following,
    )


@router.put("/people/{user_id}/follow", response=FollowOut, summary="Follow a colleague")
def follow(request: HttpRequest, user_id: PathId) -> FollowOut:
    person = person_of(request, user_id)
    services.follow(follower=viewer_of(request), followee=person)
    return _follow_out(request, person)


@router.delete("/people/{user_id}/follow", response=FollowOut, summary="Stop following")
def unfollow(request: HttpRequest, user_id: PathId) -> FollowOut:
    person = person_of(request, user_id)
    services.unfollow(follower=viewer_of(request), followee=person)
    return _follow_out(request, person)


@router.get(
    "/people/{user_id}/followers", response=list[PersonOut], summary="Who follows this person"
)
def followers(request: HttpRequest, user_id: PathId) -> list[PersonOut]:
    person = person_of(request, user_id)
    people = selectors.followers(viewer=viewer_of(request), user=person)
    return [PersonOut.from_user(p) for p in people.order_by("last_name", "first_name", "id")]


@router.get(
    "/people/{user_id}/following", response=list[PersonOut], summary="Whom this person follows"
)
def following(request: HttpRequest, user_id: PathId) -> list[PersonOut]:
    person = person_of(request, user_id)
    people = selectors.following(viewer=viewer_of(request), user=person)
    return [PersonOut.from_user(p) for p in people.order_by("last_name", "first_name", "id")]


@router.get(
    "/me/suggestions",
    response=list[SuggestionOut],
    summary="Colleagues I might follow",
    description="My manager and direct reports first, then my team, department and region.",
)
def suggestions(request: HttpRequest) -> list[SuggestionOut]:
    return [
        SuggestionOut(person=PersonOut.from_user(p), reason=getattr(p, "reason", "department"))
        for p in selectors.suggestions(viewer=viewer_of(request))
    ]
