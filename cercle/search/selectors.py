"""Suggestions for the search box: people, communities and #topics the viewer may see.

A sink: it reads the domain apps through their selectors and the access
module, so a secret community or a tag used only inside one never shows up
for someone outside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from cercle.access.base import Viewer
from cercle.access.posts import post_q
from cercle.accounts.models import User
from cercle.accounts.selectors import DirectoryFilters, directory_search
from cercle.communities.models import Community
from cercle.communities.selectors import directory
from cercle.core.text import fold
from cercle.posts.models import Hashtag, Post

LIMIT = 5


@dataclass(frozen=True, slots=True)
class Suggestions:
    people: list[User]
    communities: list[Community]
    hashtags: list[Hashtag]

    def __bool__(self) -> bool:
        return bool(self.people or self.communities or self.hashtags)


def suggest(*, viewer: Viewer, q: str) -> Suggestions:
    q = q.strip()[:100]
    if len(fold(q).lstrip("#@")) < 2:
        return Suggestions([], [], [])
    term = fold(q).lstrip("#@")
    visible_posts = Post.objects.filter(post_q(viewer), post_hashtags__hashtag=OuterRef("pk"))
    return Suggestions(
        people=list(directory_search(viewer=viewer, filters=DirectoryFilters(q=term))[:LIMIT]),
        communities=list(directory(viewer=viewer, q=term)[:LIMIT]),
        hashtags=list(
            Hashtag.objects.filter(key__startswith=term.replace(" ", ""))
            .filter(Exists(visible_posts))
            .order_by("key")[:LIMIT]
        ),
    )
