from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cercle.accounts import selectors as people_selectors
from cercle.accounts.models import User
from cercle.accounts.selectors import DirectoryFilters, directory_search
from cercle.communities.selectors import directory
from cercle.core.http import is_htmx, viewer_of
from cercle.core.text import fold
from cercle.posts.models import Attachment
from cercle.search import selectors, services
from cercle.search.experts import ExpertFilters, find_experts
from cercle.search.forms import ExpertForm, HideTopicForm, SearchForm
from cercle.search.models import EntryKind, SearchEntry
from cercle.search.text import SearchQuery, snippet

PER_PAGE = 20
PREVIEW = 4  # results per kind on the "all" tab
NAMESAKES = 6  # people offered when "Written by" matches several
SUGGESTION_EXTRACT = 110  # characters of each conversation suggested under the box


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The drop-down under the search box (htmx fragment); conversations follow on their own."""
    q = request.GET.get("q", "")
    return render(
        request,
        "search/_suggestions.html",
        {"suggestions": selectors.suggest(viewer=viewer_of(request), q=q), "q": q[:100]},
    )


@require_GET
def suggest_conversations(request: HttpRequest) -> HttpResponse:
    """Recent conversations for the drop-down, loaded once the rest of it is shown."""
    q = request.GET.get("q", "")
    entries, query = selectors.suggested_conversations(viewer=viewer_of(request), q=q)
    conversations = [
        # snippet() escapes everything it does not wrap in <mark>.
        Hit(entry, mark_safe(snippet(entry.text, query, length=SUGGESTION_EXTRACT)))  # noqa: S308
        for entry in entries
    ]
    return render(request, "search/_suggested_conversations.html", {"conversations": conversations})


@dataclass(frozen=True, slots=True)
class Hit:
    """A post or comment found, with its extract (safe HTML, matches marked).

    ``files``: for a post, every file of its conversation (the answer that
    carried the document is often the reason to search); for a comment, its own.
    """

    entry: SearchEntry
    extract: SafeString
    files: tuple[Attachment, ...] = ()
    # A document's page (from 1) where the extract was found, and its label (a sheet's name).
    page: int = 0
    page_label: str = ""

    @property
    def is_comment(self) -> bool:
        return self.entry.kind == EntryKind.COMMENT

    @property
    def url(self) -> str:
        if self.entry.kind == EntryKind.DOCUMENT and self.entry.document is not None:
            url = self.entry.document.get_absolute_url()
            return f"{url}#page-{self.page}" if self.page > 1 else url
        if self.entry.kind == EntryKind.COMMUNITY and self.entry.community is not None:
            return self.entry.community.get_absolute_url()
        post_url = self.entry.post.get_absolute_url() if self.entry.post else ""
        return f"{post_url}#comment-{self.entry.comment_id}" if self.is_comment else post_url


def _hits(entries: list[SearchEntry], query: SearchQuery) -> list[Hit]:
    """Extracts and files for a page of entries (one query for all the files)."""
    post_ids = {e.post_id for e in entries if e.post_id is not None}
    files: dict[int, list[Attachment]] = {}
    by_comment: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(post_id__in=post_ids).order_by("created_at", "id"):
        files.setdefault(attachment.post_id, []).append(attachment)
        if attachment.comment_id is not None:
            by_comment.setdefault(attachment.comment_id, []).append(attachment)
    hits = []
    for entry in entries:
        if entry.kind == EntryKind.COMMENT and entry.comment_id is not None:
            mine = by_comment.get(entry.comment_id, [])
        else:
            mine = files.get(entry.post_id, []) if entry.post_id is not None else []
        # snippet() escapes everything it does not wrap in <mark>.
        hits.append(Hit(entry, mark_safe(snippet(entry.text, query)), tuple(mine)))  # noqa: S308
    return hits


def _document_hits(entries: list[SearchEntry], query: SearchQuery) -> list[Hit]:
    """Each document with the passage that matched and the page, sheet or slide it is on."""
    found = selectors.passages(entries, query)
    return [
        Hit(
            entry,
            mark_safe(found[entry.pk].extract),  # noqa: S308 - snippet() escapes the rest
            page=found[entry.pk].page,
            page_label=found[entry.pk].label,
        )
        for entry in entries
    ]


def _page(queryset: Any, number: int | None) -> Page[Any]:
    return Paginator(queryset, PER_PAGE).get_page(number or 1)


def _author(viewer: User, text: str) -> tuple[User | None, list[User]]:
    """The person "Written by" names (@handle or name), or the namesakes to choose from.

    ``(person, [])`` when one person matches, ``(None, namesakes)`` when
    several do (at most ``NAMESAKES``), ``(None, [])`` when nobody does.
    """
    handle = text.lstrip("@").strip().lower()
    people = directory_search(viewer=viewer, filters=DirectoryFilters(q=text.replace("@", " ")))
    exact = people.filter(handle=handle).first() if handle else None
    if exact is not None:
        return exact, []
    found = list(people[: NAMESAKES + 1])
    if len(found) > 1:  # "Marie Martin" is not ambiguous beside "Marie Martineau"
        same = [person for person in found if fold(person.name) == fold(text)]
        found = same if len(same) == 1 else found
    if len(found) == 1:
        return found[0], []
    return None, found[:NAMESAKES]


def _refuse(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The page with what was wrong in the filters, and no results (nothing was searched)."""
    context["refused"] = True
    return render(request, "search/results.html", context, status=400)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The results page: tabs for everything, conversations, people, communities, #topics."""
    viewer = viewer_of(request)
    form = SearchForm(request.GET)
    my_communities = list(directory(viewer=viewer, mine=True).order_by("name"))
    context: dict[str, Any] = {
        "form": form,
        "tab": "all",
        "q": (request.GET.get("q") or "")[:200],  # kept in the box even when refused
        "community_choices": my_communities,
        "refused": False,
        "namesakes": [],
        "filter_community": None,
        "filter_author": None,
    }
    if not form.is_valid():
        return _refuse(request, context)
    data = form.cleaned_data
    q, tab = data["q"] or "", data["tab"] or "all"
    query = selectors.parse_query(q)
    author_id: int | None = data["author"]
    if not author_id and (data["by"] or "").lstrip("@").strip():
        # "Written by" a name or @handle: the one person it names, or the namesakes.
        named, namesakes = _author(viewer, data["by"])
        author_id = named.pk if named is not None else None
        if named is None:
            context["namesakes"] = namesakes
            form.add_error(
                "by",
                _("Several people match: pick one below.")
                if namesakes
                else _("Nobody by that name."),
            )
    try:
        filters = selectors.filters_for(
            viewer=viewer,
            community=data["community"] or "",
            author_id=author_id,
            since=data["since"],
            until=data["until"],
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            form.add_error(field, messages)
    if form.errors:
        return _refuse(request, context)
    community, author = filters.community, filters.author
    if community is not None and community not in my_communities:
        # Searching an open community one has not joined (its page links here).
        context["community_choices"] = [community, *my_communities]
    conversation_entries = selectors.conversations(
        viewer=viewer, query=query, filters=filters
    ).select_related("person", "post__community")
    community_entries = selectors.communities(viewer=viewer, query=query).select_related(
        "community"
    )
    document_entries = selectors.documents(
        viewer=viewer, query=query, filters=filters
    ).select_related("person", "community", "document__current")
    found: dict[str, Any] = {
        "posts": conversation_entries,
        "documents": document_entries,
        "people": selectors.people(viewer=viewer, q=q),
        "communities": community_entries,
        "hashtags": selectors.hashtags(viewer=viewer, q=q),
    }
    counts = {name: found[name].count() for name in found}
    # A very common word: only the newest matches are ranked and counted ("500+").
    more = {name: not found[name].complete for name in ("posts", "documents", "communities")}
    context.update(
        q=q,
        tab=tab,
        query=query,
        counts=counts,
        more=more,
        total=sum(counts.values()),
        filter_community=community,
        filter_author=author,
    )
    if tab == "all":
        context["preview"] = {
            "posts": _hits(list(conversation_entries[:PREVIEW]), query),
            "documents": _document_hits(list(document_entries[:PREVIEW]), query),
            "people": list(found["people"][:PREVIEW]),
            "communities": _hits(list(community_entries[:PREVIEW]), query),
            "hashtags": list(found["hashtags"][:PREVIEW]),
        }
    else:
        page = _page(found[tab], data["page"])
        context["page"] = page
        if tab == "posts":
            context["hits"] = _hits(list(page.object_list), query)
        if tab == "communities":
            context["hits"] = _hits(list(page.object_list), query)
        if tab == "documents":
            context["hits"] = _document_hits(list(page.object_list), query)
    template = "search/_results.html" if is_htmx(request) else "search/results.html"
    return render(request, template, context)


@require_GET
def experts(request: HttpRequest) -> HttpResponse:
    """ "Qui sait ?": colleagues who know about a subject, each with the reasons."""
    viewer = viewer_of(request)
    form = ExpertForm(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "q": "",
        "sites": people_selectors.sites(),
        "nav_section": "people",
        "refused": False,
    }
    if not form.is_valid():
        context["q"] = (request.GET.get("q") or "")[:200]  # kept in the box, not searched
        context["refused"] = True
        return render(request, "search/experts.html", context, status=400)
    data = form.cleaned_data
    q = data["q"] or ""
    filters = ExpertFilters(
        region=data["region"], department=data["department"], site=data["site"] or ""
    )
    context.update(
        q=q,
        filtered=bool(filters.region or filters.department or filters.site),
        experts=find_experts(viewer=viewer, q=q, filters=filters) if q else [],
    )
    template = "search/_expert_results.html" if is_htmx(request) else "search/experts.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def my_expertise(request: HttpRequest) -> HttpResponse:
    """What "Qui sait ?" infers about me, and the subjects I hide from it."""
    user = request.user
    assert isinstance(user, User)
    form = HideTopicForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if "show" in request.POST:
            try:
                topic_id = int(request.POST["show"])
            except ValueError:
                topic_id = 0
            if services.topic_show(user=user, topic_id=topic_id):
                messages.success(request, _("Cercle may suggest you for this subject again."))
            return redirect("search:my_expertise")
        if form.is_valid():
            try:
                topic = services.topic_hide(user=user, label=form.cleaned_data["label"])
            except ValidationError as exc:
                form.add_error("label", exc.messages)
            else:
                messages.success(
                    request,
                    _("Done: your activity on “%(subject)s” no longer suggests you as an expert.")
                    % {"subject": topic.label},
                )
                return redirect("search:my_expertise")
        status = 400
    return render(
        request,
        "search/my_expertise.html",
        {
            "form": form,
            "hidden": list(selectors.hidden_topics(user=user)),
            "inferred": selectors.inferred_topics(user=user),
            "nav_section": "me",
        },
        status=status,
    )
