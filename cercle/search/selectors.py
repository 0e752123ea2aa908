"""Search and the suggestions of the search box, always through the access policies.

A sink: it reads the domain apps through their selectors, the access module
and its own index (``cercle.search.models``).  Visibility is a condition of
the same SQL statement that matches, counts and ranks, so a secret
community's post is never found, counted or quoted for someone outside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import overload

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.access.base import Viewer
from cercle.access.communities import CommunityPolicy
from cercle.access.documents import library_q
from cercle.access.hashtags import HashtagAction, HashtagPolicy
from cercle.access.people import ProfilePolicy
from cercle.access.posts import post_q
from cercle.accounts.models import Skill, User, UserSkill
from cercle.accounts.selectors import DirectoryFilters, directory_search
from cercle.communities.models import Community
from cercle.communities.selectors import community_get, directory
from cercle.core.sql import in_ids
from cercle.core.text import fold
from cercle.documents.models import DocumentPage
from cercle.posts.models import Hashtag
from cercle.search import engine
from cercle.search.models import EntryKind, HiddenTopic, SearchEntry
from cercle.search.text import (
    PAGE_BREAK,
    SearchQuery,
    first_page_matching,
    parse,
    snippet,
    stems,
)

LIMIT = 5


@dataclass(frozen=True, slots=True)
class Suggestions:
    people: list[User]
    communities: list[Community]
    hashtags: list[Hashtag]

    def __bool__(self) -> bool:
        return bool(self.people or self.communities or self.hashtags)


def suggest(*, viewer: Viewer, q: str) -> Suggestions:
    """What the search box offers at once as one types: people, communities, #topics."""
    q = q.strip()[:100]
    if len(fold(q).lstrip("#@")) < 2:
        return Suggestions([], [], [])
    term = fold(q).lstrip("#@")
    return Suggestions(
        people=list(directory_search(viewer=viewer, filters=DirectoryFilters(q=term))[:LIMIT]),
        communities=list(directory(viewer=viewer, q=term)[:LIMIT]),
        hashtags=list(hashtags(viewer=viewer, q=term, limit=LIMIT)),
    )


# Suggested conversations come from the newest matches of what is typed, never more.
SUGGESTION_WINDOW = 60
SUGGESTED_CONVERSATIONS = 3


def suggested_conversations(*, viewer: Viewer, q: str) -> tuple[list[SearchEntry], SearchQuery]:
    """Up to three recent conversations for what is being typed, and the query they match.

    Every word typed must match, the last one as a prefix (it is still being
    typed), among the newest ``SUGGESTION_WINDOW`` matches the viewer may
    see, best first: a shortcut to a recent discussion, not the search
    (Enter gives that).  The search box asks for them separately from
    ``suggest``: a prefix can cost PostgreSQL's full-text index tens of
    milliseconds, which people and topics should not wait for.
    """
    q = q.strip()[:100]
    query = parse(q.lstrip("#@"), prefix_last=True)
    if len(fold(q).lstrip("#@")) < 3 or not query:
        return [], query
    found = engine.window(_conversation_entries(viewer), query, size=SUGGESTION_WINDOW)
    wanted = found.ids[:SUGGESTED_CONVERSATIONS]
    entries = SearchEntry.objects.filter(pk__in=wanted).select_related("post__community", "person")
    by_id = {entry.pk: entry for entry in entries}
    return [by_id[pk] for pk in wanted if pk in by_id], query


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrowing a search: where, who, when."""

    community: Community | None = None
    author: User | None = None
    since: date | None = None
    until: date | None = None

    @property
    def narrow(self) -> bool:
        """Whether any filter is set (then every match is counted: ``engine.window``)."""
        return any(f is not None for f in (self.community, self.author, self.since, self.until))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class Results:
    """Entries found, best first: a sequence for ``Paginator`` (count, slices).

    Ids come from ``engine.window`` (one short statement or two); a slice
    loads only its own rows, with ``select_related`` as asked.
    """

    def __init__(self, found: engine.Window, base: QuerySet[SearchEntry] | None = None) -> None:
        self.found = found
        self.base = base if base is not None else SearchEntry.objects.all()

    @property
    def complete(self) -> bool:
        """False: more matches exist than counted (a very common word); show "N+"."""
        return self.found.complete

    def select_related(self, *fields: str) -> Results:
        return Results(self.found, self.base.select_related(*fields))

    def count(self) -> int:
        return len(self.found.ids)

    def __len__(self) -> int:
        return len(self.found.ids)

    def exists(self) -> bool:
        return bool(self.found.ids)

    @overload
    def __getitem__(self, index: int) -> SearchEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[SearchEntry]: ...
    def __getitem__(self, index: int | slice) -> SearchEntry | list[SearchEntry]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        wanted = self.found.ids[index]
        by_id = self.base.in_bulk(wanted)
        return [by_id[pk] for pk in wanted if pk in by_id]

    def __iter__(self) -> Iterator[SearchEntry]:
        return iter(self[:])


def _narrow(entries: QuerySet[SearchEntry], filters: Filters) -> QuerySet[SearchEntry]:
    if filters.community is not None:
        entries = entries.filter(community=filters.community)
    if filters.author is not None:
        entries = entries.filter(person=filters.author)
    if filters.since is not None:
        entries = entries.filter(created_at__gte=_day_start(filters.since))
    if filters.until is not None:
        entries = entries.filter(created_at__lt=_day_start(filters.until + timedelta(days=1)))
    return entries


def _conversation_entries(viewer: Viewer) -> QuerySet[SearchEntry]:
    """Posts and comments the viewer may read (the condition every search of them applies)."""
    return SearchEntry.objects.filter(
        Q(kind=EntryKind.POST) | Q(kind=EntryKind.COMMENT), post_q(viewer, "post__")
    )


def conversations(*, viewer: Viewer, query: SearchQuery, filters: Filters | None = None) -> Results:
    """Posts and comments matching ``query`` that the viewer may see, best first.

    Ranked by relevance, then by recency (``engine.window``).  Visibility and
    filters are conditions of the statement that finds, so counts and pages
    never include the unseen.
    """
    filters = filters or Filters()
    entries = _conversation_entries(viewer)
    return Results(engine.window(_narrow(entries, filters), query, exact=filters.narrow))


def documents(*, viewer: Viewer, query: SearchQuery, filters: Filters | None = None) -> Results:
    """Library documents whose title, file name or text matches, that the viewer may read.

    The text is the current version's, read in the background: a document
    is found by its name at once and by what it says once read.
    """
    filters = filters or Filters()
    entries = SearchEntry.objects.filter(kind=EntryKind.DOCUMENT).filter(
        library_q(viewer, "document__")
    )
    return Results(
        engine.window(
            _narrow(entries, filters), query, exact=filters.narrow, kind=EntryKind.DOCUMENT
        )
    )


@dataclass(frozen=True, slots=True)
class Passage:
    """Where a document matched: the extract (escaped HTML, words in ``<mark>``), the page
    (from 1; 0 for a one-page document) and its label (a sheet's name, or "")."""

    extract: str
    page: int
    label: str


def passages(entries: list[SearchEntry], query: SearchQuery) -> dict[int, Passage]:
    """The passage of each document entry (by entry id): its first page with a match.

    One query for the labels of those pages (sheet names), whatever the number of hits.
    """
    pages = {entry.pk: first_page_matching(entry.text, query) for entry in entries}
    current = {
        entry.pk: entry.document.current_id or 0 if entry.document is not None else 0
        for entry in entries
    }
    wanted = {(current[pk], index + 1) for pk, index in pages.items() if current[pk]}
    labels: dict[tuple[int, int], str] = {}
    if wanted:
        rows = DocumentPage.objects.filter(
            version_id__in={v for v, _n in wanted}, number__in={n for _v, n in wanted}
        ).values_list("version_id", "number", "label")
        labels = {(v, n): label for v, n, label in rows if (v, n) in wanted}
    found = {}
    for entry in entries:
        index = pages[entry.pk]
        texts = entry.text.split(PAGE_BREAK)
        text = texts[index] if index < len(texts) else ""
        found[entry.pk] = Passage(
            extract=snippet(text or entry.title, query),
            page=index + 1 if len(texts) > 1 else 0,
            label=labels.get((current[entry.pk], index + 1), ""),
        )
    return found


def communities(*, viewer: Viewer, query: SearchQuery) -> Results:
    """Communities the viewer may see whose name or description matches, best first."""
    visible = set(
        CommunityPolicy.visible(viewer, Community.objects.all()).values_list("pk", flat=True)
    )
    # Two reads rather than one join: joined, SQLite walks every entry of every
    # visible community (posts and comments included) instead of the community kind.
    entries = SearchEntry.objects.filter(kind=EntryKind.COMMUNITY)
    return Results(engine.small_window(entries, query, keep=lambda row: row[3] in visible))


def parse_query(q: str, *, prefix_last: bool = False) -> SearchQuery:
    return parse(q, prefix_last=prefix_last)


def author_get(*, viewer: Viewer, user_id: int) -> User | None:
    """The person a search is narrowed to ("written by"): listed, so active; else None."""
    return ProfilePolicy.listed(viewer, User.objects.filter(pk=user_id)).first()


def filters_for(
    *,
    viewer: Viewer,
    community: str = "",
    author_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Filters:
    """The filters a search names, checked for ``viewer``: the page's and the API's.

    Raises ``ValidationError`` with a translated message per wrong field (a
    community one may not see is as unknown as a mistyped one); nothing is
    searched then.
    """
    errors: dict[str, list[str]] = {}
    where = None
    if community:
        where = community_get(viewer=viewer, slug=community)
        if where is None:
            errors["community"] = [_("No such community.")]
    author = None
    if author_id:
        author = author_get(viewer=viewer, user_id=author_id)
        if author is None:
            errors["author"] = [_("Nobody by that name.")]
    if since and until and since > until:
        errors["until"] = [_("The end date is before the start date.")]
    if errors:
        raise ValidationError(errors)
    return Filters(community=where, author=author, since=since, until=until)


def _word_start(field: str, part: str) -> Q:
    """``field`` (folded words separated by spaces) has a word starting with ``part``."""
    return Q(**{f"{field}__startswith": part}) | Q(**{f"{field}__contains": f" {part}"})


def people(*, viewer: Viewer, q: str) -> QuerySet[User]:
    """People by name, job, e-mail or skill; accents, case and plurals ignored.

    Each word matches the start of a word, as typed or by its stem when the
    stem is long enough to mean something ("développeurs" finds
    "Développeur", "soudures" the skill "Soudure TIG"; "Inès" does not find
    "Caroline").
    """
    wanted = [w for w in fold(q).replace("@", " ").split() if not w.startswith("-")]
    if not wanted:
        return User.objects.none()
    found = directory_search(viewer=viewer, filters=DirectoryFilters())
    matching = found.order_by()
    for word in wanted:
        parts = sorted({word, *(stem for stem in stems(word) if len(stem) >= 5)})
        named, skill_named, somewhere = Q(), Q(), Q()
        for part in parts:
            named |= _word_start("search_key", part)
            skill_named |= _word_start("key", part)
            if not any(other in part for other in parts if other != part):
                somewhere |= Q(search_key__contains=part)
        # One cheap test ("contains") rejects most people before the word-start
        # tests: 6.7 → 3.5 ms on SQLite for 10,000 people.
        named = somewhere & named
        # The few skills that match first, then their holders: a correlated
        # subquery matched the skills of each of 10,000 people (15 ms at 1M posts).
        skills = Skill.objects.filter(skill_named)
        skilled = UserSkill.objects.filter(skill__in=skills).values("user_id")
        matching = matching.filter(named | Q(pk__in=skilled))
    # Who matches (their ids, one statement), then their rows in name order.  As one
    # statement, SQLite walked the name index and read every person's row to test the
    # words (8 → 2 ms); PostgreSQL walked it too, testing each person against the
    # whole list of matches (13 → 4 ms for "kubernetes", 10,000 people).
    ids = list(matching.values_list("pk", flat=True))
    return found.filter(in_ids(User, "id", ids)) if ids else found.none()


# Topics whose name starts with what was typed, looked at.
TOPIC_CANDIDATES = 100


def hashtags(*, viewer: Viewer, q: str, limit: int | None = None) -> QuerySet[Hashtag]:
    """#topics starting with what was typed, used in at least one post the viewer may see.

    A tag used only inside a secret community stays unknown to outsiders.

    Each candidate is checked on its own ("is there one visible post?", which
    stops at the first): as one ``EXISTS`` over every candidate, PostgreSQL
    hashed the whole posts table to check shares, once per tag (1.9 s for
    "qualité" at 1M posts).  At most ``TOPIC_CANDIDATES`` tags are looked at,
    in alphabetical order; with ``limit`` (the search box), the walk stops at
    the first ``limit`` visible ones.
    """
    key = "".join(fold(q).lstrip("#").split())
    if len(key) < 2:
        return Hashtag.objects.none()
    candidates = (
        Hashtag.objects.filter(key__startswith=key)
        .order_by("key")
        .values_list("pk", flat=True)[:TOPIC_CANDIDATES]
    )
    visible: list[int] = []
    for pk in candidates:
        if HashtagPolicy.can_by_id(viewer, HashtagAction.VIEW, pk):
            visible.append(pk)
            if limit is not None and len(visible) >= limit:
                break
    return Hashtag.objects.filter(pk__in=visible).order_by("key")


def hidden_topics(*, user: User) -> QuerySet[HiddenTopic]:
    """The subjects ``user`` asked "Qui sait ?" not to suggest them for."""
    return HiddenTopic.objects.filter(user=user).order_by("label", "id")


def inferred_topics(*, user: User, limit: int = 8) -> list[Hashtag]:
    """The #topics ``user`` writes about most (their own posts): what "Qui sait ?" infers."""
    return list(
        Hashtag.objects.filter(post_hashtags__post__author=user)
        .annotate(uses=Count("post_hashtags"))
        .filter(uses__gte=2)
        .order_by("-uses", "key")[:limit]
    )
