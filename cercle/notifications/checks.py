"""Deployment checks for e-mail delivery (``cercle check --deploy``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def site_url(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """E-mails link back to Cercle: CERCLE_SITE_URL must be the address people use."""
    host = urlsplit(settings.CERCLE_SITE_URL).hostname or ""
    if host in {"127.0.0.1", "localhost", "::1", ""}:
        return [
            Warning(
                f"CERCLE_SITE_URL is {settings.CERCLE_SITE_URL!r}: links in e-mails "
                "(notifications, digests, unsubscribe) would not reach Cercle.",
                hint="Set CERCLE_SITE_URL to the public address, e.g. https://cercle.example.com.",
                id="cercle.W001",
            )
        ]
    return []
