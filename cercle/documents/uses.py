"""Where a library document is used: the posts and comments that link to it.

A person reuses a document by linking to it (the composer's "Link a document"
writes ``[Offre type maintenance.docx](/documents/12/)``; a pasted address of
this site works as well).  The link is kept as a ``DocumentUse`` whenever a
post or comment is written or edited, so that the document's page can say
where it was used and cards can show it as a file that follows its versions.
Whether a reader sees either side is decided when reading.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.db.models import Q

from cercle.core.events import subscribe
from cercle.documents.models import Document, DocumentUse
from cercle.posts.events import CommentEdited, CommentPublished, PostEdited, PostPublished
from cercle.posts.models import Comment, Post

MAX_USES = 20  # links to documents kept per post or comment


@cache
def _link() -> re.Pattern[str]:
    """``href="/documents/12/"``, relative or on this site, in rendered HTML."""
    site = re.escape(settings.CERCLE_SITE_URL)
    return re.compile(rf'href="(?:{site})?/documents/(\d{{1,18}})/"')


def linked_ids(body_html: str) -> list[int]:
    """The documents ``body_html`` links to, in order, once each."""
    ids = dict.fromkeys(int(found) for found in _link().findall(body_html))
    return list(ids)[:MAX_USES]


def sync(post: Post, comment: Comment | None, body_html: str) -> None:
    """Keep the uses of ``post`` (or of its ``comment``) equal to its links."""
    wanted = set(Document.objects.filter(pk__in=linked_ids(body_html)).values_list("pk", flat=True))
    mine = DocumentUse.objects.filter(post=post).filter(
        Q(comment=comment) if comment is not None else Q(comment__isnull=True)
    )
    existing = set(mine.values_list("document_id", flat=True))
    if existing - wanted:
        mine.filter(document_id__in=existing - wanted).delete()
    DocumentUse.objects.bulk_create(
        [DocumentUse(document_id=pk, post=post, comment=comment) for pk in wanted - existing],
        ignore_conflicts=True,
    )


@subscribe(PostPublished)
def _post_published(event: PostPublished) -> None:
    if "/documents/" in event.post.body_html:
        sync(event.post, None, event.post.body_html)


@subscribe(PostEdited)
def _post_edited(event: PostEdited) -> None:
    sync(event.post, None, event.post.body_html)


@subscribe(CommentPublished)
def _comment_published(event: CommentPublished) -> None:
    comment = event.comment
    if "/documents/" in comment.body_html:
        sync(comment.post, comment, comment.body_html)


@subscribe(CommentEdited)
def _comment_edited(event: CommentEdited) -> None:
    sync(event.comment.post, event.comment, event.comment.body_html)
