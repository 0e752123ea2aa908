"""What happens to conversations, for whoever subscribes (``cercle.core.events``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cercle.accounts.models import User
from cercle.communities.models import Community
from cercle.core.events import Event
from cercle.posts.models import Attachment, Comment, Hashtag, Post


@dataclass(frozen=True, eq=False)
class PostPublished(Event):
    post: Post
    mentioned: list[User] = field(default_factory=list)
    hashtags: list[Hashtag] = field(default_factory=list)
    praised: list[User] = field(default_factory=list)
    file_names: list[str] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class PostResurfaced(Event):
    """A subject's post (``SUBJECT_KINDS``) came up again: at the top of the feeds."""

    post: Post
    actor: User


@dataclass(frozen=True, eq=False)
class PostEdited(Event):
    post: Post
    actor: User
    newly_mentioned: list[User] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class PostHidden(Event):
    post: Post
    actor: User


@dataclass(frozen=True, eq=False)
class PostMoved(Event):
    post: Post
    actor: User
    community: Community


@dataclass(frozen=True, eq=False)
class CommentPublished(Event):
    comment: Comment
    mentioned: list[User] = field(default_factory=list)
    file_names: list[str] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class CommentEdited(Event):
    comment: Comment
    actor: User
    newly_mentioned: list[User] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class Reacted(Event):
    actor: User
    post: Post
    comment: Comment | None = None


@dataclass(frozen=True, eq=False)
class AttachmentRead(Event):
    """The text inside a file of a post or comment was read (``cercle.posts.reading``)."""

    attachment: Attachment
