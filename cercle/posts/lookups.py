"""The conversation objects a request names, for pages and the API alike.

Each is the selector's answer for the person asking, or ``NotFound`` (404)
when it is missing or not theirs to see: the two are never told apart.
"""

from __future__ import annotations

from django.http import HttpRequest

from cercle.access import found
from cercle.core.http import viewer_of
from cercle.core.rendering import hashtag_key
from cercle.posts import selectors
from cercle.posts.models import Attachment, Comment, Hashtag, Post


def post_of(request: HttpRequest, post_id: int) -> Post:
    return found(selectors.post_get(viewer=viewer_of(request), post_id=post_id))


def comment_of(request: HttpRequest, comment_id: int) -> Comment:
    return found(selectors.comment_get(viewer=viewer_of(request), comment_id=comment_id))


def attachment_of(request: HttpRequest, attachment_id: int) -> Attachment:
    return found(selectors.attachment_get(viewer=viewer_of(request), attachment_id=attachment_id))


def hashtag_of(request: HttpRequest, key: str) -> Hashtag:
    return found(selectors.hashtag_get(viewer=viewer_of(request), key=hashtag_key(key)))
