"""Post cards, read as rows: what every list of posts shows, in HTML and in JSON.

A card is one post as a reader sees it: author, community, text, files,
praise, the shared original, reaction counts, why it is in the feed, and
what this viewer may do with it.  Every page and every API answer that shows
posts reads its cards here and nowhere else: the templates
(``posts/jinja2/posts/card.html``) and ``PostOut`` render the same ``fields``.

Built from model instances, a page of 20 posts meant about 120 instances
(posts, authors, departments, regions, communities, shared originals), five
queries compiled by the ORM on every request and some sixty ``reverse()``
calls — 5 ms of Python per page at 1M posts.  Here the same data comes as
tuples from four queries (posts with their people and communities joined,
praise, files, reactions), each written with the ORM once per shape and kept
compiled (``cercle.access.prepared``), assembled into plain dicts.  The caller
has already decided what the viewer may see (a policy-filtered page,
``post_get``): this module only reads the cards of those ids, and asks
``cercle.access`` what the viewer may do with each, in one batch per page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.files.storage import Storage
from django.db.models import Count, Q, QuerySet

from cercle.access import prepared
from cercle.access.base import Viewer, viewer_pk
from cercle.access.communities import is_site_admin
from cercle.access.posts import Moderation
from cercle.accounts.models import User
from cercle.core.urls import fast_reverse
from cercle.posts.models import EMOJI_LABELS, Attachment, Emoji, Post, PraiseRecipient, Reaction

PERSON = (
    "id",
    "display_name",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "department__name",
    "region__name",
    "site",
    "photo",
    "photo_thumb",
    "is_active",
)
COMMUNITY = ("id", "slug", "name", "kind", "archived_at")
POST = ("id", "kind", "body", "body_html", "created_at", "edited_at")


def _columns() -> tuple[str, ...]:
    own = (*POST, "pinned_at", "comment_count", "shared_post_id", "hidden_at", "hidden_reason")
    return (
        *own,
        *(f"author__{c}" for c in PERSON),
        *(f"community__{c}" for c in COMMUNITY),
        *(f"shared_post__{c}" for c in POST),
        *(f"shared_post__author__{c}" for c in PERSON),
        *(f"shared_post__community__{c}" for c in COMMUNITY),
    )


COLUMNS = _columns()


def _slices(*sizes: int) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for size in sizes:
        bounds.append((start, start + size))
        start += size
    return bounds


# own columns, author, community, shared post, its author, its community
_SLICES = _slices(
    len(POST) + 5, len(PERSON), len(COMMUNITY), len(POST), len(PERSON), len(COMMUNITY)
)


def card_rows(
    name: str,
    ids: Sequence[int],
    build: Callable[[list[int]], QuerySet[Any, Any]],
    *,
    uses_viewer: bool = False,
    viewer: int | None = None,
) -> list[tuple[Any, ...]]:
    """Rows of ``build(ids)``, its SQL compiled once per (query, number of ids)."""
    if not ids:
        return []
    stand_ins = prepared.id_stand_ins(len(ids))
    values: dict[int, int | None] = dict(zip(stand_ins, ids, strict=True))
    if uses_viewer:
        values[prepared.VIEWER] = viewer
    query = prepared.prepare((f"cards-{name}", len(ids)), lambda: build(stand_ins), list(values))
    if query is None:  # never for these shapes: a test runs each one
        raise RuntimeError(f"cards query {name!r} cannot be prepared")
    return query.rows(values)


def aware(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value))
    if moment is not None and moment.tzinfo is None:  # SQLite stores naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment


def _storage_url(storage: Storage, name: str | None) -> str | None:
    return storage.url(name) if name else None


_photo_storage = User._meta.get_field("photo").storage
_thumb_storage = User._meta.get_field("photo_thumb").storage


def person_fields(values: Sequence[Any]) -> dict[str, Any] | None:
    """``PersonOut`` fields from the ``PERSON`` columns (None: no such person)."""
    (pk, display, first, last, email, job, department, region, site, photo, thumb, active) = values
    if pk is None:
        return None
    return {
        "id": pk,
        "name": display or f"{first} {last}".strip() or email,  # as ``User.name``
        "first_name": first,
        "last_name": last,
        "email": email,
        "job_title": job,
        "department": department,
        "region": region,
        "site": site,
        "photo_url": _storage_url(_photo_storage, photo),
        "thumb_url": _storage_url(_thumb_storage, thumb),
        "is_active": bool(active),
        "profile_url": fast_reverse("accounts:profile", pk),
    }


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a post is in the reader's feed, for the line above it."""

    kind: str  # "mine", "community", "person", "share", "hashtag"
    label: str  # a community's name, a person's name, a hashtag
    url: str


@dataclass(slots=True)
class Card:
    """One post's card: ``fields`` is what ``PostOut`` validates and the templates show."""

    fields: dict[str, Any]
    author_id: int | None
    community_id: int | None
    community_archived: bool
    shared_post_id: int | None
    hidden: bool = False
    reason: Reason | None = None  # set by the feed
    # What an app adds to its cards (``extend_cards``): the template showing it.
    template: str | None = None

    @property
    def pk(self) -> int:
        return int(self.fields["id"])


def _community(values: Sequence[Any]) -> dict[str, Any] | None:
    pk, slug, name, kind, _archived = values
    if pk is None:
        return None
    return {
        "slug": slug,
        "name": name,
        "kind": kind,
        "url": fast_reverse("communities:detail", slug),
    }


def _shared_fields(
    post: Sequence[Any], person: Sequence[Any], community: Sequence[Any]
) -> dict[str, Any]:
    pk, kind, body, body_html, created_at, edited_at = post
    return {
        "id": pk,
        "kind": kind,
        "author": person_fields(person),
        "community": _community(community),
        "body": body,
        "body_html": body_html,
        "created_at": aware(created_at),
        "edited_at": aware(edited_at),
        "attachments": [],
        "praised": [],
        "url": fast_reverse("posts:detail", pk),
    }


def _posts(ids: Sequence[int]) -> list[tuple[Any, ...]]:
    return card_rows(
        "posts",
        ids,
        lambda stand_ins: Post.objects.filter(pk__in=stand_ins).order_by().values_list(*COLUMNS),
    )


def cards(
    viewer: Viewer,
    ids: Sequence[int],
    *,
    post_roles: dict[int, str | None] | None = None,
    just_created: bool = False,
    bare: bool = False,
) -> list[Card]:
    """The cards of ``ids`` (in that order), for a viewer who may see them all.

    ``post_roles`` — the viewer's role in each post's community, by post id —
    saves a query when the caller already knows them (the feed's page query does).
    ``just_created``: the posts were created by this request, so nobody has
    reacted yet (no reaction query); ``bare`` adds that they have no files, no
    praise and share nothing (no query for files and praise either).
    """
    me = viewer_pk(viewer)
    by_id: dict[int, Card] = {}
    for row in _posts(ids):
        own, author, community, shared_post, shared_author, shared_community = (
            row[start:end] for start, end in _SLICES
        )
        pk = own[0]
        pinned_at, comment_count, shared_id, hidden_at, hidden_reason = own[len(POST) :]
        fields = _shared_fields(own[: len(POST)], author, community)
        fields["pinned"] = pinned_at is not None
        fields["hidden_at"] = aware(hidden_at)
        fields["hidden_reason"] = hidden_reason
        fields["comment_count"] = comment_count
        fields["reactions"] = []
        fields["shared_post"] = (
            _shared_fields(shared_post, shared_author, shared_community) if shared_id else None
        )
        by_id[pk] = Card(
            fields=fields,
            author_id=author[0],
            community_id=community[0],
            community_archived=community[4] is not None,
            shared_post_id=shared_id,
            hidden=hidden_at is not None,
        )
    found = [by_id[pk] for pk in ids if pk in by_id]
    if not (just_created and bare):
        _add_files_and_praise(found)
    if not just_created:
        _add_reactions(found, me)
    roles = None
    if post_roles is not None:
        roles = {
            card.community_id: role
            for card in found
            if card.community_id is not None
            and (role := post_roles.get(card.fields["id"])) is not None
        }
    _add_permissions(found, viewer, roles)
    for extension in _extensions:
        extension(found, viewer)
    return found


# What other apps add to the cards (a library document's post shows the document;
# a post linking to documents shows them as files): called with each page of
# cards and their viewer, after everything above.  The app stores its fields in
# ``Card.fields`` (and the shared original's), names the template that shows
# them in ``Card.template``, and decides what the viewer may see of its objects.
CardExtension = Callable[[list["Card"], Viewer], None]
_extensions: list[CardExtension] = []


def extend_cards(extension: CardExtension) -> CardExtension:
    """Register ``extension`` (at its app's start: ``AppConfig.ready``)."""
    if extension not in _extensions:
        _extensions.append(extension)
    return extension


def parts(card: Card) -> Iterable[dict[str, Any]]:
    """The card's own fields, then its shared original's, if any."""
    yield card.fields
    if card.fields["shared_post"] is not None:
        yield card.fields["shared_post"]


def _add_files_and_praise(found: list[Card]) -> None:
    # A post can be on the page and also be the original a share shows.
    by_post: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for card in found:
        for part in parts(card):
            by_post[part["id"]].append(part)
    ids = list(by_post)
    for post_id, pk, name, kind, content_type, size, thumbnail in card_rows(
        "files",
        ids,
        lambda stand_ins: (
            Attachment.objects.filter(post_id__in=stand_ins, comment__isnull=True)
            .order_by("created_at", "id")
            .values_list("post_id", "id", "name", "kind", "content_type", "size", "thumbnail")
        ),
    ):
        attachment = {
            "id": pk,
            "name": name,
            "kind": kind,
            "content_type": content_type,
            "size": size,
            "url": fast_reverse("api:attachment_file", pk),
            "thumbnail_url": fast_reverse("api:attachment_thumbnail", pk) if thumbnail else None,
        }
        for part in by_post[post_id]:
            part["attachments"].append(attachment)
    for row in card_rows(
        "praise",
        ids,
        lambda stand_ins: (
            PraiseRecipient.objects.filter(post_id__in=stand_ins)
            .order_by("id")
            .values_list("post_id", *(f"user__{c}" for c in PERSON))
        ),
    ):
        person = person_fields(row[1:])
        for part in by_post[row[0]]:
            part["praised"].append(person)


def _add_reactions(found: list[Card], me: int | None) -> None:
    counts: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    for post_id, emoji, n, by_me in card_rows(
        "reactions",
        [card.fields["id"] for card in found],
        lambda stand_ins: (
            Reaction.objects.filter(post_id__in=stand_ins, comment__isnull=True)
            .values("post_id", "emoji")
            .annotate(n=Count("id"), by_me=Count("id", filter=Q(user_id=prepared.VIEWER)))
            .order_by()
            .values_list("post_id", "emoji", "n", "by_me")
        ),
        uses_viewer=True,
        viewer=me,
    ):
        counts[post_id][emoji] = (n, bool(by_me))
    if not counts:
        return
    labels = [(e.value, e.label, str(EMOJI_LABELS[e])) for e in Emoji]  # translated once
    for card in found:
        mine = counts.get(card.fields["id"])
        if mine:
            card.fields["reactions"] = [
                {
                    "emoji": value,
                    "symbol": symbol,
                    "label": label,
                    "count": mine[value][0],
                    "mine": mine[value][1],
                }
                for value, symbol, label in labels
                if value in mine
            ]


def _add_permissions(found: list[Card], viewer: Viewer, roles: dict[int, str] | None) -> None:
    moderation = (
        Moderation.of(viewer, {c.community_id for c in found if c.community_id is not None})
        if roles is None
        else Moderation(admin=is_site_admin(viewer), roles=roles)
    )
    for card in found:
        card.fields["permissions"] = moderation.permissions(
            viewer,
            author_id=card.author_id,
            community_id=card.community_id,
            archived=card.community_archived,
            hidden=card.hidden,
            kind=card.fields["kind"],
        ).as_dict()
