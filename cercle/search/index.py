"""Keeping the search index in step with the content, in the same transaction.

The write services call these functions after they change a post, a comment
or a community (``cercle.posts.services``, ``cercle.communities.services``):
the index row is written in the service's own transaction, so a search never
sees a post that was rolled back, and sees an edit as soon as it is committed.
Deletions need nothing: index rows cascade with what they describe.
``rebuild()`` (``cercle reindex``) recomputes everything.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from html import unescape
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from cercle.communities.models import Community
from cercle.documents.models import Document, DocumentPage
from cercle.posts.models import SUBJECT_KINDS, Attachment, Comment, Post
from cercle.search.models import EntryKind, SearchEntry
from cercle.search.text import PAGE_BREAK, document_terms, index_terms

# The text of a document kept for snippets (its stems are bounded in ``document_terms``).
MAX_DOCUMENT_TEXT = 300_000


def plain(html: str) -> str:
    """The text a reader sees in rendered HTML."""
    return " ".join(unescape(strip_tags(html)).split())


def _post_fields(post: Post, file_names: Iterable[str]) -> dict[str, Any]:
    text = " ".join([plain(post.body_html), *file_names]).strip()
    terms_fr, terms_en = index_terms(text)
    return {
        "post_id": post.pk,
        "comment_id": None,
        "community_id": post.community_id,
        "person_id": post.author_id,
        "created_at": post.created_at,
        "title": "",
        "text": text,
        "terms_fr": terms_fr,
        "terms_en": terms_en,
    }


def _comment_fields(comment: Comment, file_names: Iterable[str]) -> dict[str, Any]:
    text = " ".join([plain(comment.body_html), *file_names]).strip()
    terms_fr, terms_en = index_terms(text)
    return {
        "post_id": comment.post_id,
        "comment_id": comment.pk,
        "community_id": comment.post.community_id,
        "person_id": comment.author_id,
        "created_at": comment.created_at,
        "title": "",
        "text": text,
        "terms_fr": terms_fr,
        "terms_en": terms_en,
    }


def _community_fields(community: Community) -> dict[str, Any]:
    text = " ".join([community.name, community.description]).strip()
    terms_fr, terms_en = index_terms(text)
    return {
        "post_id": None,
        "comment_id": None,
        "community_id": community.pk,
        "person_id": None,
        "created_at": community.created_at,
        "title": community.name,
        "text": community.description,
        "terms_fr": terms_fr,
        "terms_en": terms_en,
    }


def _document_fields(document: Document, pages: Iterable[str]) -> dict[str, Any]:
    body = PAGE_BREAK.join(text.replace(PAGE_BREAK, " ") for text in pages)[:MAX_DOCUMENT_TEXT]
    current = document.current
    name = current.name if current is not None and current.name != document.title else ""
    heading = " ".join([document.title, name, document.description])
    # fold() drops control characters, the page break among them: words must not join.
    terms_fr, terms_en = document_terms(f"{heading}\n{body.replace(PAGE_BREAK, chr(10))}")
    return {
        "post_id": None,
        "comment_id": None,
        "document_id": document.pk,
        "community_id": document.community_id,
        "person_id": document.created_by_id,
        "created_at": document.created_at,
        "title": document.title[:300],
        "text": body,
        "terms_fr": terms_fr,
        "terms_en": terms_en,
    }


def _page_texts(version_ids: list[int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    rows = DocumentPage.objects.filter(version_id__in=version_ids).order_by("version_id", "number")
    for version_id, text in rows.values_list("version_id", "text"):
        texts.setdefault(version_id, []).append(text)
    return texts


def index_document(document: Document) -> None:
    """(Re)index a document: its title, description, file name and current version's text."""
    current_id = document.current_id
    pages = _page_texts([current_id]).get(current_id, []) if current_id else []
    _save(EntryKind.DOCUMENT, document.pk, _document_fields(document, pages))


def _save(kind: EntryKind, object_id: int, fields: dict[str, Any]) -> None:
    SearchEntry.objects.update_or_create(kind=kind, object_id=object_id, defaults=fields)


def post_moved(post: Post) -> None:
    """The post and its comments now belong to ``post.community`` (the search filter)."""
    SearchEntry.objects.filter(post=post).update(community_id=post.community_id)


def index_post(post: Post, *, new_files: Iterable[str] | None = None) -> None:
    """(Re)index a post: its text and the names of its files.

    ``new_files``: the post was just created with these files (one INSERT).
    A subject's post (a library document's) has no text of its own: its
    object is indexed, and its comments are.
    """
    if post.kind in SUBJECT_KINDS:
        return
    if new_files is not None:
        SearchEntry.objects.create(
            kind=EntryKind.POST, object_id=post.pk, **_post_fields(post, new_files)
        )
        return
    files = post.attachments.filter(comment__isnull=True).values_list("name", "text")
    _save(EntryKind.POST, post.pk, _post_fields(post, _file_words(files)))


def index_comment(comment: Comment, *, new_files: Iterable[str] | None = None) -> None:
    """(Re)index a comment (``new_files``: just created with these files)."""
    if new_files is not None:
        SearchEntry.objects.create(
            kind=EntryKind.COMMENT, object_id=comment.pk, **_comment_fields(comment, new_files)
        )
        return
    files = comment.attachments.values_list("name", "text")
    _save(EntryKind.COMMENT, comment.pk, _comment_fields(comment, _file_words(files)))


def _file_words(files: Iterable[tuple[str, str]]) -> list[str]:
    """What a post's or comment's files add to its text: each name, then what it says."""
    return [part for name, text in files for part in (name, text) if part]


def attachment_read(attachment: Attachment) -> None:
    """Index again the post or comment a file belongs to, with the text read inside it."""
    if attachment.comment_id is not None:
        comment = Comment.objects.select_related("post").filter(pk=attachment.comment_id).first()
        if comment is not None:
            index_comment(comment)
    else:
        post = Post.objects.filter(pk=attachment.post_id).first()
        if post is not None:
            index_post(post)


def index_community(community: Community) -> None:
    _save(EntryKind.COMMUNITY, community.pk, _community_fields(community))


def _in_time_order(queryset: QuerySet[Any], size: int) -> Iterator[list[Any]]:
    """``queryset`` in (created_at, pk) order, ``size`` rows at a time (keyset pages)."""
    ordered = queryset.order_by("created_at", "pk")
    batch = list(ordered[:size])
    while batch:
        yield batch
        last = batch[-1]
        after = Q(created_at__gt=last.created_at) | Q(created_at=last.created_at, pk__gt=last.pk)
        batch = list(ordered.filter(after)[:size])


def _entries(
    kind: EntryKind,
    queryset: QuerySet[Any],
    fields_of: Callable[[Any, dict[int, list[str]]], dict[str, Any]],
    size: int,
) -> Iterator[SearchEntry]:
    for batch in _in_time_order(queryset, size):
        files = _file_names(kind, [obj.pk for obj in batch])
        for obj in batch:
            yield SearchEntry(kind=kind, object_id=obj.pk, **fields_of(obj, files))


def rebuild(*, progress: Callable[[str, int, int], None] | None = None, size: int = 2000) -> int:
    """Recompute the whole index; returns the number of entries written.

    Posts, comments and communities are written merged in time order, so
    that entry ids follow ``created_at`` as they do when content is written
    live: search takes "the newest matches" by id (``engine.window``).
    """
    plans: list[tuple[EntryKind, QuerySet[Any], Callable[[Any, dict[int, list[str]]], Any]]] = [
        (
            EntryKind.POST,
            Post.objects.all(),
            lambda post, files: _post_fields(post, files.get(post.pk, [])),
        ),
        (
            EntryKind.COMMENT,
            Comment.objects.select_related("post"),
            lambda comment, files: _comment_fields(comment, files.get(comment.pk, [])),
        ),
        (EntryKind.COMMUNITY, Community.objects.all(), lambda c, files: _community_fields(c)),
        (
            EntryKind.DOCUMENT,
            Document.objects.select_related("current"),
            lambda document, texts: _document_fields(document, texts.get(document.pk, [])),
        ),
    ]
    written = 0
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        total = sum(queryset.count() for _kind, queryset, _fields in plans)
        merged = heapq.merge(
            *(_entries(kind, qs, fields_of, size) for kind, qs, fields_of in plans),
            key=lambda entry: entry.created_at,
        )
        for batch in itertools.batched(merged, size):
            SearchEntry.objects.bulk_create(batch)
            written += len(batch)
            if progress is not None:
                progress(str(_("Search index")), written, total)
    return written


def _file_names(kind: EntryKind, ids: list[int]) -> dict[int, list[str]]:
    """The names and text of the files of these posts or comments; a document's text by its id."""
    if kind == EntryKind.DOCUMENT:
        current = dict(
            Document.objects.filter(pk__in=ids, current__isnull=False).values_list(
                "pk", "current_id"
            )
        )
        texts = _page_texts(list(current.values()))
        return {pk: texts.get(version_id, []) for pk, version_id in current.items()}
    if kind == EntryKind.POST:
        rows = Attachment.objects.filter(post_id__in=ids, comment__isnull=True).values_list(
            "post_id", "name", "text"
        )
    elif kind == EntryKind.COMMENT:
        rows = Attachment.objects.filter(comment_id__in=ids).values_list(
            "comment_id", "name", "text"
        )
    else:
        return {}
    names: dict[int, list[str]] = {}
    for owner, name, text in rows.order_by("created_at", "id"):
        if owner is not None:
            names.setdefault(owner, []).extend(_file_words([(name, text)]))
    return names
