"""Request and response shapes of the conversation API (see ``cercle.posts.api``)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from cercle.accounts.api import PersonOut
from cercle.api.schema import Id, In, Out
from cercle.communities.models import Community
from cercle.posts import selectors
from cercle.posts.models import Attachment, Comment, Hashtag, Reactions


class CommunityRefOut(Out):
    slug: str
    name: str
    kind: str
    url: str = Field(description="The community's page.")

    @staticmethod
    def from_community(community: Community) -> CommunityRefOut:
        return CommunityRefOut(
            slug=community.slug,
            name=community.name,
            kind=community.kind,
            url=community.get_absolute_url(),
        )


class AttachmentOut(Out):
    id: int
    name: str
    kind: str
    content_type: str
    size: int
    url: str
    thumbnail_url: str | None

    @staticmethod
    def from_attachment(attachment: Attachment) -> AttachmentOut:
        return AttachmentOut(
            id=attachment.pk,
            name=attachment.name,
            kind=attachment.kind,
            content_type=attachment.content_type,
            size=attachment.size,
            url=reverse("api:attachment_file", args=[attachment.pk]),
            thumbnail_url=(
                reverse("api:attachment_thumbnail", args=[attachment.pk])
                if attachment.thumbnail
                else None
            ),
        )


class ReactionOut(Out):
    emoji: str
    symbol: str
    label: str
    count: int
    mine: bool

    @staticmethod
    def from_summary(summary: Reactions) -> ReactionOut:
        return ReactionOut(
            emoji=summary.emoji,
            symbol=summary.symbol,
            label=summary.label,
            count=summary.count,
            mine=summary.mine,
        )


class PostPermissionsOut(Out):
    edit: bool
    delete: bool
    pin: bool
    comment: bool = Field(description="Comment, react and share.")
    hide: bool = Field(description="Hide it from everyone but its author, or restore it.")
    move: bool = Field(description="Move it to another community.")


class PostDocumentOut(Out):
    """The library document a post of kind ``document`` stands for (its feed item)."""

    id: int
    title: str
    description: str
    reference: str = Field(description='"template", "reference" or "" (ordinary).')
    folder: str | None = Field(description="The name of its folder; null at the top.")
    version: int | None = Field(description="The current version's number.")
    version_count: int
    versions_since: int = Field(
        description="Versions added since the post last came up in the feeds (a burst of saves)."
    )
    restored_from: int | None = Field(description="The version the current one restored.")
    name: str | None = Field(description="The current version's file name.")
    kind: str | None
    size: int | None
    note: str | None = Field(description="What changed in the current version.")
    changed_by: PersonOut | None = Field(description="Who uploaded the current version.")
    changed_at: datetime | None
    url: str = Field(description="The document's page.")
    file_url: str | None = Field(description="The current version's file.")
    preview_url: str | None = Field(description="A picture of its first page, once made.")


class PostDocumentLinkOut(Out):
    """A library document a post links to: it opens at its current version."""

    id: int
    title: str
    version: int | None
    name: str | None
    kind: str | None
    size: int | None
    url: str = Field(description="The document's page.")
    file_url: str | None = Field(description="The current version's file.")


class SharedPostOut(Out):
    """The original of a share (its own reactions and comments live on its page)."""

    id: int
    kind: str
    author: PersonOut | None = Field(description="null when the author's account was deleted.")
    community: CommunityRefOut | None
    body: str = Field(description="Markdown source.")
    body_html: str = Field(description="Rendered and sanitised.")
    created_at: datetime
    edited_at: datetime | None
    attachments: list[AttachmentOut]
    praised: list[PersonOut]
    url: str
    document: PostDocumentOut | None = Field(
        None, description='The library document of a post of kind "document".'
    )
    documents: list[PostDocumentLinkOut] = Field(
        default_factory=list,
        description="Library documents its text links to, among those the reader may see.",
    )


class PostOut(SharedPostOut):
    """A post card (``cercle.posts.cards``): built from ``Card.fields``."""

    pinned: bool
    hidden_at: datetime | None = Field(
        description="Set when a moderator hid the post: only its author and the moderators see it."
    )
    hidden_reason: str = Field(description="What the moderator told the author, if anything.")
    comment_count: int
    reactions: list[ReactionOut]
    shared_post: SharedPostOut | None = Field(
        description="The original of a share; null for other posts or a deleted original."
    )
    permissions: PostPermissionsOut


class PostPageOut(Out):
    items: list[PostOut]
    next_cursor: str | None = Field(description="Pass it as `cursor` for the next page.")


class PostPageQuery(In):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(selectors.PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE)


class PostForm(In):
    body: str = Field("", description="Markdown. Optional with files, praise or a share.")
    # Form fields have no null: an optional one is left out (``SkipJsonSchema``
    # keeps ``null`` out of the documented schema, where clients would send "null").
    community: str | SkipJsonSchema[None] = Field(
        None, min_length=1, description="Slug; leave out to post on my profile."
    )
    praised: list[Id] = Field(
        default_factory=list, description="Ids of colleagues to thank (a praise post)."
    )
    shared_post_id: Id | SkipJsonSchema[None] = Field(None, description="Share this post.")
    client_token: str = Field("", description="Sending the same token twice creates one post.")


class PostEditIn(In):
    body: str


class PostHideIn(In):
    reason: str = Field("", description="Shown to the author (200 characters at most).")


class PostMoveIn(In):
    community: str = Field(description="The destination community's slug.")


class CommentPermissionsOut(Out):
    edit: bool
    delete: bool


class ReplyOut(Out):
    id: int
    post_id: int
    parent_id: int | None
    author: PersonOut | None
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    attachments: list[AttachmentOut]
    reactions: list[ReactionOut]
    permissions: CommentPermissionsOut

    @staticmethod
    def fields_of(comment: Comment) -> dict[str, object]:
        """Fields of a comment prepared by ``selectors.comments_for``."""
        return {
            "id": comment.pk,
            "post_id": comment.post_id,
            "parent_id": comment.parent_id,
            "author": PersonOut.from_user(comment.author) if comment.author else None,
            "body": comment.body,
            "body_html": comment.body_html,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
            "attachments": [AttachmentOut.from_attachment(a) for a in comment.attachments.all()],
            "reactions": [
                ReactionOut.from_summary(r) for r in getattr(comment, "reaction_summary", [])
            ],
            "permissions": CommentPermissionsOut(**comment.permissions.as_dict()),
        }


class CommentOut(ReplyOut):
    replies: list[ReplyOut]

    @staticmethod
    def from_comment(comment: Comment) -> CommentOut:
        return CommentOut.model_validate(
            {
                **ReplyOut.fields_of(comment),
                "replies": [
                    ReplyOut.model_validate(ReplyOut.fields_of(r))
                    for r in getattr(comment, "reply_list", [])
                ],
            }
        )


class CommentForm(In):
    body: str = Field("", description="Markdown. Optional with files.")
    parent_id: Id | SkipJsonSchema[None] = Field(None, description="Reply to this comment.")
    client_token: str = Field("", description="Sending the same token twice creates one comment.")


class CommentEditIn(In):
    body: str


class HashtagOut(Out):
    key: str
    name: str
    following: bool
    url: str

    @staticmethod
    def from_hashtag(hashtag: Hashtag, *, following: bool) -> HashtagOut:
        return HashtagOut(
            key=hashtag.key,
            name=hashtag.name,
            following=following,
            url=hashtag.get_absolute_url(),
        )
