"""Feed endpoints: the personal feed, the "new posts" count, attention settings, ping."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status
from pydantic import Field

from cercle.api.schema import In, Out, PathId
from cercle.core.http import viewer_of
from cercle.feed import selectors
from cercle.feed.selectors import FeedFilter, FeedOrder
from cercle.follows import services as follow_services
from cercle.follows.models import FOLLOWED_BY_LEVEL, UNFOLLOW, AttentionLevel, SourceKind
from cercle.posts.schemas import PostOut
from cercle.posts.selectors import MAX_PAGE_SIZE, PAGE_SIZE, Cursor

router = Router(tags=["feed"])


class ReasonOut(Out):
    kind: str = Field(description="mine, community, person, share or hashtag")
    label: str
    url: str


class FeedItemOut(PostOut):
    reason: ReasonOut | None


class FeedPageOut(Out):
    items: list[FeedItemOut]
    next_cursor: str | None = Field(description="Pass it as `cursor` for the next page.")
    since: str = Field(description="Pass it to /feed/new-count to learn how many posts are new.")


class FeedQuery(In):
    filter: FeedFilter = FeedFilter.ALL
    order: FeedOrder = FeedOrder.RECENT
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class NewCountQuery(In):
    since: str = Field(max_length=200)
    filter: FeedFilter = FeedFilter.ALL


class NewCountOut(Out):
    count: int = Field(description=f"Capped at {selectors.NEW_COUNT_CAP + 1}.")


class AttentionIn(In):
    level: AttentionLevel


class AttentionOut(Out):
    source_kind: SourceKind
    source_id: int
    level: AttentionLevel


def _check_cursor(field: str, value: str | None) -> None:
    if value and Cursor.decode(value) is None:
        raise ValidationError({field: [_("This cursor is not valid.")]})


@router.get("/feed", response=FeedPageOut, summary="My feed, newest first")
def get_feed(request: HttpRequest, query: Query[FeedQuery]) -> FeedPageOut:
    _check_cursor("cursor", query.cursor)
    page = selectors.feed(
        viewer=viewer_of(request),
        feed_filter=query.filter,
        order=query.order,
        cursor=query.cursor,
        limit=query.limit,
    )
    items = [
        {
            **card.fields,
            "reason": (
                None
                if card.reason is None
                else {"kind": card.reason.kind, "label": card.reason.label, "url": card.reason.url}
            ),
        }
        for card in page.items
    ]
    return FeedPageOut.model_validate(
        {"items": items, "next_cursor": page.next_cursor, "since": selectors.since(page)}
    )


@router.get("/feed/new-count", response=NewCountOut, summary="How many feed posts are new")
def get_new_count(request: HttpRequest, query: Query[NewCountQuery]) -> NewCountOut:
    _check_cursor("since", query.since)
    count = selectors.new_count(
        viewer=viewer_of(request), since=query.since, feed_filter=query.filter
    )
    return NewCountOut(count=count)


@router.put(
    "/attention/{source_kind}/{source_id}",
    response=AttentionOut,
    summary="Show a source in my feed, be notified of it, send it to my digest or mute it",
    description=(
        "A person, community or topic is in the feed by default (`feed`); a library "
        "document or folder comes to it once followed at any level."
    ),
)
def put_attention(
    request: HttpRequest, source_kind: SourceKind, source_id: PathId, payload: AttentionIn
) -> AttentionOut:
    follow_services.attention_set(
        user=viewer_of(request), source_kind=source_kind, source_id=source_id, level=payload.level
    )
    return AttentionOut(source_kind=source_kind, source_id=source_id, level=payload.level)


@router.delete(
    "/attention/{source_kind}/{source_id}",
    response={204: None},
    summary="Back to the default: unfollow a document or folder, or a source back in my feed",
)
def delete_attention(
    request: HttpRequest, source_kind: SourceKind, source_id: PathId
) -> Status[None]:
    level = UNFOLLOW if source_kind in FOLLOWED_BY_LEVEL else AttentionLevel.FEED
    follow_services.attention_set(
        user=viewer_of(request), source_kind=source_kind, source_id=source_id, level=level
    )
    return Status(204, None)


@router.get("/ping", response=dict[str, bool], summary="Authenticated no-op (latency floor)")
def ping(request: HttpRequest) -> dict[str, bool]:
    viewer_of(request)
    return {"ok": True}
