"""Search endpoint: the same engine and rules as the search page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from cercle.accounts.api import PersonOut
from cercle.accounts.models import User
from cercle.api.schema import Out
from cercle.communities.selectors import community_get
from cercle.posts.schemas import CommunityRefOut
from cercle.search import selectors
from cercle.search.models import EntryKind
from cercle.search.text import snippet

router = Router(tags=["search"])


class SearchQueryIn(Schema):
    q: str = Field(max_length=200, description='Words, "exact phrases", -excluded words.')
    type: Literal["posts", "people", "communities", "hashtags"] = "posts"
    community: str | None = Field(None, max_length=120, description="Slug: only in it.")
    author: int | None = Field(None, ge=1, description="Person id: only theirs.")
    since: date | None = None
    until: date | None = None
    page: int = Field(1, ge=1, le=1000)
    per_page: int = Field(20, ge=1, le=50)


class SearchHitOut(Out):
    kind: str = Field(description="post, comment, person, community or hashtag")
    id: int | str = Field(description="The object's id (a hashtag's key).")
    url: str
    title: str
    snippet_html: str = Field(description="Escaped text, matched words in <mark>.")
    created_at: datetime | None
    author: PersonOut | None
    community: CommunityRefOut | None


class SearchPageOut(Out):
    count: int
    page: int
    pages: int
    results: list[SearchHitOut]


def _viewer(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.get("/search", response=SearchPageOut, summary="Search posts, comments, people, ...")
def search(request: HttpRequest, query: Query[SearchQueryIn]) -> SearchPageOut:
    viewer = _viewer(request)
    if query.since and query.until and query.since > query.until:
        raise ValidationError({"until": [_("The end date is before the start date.")]})
    community = None
    if query.community:
        community = community_get(viewer=viewer, slug=query.community)
        if community is None:
            raise ValidationError({"community": [_("No such community.")]})
    parsed = selectors.parse_query(query.q)
    start = (query.page - 1) * query.per_page
    end = start + query.per_page
    results: list[SearchHitOut] = []
    if query.type == "posts":
        author = User.objects.filter(pk=query.author).first() if query.author else None
        entries = selectors.conversations(
            viewer=viewer,
            query=parsed,
            filters=selectors.Filters(
                community=community, author=author, since=query.since, until=query.until
            ),
        )
        count = entries.count()
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
                )
            )
    pages = max(1, -(-count // query.per_page))
    return SearchPageOut(count=count, page=query.page, pages=pages, results=results)
