"""Small helpers shared by the pages and the API."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from cercle.accounts.models import User

# A download's chunk.  Each is one hop from the request thread to the event
# loop (cercle.asgi), so few and large: a 25 MB attachment is 100 of them,
# all handed to the loop at once, so that a slow client never holds a request
# thread (the loop sends them at the client's pace).
DOWNLOAD_CHUNK = 256 * 1024


def download(response: FileResponse) -> FileResponse:
    """``response``, read from storage ``DOWNLOAD_CHUNK`` bytes at a time."""
    response.block_size = DOWNLOAD_CHUNK
    return response


def viewer_of(request: HttpRequest) -> User:
    """The person asking: the API's authenticated caller, or the signed-in user of a page.

    The API authenticates on its own (session or token: ``request.auth``);
    pages rely on ``LoginRequiredMiddleware``, which guarantees a signed-in user.
    """
    user = getattr(request, "auth", None) or request.user
    assert isinstance(user, User)
    return user


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where a form's ``next`` leads, if it stays on this site; else ``fallback``.

    Django's own check (the one its sign-in view uses): ``//evil``, ``/\\evil``,
    ``https:evil``, control characters and other hosts are refused.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
