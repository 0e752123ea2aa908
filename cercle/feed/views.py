"""The home page is the feed: composer, filters, the stream, the "new posts" indicator."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cercle.accounts.models import User
from cercle.communities import selectors as community_selectors
from cercle.core.http import viewer_of
from cercle.feed import selectors
from cercle.feed.selectors import FeedFilter, FeedOrder
from cercle.follows import selectors as follow_selectors
from cercle.posts.forms import ComposerForm
from cercle.posts.selectors import PostPage

MY_COMMUNITIES = 8  # listed in the side column


def _choice[E: (FeedFilter, FeedOrder)](kind: type[E], raw: str | None, default: E) -> E:
    try:
        return kind(raw) if raw else default
    except ValueError:
        return default


def _options(request: HttpRequest) -> tuple[FeedFilter, FeedOrder]:
    return (
        _choice(FeedFilter, request.GET.get("filter"), FeedFilter.ALL),
        _choice(FeedOrder, request.GET.get("order"), FeedOrder.RECENT),
    )


def _stream_url(feed_filter: FeedFilter, order: FeedOrder) -> str:
    return reverse("feed:page") + "?" + urlencode({"filter": feed_filter, "order": order})


def home(request: HttpRequest) -> HttpResponse:
    """The composer and the feed; the side column (``aside``) follows in its own request."""
    viewer = viewer_of(request)
    feed_filter, order = _options(request)
    page = selectors.feed(
        viewer=viewer, feed_filter=feed_filter, order=order, cursor=request.GET.get("cursor")
    )
    return render(
        request,
        "feed/home.html",
        {
            "page": page,
            "feed_filter": feed_filter,
            "order": order,
            "filters": [(f.value, f) for f in FeedFilter],
            "stream_url": _stream_url(feed_filter, order),
            "since": selectors.since(page),
            "composer": ComposerForm(),
            "composer_community": None,
            # Where the composer may publish: the names and slugs of the open ones.
            "composer_destinations": community_selectors.directory(viewer=viewer, mine=True)
            .filter(archived_at=None)
            .values("name", "slug"),
            "newcomer": _newcomer(viewer, page),
        },
    )


def _newcomer(viewer: User, page: PostPage) -> bool:
    """Follows nobody yet (the page shows the first steps).

    A page showing a post because the viewer follows its author answers
    without a query.
    """
    if any(
        card.reason is not None and card.reason.kind in {"person", "share"} for card in page.items
    ):
        return False
    return not viewer.following_set.exists()


@require_GET
def aside(request: HttpRequest) -> HttpResponse:
    """The feed page's side column: invitations, profile completion, people, communities.

    Loaded by the page once it is shown (htmx): the feed comes first, and a
    phone, which shows this column below the feed, asks for it at once too.
    """
    viewer = viewer_of(request)
    checks = [
        bool(viewer.photo),
        bool(viewer.job_title),
        viewer.department_id is not None,
        viewer.region_id is not None,
        viewer.skills.exists(),
        bool(viewer.bio or viewer.ask_me_about),
    ]
    return render(
        request,
        "feed/_aside.html",
        {
            "completion": round(100 * sum(checks) / len(checks)),
            "suggestions": follow_selectors.suggestions(viewer=viewer),
            "invitations": list(community_selectors.my_invitations(viewer=viewer)),
            "my_communities": list(
                community_selectors.directory(viewer=viewer, mine=True)[:MY_COMMUNITIES]
            ),
        },
    )


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    """The next page of the feed (infinite scroll)."""
    feed_filter, order = _options(request)
    result = selectors.feed(
        viewer=viewer_of(request),
        feed_filter=feed_filter,
        order=order,
        cursor=request.GET.get("cursor"),
    )
    return render(
        request,
        "posts/_stream_items.html",
        {"page": result, "stream_url": _stream_url(feed_filter, order)},
    )


@require_GET
def new_count(request: HttpRequest) -> HttpResponse:
    """The "N new posts" indicator, polled by the page (pushed in real time later)."""
    feed_filter, order = _options(request)
    count = selectors.new_count(
        viewer=viewer_of(request), since=request.GET.get("since", ""), feed_filter=feed_filter
    )
    return render(
        request,
        "feed/_new_count.html",
        {
            "count": count,
            "cap": selectors.NEW_COUNT_CAP,
            # Showing the new posts reloads the feed as the reader set it up.
            "refresh": "?" + urlencode({"filter": feed_filter, "order": order}),
        },
    )
