"""A person's notification settings: channels per event type, and the digest's rhythm."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from cercle.accounts.models import User
from cercle.core.errors import invalid
from cercle.notifications.models import (
    DEFAULT_DIGEST,
    DEFAULT_EMAIL,
    DigestFrequency,
    EmailChoice,
    Event,
    MailSettings,
    Preference,
)


@dataclass(frozen=True, slots=True)
class Channel:
    event: str
    label: str
    in_app: bool
    email: str


@dataclass(frozen=True, slots=True)
class Settings:
    channels: list[Channel]
    digest: str


def current(user: User) -> Settings:
    chosen = {p.event: (p.in_app, p.email) for p in Preference.objects.filter(user=user)}
    mail = MailSettings.objects.filter(user=user).first()
    return Settings(
        channels=[
            Channel(
                event=event.value,
                label=str(event.label),
                in_app=chosen.get(event.value, (True, DEFAULT_EMAIL[event]))[0],
                email=chosen.get(event.value, (True, DEFAULT_EMAIL[event]))[1],
            )
            for event in Event
        ],
        digest=mail.digest if mail else DEFAULT_DIGEST,
    )


def update(
    user: User,
    *,
    channels: dict[str, tuple[bool, str]] | None = None,
    digest: str | None = None,
) -> Settings:
    """Change some settings; the others stay.

    Raises ``ValidationError`` (translated) and changes nothing if one value is wrong.
    """
    channels = channels or {}
    for event, (_in_app, email) in channels.items():
        if event not in Event.values:
            message = _("Unknown kind of notification: %(event)s") % {"event": event}
            raise invalid("channels", message)
        if email not in EmailChoice.values:
            raise invalid("channels", _("Unknown e-mail choice: %(email)s") % {"email": email})
    if digest is not None and digest not in DigestFrequency.values:
        raise invalid("digest", _("Unknown digest frequency: %(digest)s") % {"digest": digest})
    with transaction.atomic():
        # Rows only for what differs from the defaults: replaced, not updated one by one.
        Preference.objects.filter(user=user, event__in=list(channels)).delete()
        Preference.objects.bulk_create(
            Preference(user=user, event=event, in_app=in_app, email=email)
            for event, (in_app, email) in channels.items()
            if (in_app, email) != (True, DEFAULT_EMAIL[event])
        )
        if digest is not None:
            MailSettings.objects.update_or_create(user=user, defaults={"digest": digest})
    return current(user)
