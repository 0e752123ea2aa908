"""Notifications endpoints: my notifications, the unread count, marking read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from pydantic import Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from cercle.accounts.api import PersonOut
from cercle.api.schema import In, NotNull, Out, PathId, one_of
from cercle.core.http import viewer_of
from cercle.notifications import preferences, selectors, services
from cercle.notifications.describe import target_url
from cercle.notifications.models import DigestFrequency, EmailChoice, Event

router = Router(tags=["notifications"])


class NotificationOut(Out):
    id: int
    event: str = Field(description="One of: " + ", ".join(Event.values))
    text: str = Field(description="The sentence shown, in the account's language.")
    excerpt: str = Field(description="A few words of the post or comment it is about.")
    url: str = Field(description="Where it leads: the exact comment, post, community or person.")
    actor: PersonOut | None = Field(description="Who acted last (grouped events: the latest).")
    actor_count: int = Field(description="How many people acted (grouped events).")
    unread: bool
    created_at: datetime
    updated_at: datetime = Field(description="The latest activity merged into it.")


class NotificationPageOut(Out):
    items: list[NotificationOut]
    unread_count: int
    page: int
    pages: int


class UnreadOut(Out):
    unread_count: int


class NotificationQuery(In):
    page: int = Field(1, ge=1, le=10_000)
    unread: bool = Field(False, description="Only the unread ones.")


@router.get("/notifications", response=NotificationPageOut, summary="My notifications")
def notification_list(request: HttpRequest, query: Query[NotificationQuery]) -> NotificationPageOut:
    viewer = viewer_of(request)
    found = selectors.for_page(viewer)
    if query.unread:
        found = found.filter(read_at__isnull=True)
    total = found.count()
    start = (query.page - 1) * selectors.PAGE_SIZE
    page = list(found[start : start + selectors.PAGE_SIZE])
    return NotificationPageOut(
        items=[
            NotificationOut(
                id=item.notification.pk,
                event=item.notification.event,
                text=item.text,
                excerpt=item.excerpt,
                url=target_url(item.notification),
                actor=(
                    PersonOut.from_user(item.notification.actor)
                    if item.notification.actor is not None
                    else None
                ),
                actor_count=item.notification.actor_count,
                unread=item.unread,
                created_at=item.notification.created_at,
                updated_at=item.notification.updated_at,
            )
            for item in selectors.items(page)
        ],
        unread_count=selectors.unread_count(viewer),
        page=query.page,
        pages=max(1, -(-total // selectors.PAGE_SIZE)),
    )


@router.get("/notifications/unread-count", response=UnreadOut, summary="How many are unread")
def unread_count(request: HttpRequest) -> UnreadOut:
    return UnreadOut(unread_count=selectors.unread_count(viewer_of(request)))


@router.post("/notifications/{notification_id}/read", response=UnreadOut, summary="Mark read")
def mark_read(request: HttpRequest, notification_id: PathId) -> UnreadOut:
    viewer = viewer_of(request)
    if not selectors.visible(viewer).filter(pk=notification_id).exists():
        raise Http404
    services.mark_read(viewer, notification_id)
    return UnreadOut(unread_count=selectors.unread_count(viewer))


@router.post("/notifications/read-all", response=UnreadOut, summary="Mark all read")
def mark_all_read(request: HttpRequest) -> UnreadOut:
    viewer = viewer_of(request)
    services.mark_all_read(viewer)
    return UnreadOut(unread_count=0)


class ChannelOut(Out):
    event: str = Field(description="One of: " + ", ".join(Event.values))
    label: str = Field(description="The event type's name, in the account's language.")
    in_app: bool = Field(description="Shown under the bell.")
    email: str = Field(description="One of: " + ", ".join(EmailChoice.values))


class SettingsOut(Out):
    channels: list[ChannelOut]
    digest: str = Field(description="One of: " + ", ".join(DigestFrequency.values))


class ChannelIn(In):
    event: str = Field(json_schema_extra=one_of(Event.values))
    in_app: StrictBool = True  # JSON true or false: not 0, 1 or "yes"
    email: str = Field(json_schema_extra=one_of(EmailChoice.values))


class SettingsIn(In):
    channels: list[ChannelIn] = Field(
        default_factory=list, description="Only the event types to change."
    )
    digest: Annotated[
        Annotated[str, Field(json_schema_extra=one_of(DigestFrequency.values))]
        | SkipJsonSchema[None],
        NotNull,
    ] = None


def _settings_out(current: preferences.Settings) -> SettingsOut:
    return SettingsOut(
        channels=[
            ChannelOut(event=c.event, label=c.label, in_app=c.in_app, email=c.email)
            for c in current.channels
        ],
        digest=current.digest,
    )


@router.get("/notifications/settings", response=SettingsOut, summary="My notification settings")
def settings_get(request: HttpRequest) -> SettingsOut:
    return _settings_out(preferences.current(viewer_of(request)))


@router.put(
    "/notifications/settings",
    response=SettingsOut,
    summary="Change my notification settings",
    description="Per event type: under the bell or not, e-mail right away / in the digest / "
    "never; and the digest's frequency. A wrong value changes nothing (422).",
)
def settings_put(request: HttpRequest, payload: SettingsIn) -> SettingsOut:
    events = [c.event for c in payload.channels]
    if len(set(events)) < len(events):  # which one would count? Say so, change nothing.
        raise ValidationError({"channels": [_("Each kind of notification may appear once.")]})
    current = preferences.update(
        viewer_of(request),
        channels={c.event: (c.in_app, c.email) for c in payload.channels},
        digest=payload.digest,
    )
    return _settings_out(current)
