"""Search endpoint: the same engine and rules as the search page."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status
from pydantic import Field

from cercle.accounts.api import PersonOut
from cercle.accounts.models import Department, Region
from cercle.api.schema import Id, In, IsoDate, Out, PathId
from cercle.core.http import viewer_of
from cercle.core.text import fold
from cercle.posts.schemas import CommunityRefOut
from cercle.search import selectors, services
from cercle.search.experts import ExpertFilters, find_experts
from cercle.search.models import EntryKind
from cercle.search.text import snippet

router = Router(tags=["search"])


class SearchQueryIn(In):
    q: str = Field(max_length=200, description='Words, "exact phrases", -excluded words.')
    type: Literal["posts", "documents", "people", "communities", "hashtags"] = "posts"
    community: str | None = Field(None, max_length=120, description="Slug: only in it.")
    author: Id | None = Field(None, description="Person id: only theirs.")
    since: IsoDate | None = None
    until: IsoDate | None = None
    page: int = Field(1, ge=1, le=1000)
    per_page: int = Field(20, ge=1, le=50)


class SearchHitOut(Out):
    kind: str = Field(description="post, comment, document, person, community or hashtag")
    id: int | str = Field(description="The object's id (a hashtag's key).")
    url: str
    title: str
    snippet_html: str = Field(description="Escaped text, matched words in <mark>.")
    created_at: datetime | None
    author: PersonOut | None
    community: CommunityRefOut | None
    page: int | None = Field(
        description="A document: the page (from 1) of the passage; null for one page."
    )
    page_label: str = Field(description="A document: the sheet the passage is on.")


class SearchPageOut(Out):
    count: int
    complete: bool = Field(
        description="False for a very common word: only the newest matches are ranked "
        "and counted, and count is a lower bound."
    )
    page: int
    pages: int
    results: list[SearchHitOut]


@router.get("/search", response=SearchPageOut, summary="Search posts, comments, people, ...")
def search(request: HttpRequest, query: Query[SearchQueryIn]) -> SearchPageOut:
    viewer = viewer_of(request)
    filters = selectors.filters_for(
        viewer=viewer,
        community=query.community or "",
        author_id=query.author,
        since=query.since,
        until=query.until,
    )
    parsed = selectors.parse_query(query.q)
    start = (query.page - 1) * query.per_page
    end = start + query.per_page
    results: list[SearchHitOut] = []
    complete = True
    if query.type == "posts":
        entries = selectors.conversations(
            viewer=viewer,
            query=parsed,
            filters=filters,
        )
        count, complete = entries.count(), entries.complete
        for entry in entries.select_related(
            "post__community", "person__department", "person__region"
        )[start:end]:
            post = entry.post
            assert post is not None
            url = post.get_absolute_url()
            if entry.kind == EntryKind.COMMENT:
                url = f"{url}#comment-{entry.comment_id}"
            results.append(
                SearchHitOut(
                    kind=entry.kind,
                    id=entry.comment_id or entry.post_id or 0,
                    url=url,
                    title="",
                    snippet_html=snippet(entry.text, parsed),
                    created_at=entry.created_at,
                    author=PersonOut.from_user(entry.person) if entry.person else None,
                    community=(
                        CommunityRefOut.from_community(post.community) if post.community else None
                    ),
                    page=None,
                    page_label="",
                )
            )
    elif query.type == "documents":
        found_documents = selectors.documents(
            viewer=viewer, query=parsed, filters=filters
        ).select_related("community", "document__current", "person__department", "person__region")
        count, complete = found_documents.count(), found_documents.complete
        shown = found_documents[start:end]
        where = selectors.passages(shown, parsed)
        for entry in shown:
            document = entry.document
            assert document is not None
            passage = where[entry.pk]
            results.append(
                SearchHitOut(
                    kind="document",
                    id=document.pk,
                    url=document.get_absolute_url()
                    + (f"#page-{passage.page}" if passage.page > 1 else ""),
                    title=entry.title,
                    snippet_html=passage.extract,
                    created_at=entry.created_at,
                    author=PersonOut.from_user(entry.person) if entry.person else None,
                    community=(
                        CommunityRefOut.from_community(entry.community) if entry.community else None
                    ),
                    page=passage.page or None,
                    page_label=passage.label,
                )
            )
    elif query.type == "communities":
        found = selectors.communities(viewer=viewer, query=parsed).select_related("community")
        count = found.count()
        for entry in found[start:end]:
            c = entry.community
            assert c is not None
            results.append(
                SearchHitOut(
                    kind="community",
                    id=c.pk,
                    url=c.get_absolute_url(),
                    title=c.name,
                    snippet_html=snippet(entry.text, parsed),
                    created_at=c.created_at,
                    author=None,
                    community=CommunityRefOut.from_community(c),
                    page=None,
                    page_label="",
                )
            )
    elif query.type == "people":
        people = selectors.people(viewer=viewer, q=query.q).select_related("department", "region")
        count = people.count()
        for person in people[start:end]:
            results.append(
                SearchHitOut(
                    kind="person",
                    id=person.pk,
                    url=person.get_absolute_url(),
                    title=person.name,
                    snippet_html=snippet(person.job_title, parsed),
                    created_at=None,
                    author=PersonOut.from_user(person),
                    community=None,
                    page=None,
                    page_label="",
                )
            )
    else:
        tags = selectors.hashtags(viewer=viewer, q=query.q)
        count = tags.count()
        for tag in tags[start:end]:
            results.append(
                SearchHitOut(
                    kind="hashtag",
                    id=tag.key,
                    url=tag.get_absolute_url(),
                    title=f"#{tag.name}",
                    snippet_html="",
                    created_at=None,
                    author=None,
                    community=None,
                    page=None,
                    page_label="",
                )
            )
    pages = max(1, -(-count // query.per_page))
    return SearchPageOut(
        count=count, complete=complete, page=query.page, pages=pages, results=results
    )


# --- "Qui sait ?" -------------------------------------------------------------------------


class ExpertQueryIn(In):
    q: str = Field(min_length=1, max_length=200, description="The subject, in a few words.")
    region: str | None = Field(None, max_length=100, description="Region name or key.")
    department: str | None = Field(None, max_length=100, description="Department name or key.")
    site: str | None = Field(None, max_length=120)
    limit: int = Field(20, ge=1, le=50)


class SkillEvidenceOut(Out):
    name: str
    endorsements: int


class ExpertOut(Out):
    person: PersonOut
    score: float = Field(description="Only meaningful to compare people of one answer.")
    explanation: str = Field(description="The reasons, in the reader's language.")
    reasons: list[str]
    skills: list[SkillEvidenceOut]
    posts: int = Field(description="Their posts on the subject that the caller can read.")
    comments: int
    answers: int = Field(description="Their comments in conversations on the subject.")
    reactions: int = Field(description="Reactions those posts, comments and answers got.")
    communities: list[CommunityRefOut]


def _named[M: (Region, Department)](model: type[M], field: str, value: str | None) -> M | None:
    if not value:
        return None
    found = model.objects.filter(key=fold(value)).first()
    if found is None:
        message = _("Unknown region.") if model is Region else _("Unknown department.")
        raise ValidationError({field: [message]})
    return found


@router.get("/experts", response=list[ExpertOut], summary="Who knows about a subject?")
def experts(request: HttpRequest, query: Query[ExpertQueryIn]) -> list[ExpertOut]:
    """People who know about ``q``, best first, each with the evidence.

    Evidence only counts what the caller can read; the caller is left out.
    """
    viewer = viewer_of(request)
    filters = ExpertFilters(
        region=_named(Region, "region", query.region),
        department=_named(Department, "department", query.department),
        site=(query.site or "").strip(),
    )
    found = find_experts(viewer=viewer, q=query.q, filters=filters, limit=query.limit)
    return [
        ExpertOut(
            person=PersonOut.from_user(e.person),
            score=round(e.score, 3),
            explanation=e.explanation,
            reasons=e.reasons,
            skills=[SkillEvidenceOut(name=s.name, endorsements=s.endorsements) for s in e.skills],
            posts=e.posts,
            comments=e.comments,
            answers=e.answers,
            reactions=e.reactions,
            communities=[CommunityRefOut.from_community(c) for c in e.communities],
        )
        for e in found
    ]


class HiddenTopicIn(In):
    label: str = Field(
        min_length=1, max_length=100, description="The subject, e.g. “appels d'offres”."
    )


class HiddenTopicOut(Out):
    id: int
    label: str


@router.get("/me/hidden-subjects", response=list[HiddenTopicOut], summary="Subjects I hide")
def hidden_subjects(request: HttpRequest) -> list[HiddenTopicOut]:
    topics = selectors.hidden_topics(user=viewer_of(request))
    return [HiddenTopicOut(id=t.pk, label=t.label) for t in topics]


@router.post(
    "/me/hidden-subjects", response={201: HiddenTopicOut}, summary="Hide a subject from Qui sait"
)
def hide_subject(request: HttpRequest, payload: HiddenTopicIn) -> Status[HiddenTopicOut]:
    """My activity on this subject no longer suggests me as an expert (idempotent)."""
    topic = services.topic_hide(user=viewer_of(request), label=payload.label)
    return Status(201, HiddenTopicOut(id=topic.pk, label=topic.label))


@router.delete("/me/hidden-subjects/{topic_id}", response={204: None}, summary="Unhide a subject")
def show_subject(request: HttpRequest, topic_id: PathId) -> Status[None]:
    if not services.topic_show(user=viewer_of(request), topic_id=topic_id):
        raise Http404
    return Status(204, None)
