"""The notifications page, the bell's count, marking read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cercle.core.http import is_htmx, viewer_of
from cercle.core.pagination import CountedPaginator
from cercle.notifications import delivery, preferences, selectors, services
from cercle.notifications.describe import target_url
from cercle.notifications.models import DigestFrequency, EmailChoice, Event, Notification


def _own(request: HttpRequest, pk: int) -> Notification:
    """One of the viewer's notifications that they may still see, else 404."""
    notification = selectors.visible(viewer_of(request)).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def notification_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    mine = selectors.visible(viewer)  # the rules, built once for the page and the counts
    total, unread = selectors.counts(mine)
    page = CountedPaginator(selectors.for_page(viewer, mine), selectors.PAGE_SIZE, total).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "items": selectors.items(page.object_list), "unread": unread},
    )


def badge(request: HttpRequest) -> HttpResponse:
    """The bell's unread count (fetched after the page, refreshed every so often)."""
    return render(
        request, "notifications/_badge.html", {"unread": selectors.unread_count(viewer_of(request))}
    )


def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification: it is read, and the browser goes where it leads."""
    notification = _own(request, pk)
    services.mark_read(viewer_of(request), notification.pk)
    return redirect(target_url(notification))


@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    notification = _own(request, pk)
    services.mark_read(viewer, notification.pk)
    if is_htmx(request):
        notification = selectors.for_page(viewer).get(pk=notification.pk)
        return render(
            request,
            "notifications/_item.html",
            {
                "item": selectors.items([notification])[0],
                "oob_badge": True,
                "unread": selectors.unread_count(viewer),
            },
        )
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(viewer_of(request))
    return redirect("notifications:list")


def settings_page(request: HttpRequest) -> HttpResponse:
    """Per event type: shown in the app or not, e-mailed right away, in the digest or never."""
    viewer = viewer_of(request)
    error = ""
    saved = False
    if request.method == "POST":
        channels = {
            event: (
                request.POST.get(f"{event}-in_app") == "on",
                request.POST.get(f"{event}-email", ""),
            )
            for event in Event.values
        }
        try:
            preferences.update(viewer, channels=channels, digest=request.POST.get("digest", ""))
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            saved = True
    return render(
        request,
        "notifications/settings.html",
        {
            "current": preferences.current(viewer),
            "email_choices": EmailChoice.choices,
            "digest_choices": DigestFrequency.choices,
            "error": error,
            "saved": saved,
        },
        status=400 if error else 200,
    )


@login_not_required
@csrf_exempt  # the signed token is the authority; RFC 8058 one-click posts carry no CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop some e-mails from a link in one, without logging in.

    The link (GET) asks to confirm, so that a mail scanner following links
    unsubscribes no one; the button, or a mail client's one-click
    ``List-Unsubscribe-Post``, does it (POST).
    """
    found = delivery.read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    user, scope = found
    done = False
    if request.method == "POST":
        delivery.unsubscribe(user, scope)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {
            "invalid": False,
            "done": done,
            "label": delivery.unsubscribe_scope_label(scope),
            "email": user.email,
            "token": token,
        },
    )
