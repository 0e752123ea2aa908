"""Live updates from what the domain publishes (``cercle.core.events``): after commit."""

from __future__ import annotations

from cercle.core.events import subscribe
from cercle.posts.events import PostPublished, PostResurfaced
from cercle.realtime import events as live


@subscribe(PostPublished)
def _post_published(event: PostPublished) -> None:
    live.post_published(event.post.pk)


@subscribe(PostResurfaced)
def _post_resurfaced(event: PostResurfaced) -> None:
    live.post_published(event.post.pk)
