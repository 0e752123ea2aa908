"""The search index follows what the domain publishes (``cercle.core.events``).

Indexing runs inside the writer's transaction: a post and its index entry
commit, or roll back, together.
"""

from __future__ import annotations

from cercle.communities.events import CommunityChanged
from cercle.core.events import subscribe
from cercle.documents.events import DocumentChanged, VersionAdded, VersionRead
from cercle.posts.events import (
    AttachmentRead,
    CommentEdited,
    CommentPublished,
    PostEdited,
    PostMoved,
    PostPublished,
)
from cercle.search import index


@subscribe(PostPublished)
def _post_published(event: PostPublished) -> None:
    index.index_post(event.post, new_files=event.file_names)


@subscribe(PostEdited)
def _post_edited(event: PostEdited) -> None:
    index.index_post(event.post)


@subscribe(PostMoved)
def _post_moved(event: PostMoved) -> None:
    index.post_moved(event.post)


@subscribe(CommentPublished)
def _comment_published(event: CommentPublished) -> None:
    index.index_comment(event.comment, new_files=event.file_names)


@subscribe(CommentEdited)
def _comment_edited(event: CommentEdited) -> None:
    index.index_comment(event.comment)


@subscribe(CommunityChanged)
def _community_changed(event: CommunityChanged) -> None:
    index.index_community(event.community)


@subscribe(VersionAdded)
def _version_added(event: VersionAdded) -> None:
    # Found by its name at once; by its text once read (VersionRead).
    index.index_document(event.document)


@subscribe(VersionRead)
def _version_read(event: VersionRead) -> None:
    document = event.version.document
    if document.current_id == event.version.pk:
        index.index_document(document)


@subscribe(DocumentChanged)
def _document_changed(event: DocumentChanged) -> None:
    index.index_document(event.document)


@subscribe(AttachmentRead)
def _attachment_read(event: AttachmentRead) -> None:
    index.attachment_read(event.attachment)
