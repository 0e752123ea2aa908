"""Conversation endpoints: posts, comments, reactions, files, hashtags, profile streams.

Reads go through ``cercle.posts.selectors`` (which apply the visibility
policy), writes through ``cercle.posts.services``: a post, comment or file
the caller may not see answers 404 exactly like a missing one.  Lists of
posts are keyset-paginated (``cursor`` / ``next_cursor``) and cost a constant
number of queries whatever their length.

Posts and comments are created with ``multipart/form-data`` (so files can
travel with the text); edits take JSON.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from cercle.accounts import selectors as people_selectors
from cercle.accounts.api import PersonOut
from cercle.accounts.models import User
from cercle.api.errors import fields_renamed
from cercle.api.schema import PathId
from cercle.communities import selectors as community_selectors
from cercle.communities.models import Community
from cercle.core.http import viewer_of
from cercle.core.images import too_large
from cercle.follows import selectors as follow_selectors
from cercle.follows import services as follow_services
from cercle.posts import cards, composer, selectors, services
from cercle.posts.files import attachment_response
from cercle.posts.lookups import attachment_of, comment_of, hashtag_of, post_of
from cercle.posts.models import Comment, Emoji, Hashtag, Post
from cercle.posts.schemas import (
    CommentEditIn,
    CommentForm,
    CommentOut,
    HashtagOut,
    PostEditIn,
    PostForm,
    PostHideIn,
    PostMoveIn,
    PostOut,
    PostPageOut,
    PostPageQuery,
    ReactionOut,
)

router = Router(tags=["posts"])


# --- Helpers ------------------------------------------------------------------


def _load_people(people: Iterable[User | None]) -> None:
    """Fetch the department and region ``PersonOut`` shows, for all people at once.

    The selectors load what the HTML cards need; the API also shows the
    region, and without this each person would cost a query or two.
    """
    prefetch_related_objects([p for p in people if p is not None], "department", "region")


def stream_out(
    viewer: User,
    query: PostPageQuery,
    *,
    community: Community | None = None,
    author: User | None = None,
    hashtag: Hashtag | None = None,
) -> PostPageOut:
    """One page of a stream, as cards (``selectors.stream``)."""
    if query.cursor and selectors.Cursor.decode(query.cursor) is None:
        raise ValidationError({"cursor": [_("This cursor is not valid.")]})
    page = selectors.stream(
        viewer=viewer,
        community=community,
        author=author,
        hashtag=hashtag,
        cursor=query.cursor,
        limit=query.limit,
    )
    return PostPageOut.model_validate(
        {"items": [card.fields for card in page.items], "next_cursor": page.next_cursor}
    )


def _post_out(request: HttpRequest, post_id: PathId) -> PostOut:
    card = selectors.post_card(viewer=viewer_of(request), post=post_of(request, post_id))
    return PostOut.model_validate(card.fields)


def _comments(request: HttpRequest, post: Post) -> list[Comment]:
    comments = selectors.comments_for(viewer=viewer_of(request), post=post)
    everyone: list[User | None] = []
    for comment in comments:
        everyone.append(comment.author)
        everyone.extend(r.author for r in getattr(comment, "reply_list", []))
    _load_people(everyone)
    return comments


def _comment_out(request: HttpRequest, post_id: PathId, comment_id: PathId) -> CommentOut:
    """One comment, as the list shows it (permissions, reactions and replies included)."""
    for comment in _comments(request, post_of(request, post_id)):
        for item in (comment, *getattr(comment, "reply_list", [])):
            if item.pk == comment_id:
                return CommentOut.from_comment(item)
    raise Http404


def _comment_reactions(request: HttpRequest, comment: Comment) -> list[ReactionOut]:
    return _comment_out(request, comment.post_id, comment.pk).reactions


def _uploads(request: HttpRequest, files: list[UploadedFile] | None) -> list[services.Upload]:
    """Read the uploaded files, refusing an oversized one before it is read into memory.

    A ``files`` part sent as text (no file name) is refused rather than ignored:
    the sender believes a file travelled.
    """
    if "files" in request.POST:
        raise ValidationError(
            {"files": [_("Send each file as a file part of the form, with its file name.")]}
        )
    limit = settings.CERCLE_MAX_ATTACHMENT_BYTES
    uploads = []
    for upload in files or []:
        if upload.size is not None and upload.size > limit:
            raise HttpError(413, " ".join(too_large(upload.size, limit).messages))
        uploads.append(
            services.Upload(
                name=upload.name or "file",
                data=upload.read(),
                content_type=upload.content_type or "",
            )
        )
    return uploads


# --- Posts --------------------------------------------------------------------


@router.post(
    "/posts",
    response={201: PostOut, 200: PostOut},
    summary="Publish a post",
    description=(
        "Send `multipart/form-data` (fields below, plus any number of `files`). "
        "Leave `community` out to post on your profile; `praised` (repeatable) makes "
        "a praise post; `shared_post_id` shares another post. With a `client_token` "
        "already used, nothing is created and the answer is the first post exactly as "
        "`GET /posts/{id}` gives it now (200), or 404 if you may no longer see it."
    ),
)
def create_post(
    request: HttpRequest,
    data: Form[PostForm],
    files: File[list[UploadedFile] | None] = None,
) -> Status[PostOut]:
    viewer = viewer_of(request)
    earlier = selectors.replayed_post_id(viewer=viewer, client_token=data.client_token)
    if earlier is not None:  # a replay: whatever was sent this time is not looked at
        return Status(200, _post_out(request, earlier))
    with fields_renamed(shared_post="shared_post_id"):
        # What the post names first: a wrong name is told before any file is read.
        named = composer.targets(
            viewer=viewer,
            community=data.community or "",
            praised_ids=data.praised,
            shared_post_id=data.shared_post_id,
        )
        uploads = _uploads(request, files)
        published = services.post_publish(
            author=viewer,
            body=data.body,
            community=named.community,
            uploads=uploads,
            client_token=data.client_token,
            praised=named.praised,
            shared_post=named.shared_post,
        )
    if not published.created:  # the same token sent twice at once: as a replay
        return Status(200, _post_out(request, published.item.pk))
    # The author's own new post: read as a card (cercle.posts.cards), the hot
    # path's way, without re-checking what the service just allowed in this
    # request; nobody has reacted to it yet.
    card = cards.cards(
        viewer,
        [published.item.pk],
        just_created=True,
        bare=not uploads and not named.praised and named.shared_post is None,
    )[0]
    return Status(201, PostOut.model_validate(card.fields))


@router.get("/posts/{post_id}", response=PostOut, summary="A post")
def get_post(request: HttpRequest, post_id: PathId) -> PostOut:
    return _post_out(request, post_id)


@router.patch("/posts/{post_id}", response=PostOut, summary="Edit my post's text")
def edit_post(request: HttpRequest, post_id: PathId, payload: PostEditIn) -> PostOut:
    services.post_edit(actor=viewer_of(request), post=post_of(request, post_id), body=payload.body)
    return _post_out(request, post_id)


@router.delete("/posts/{post_id}", response={204: None}, summary="Delete a post")
def delete_post(request: HttpRequest, post_id: PathId) -> Status[None]:
    services.post_delete(actor=viewer_of(request), post=post_of(request, post_id))
    return Status(204, None)


@router.post("/posts/{post_id}/pin", response=PostOut, summary="Pin a post in its community")
def pin_post(request: HttpRequest, post_id: PathId) -> PostOut:
    services.post_pin(actor=viewer_of(request), post=post_of(request, post_id), pinned=True)
    return _post_out(request, post_id)


@router.post("/posts/{post_id}/unpin", response=PostOut, summary="Unpin a post")
def unpin_post(request: HttpRequest, post_id: PathId) -> PostOut:
    services.post_pin(actor=viewer_of(request), post=post_of(request, post_id), pinned=False)
    return _post_out(request, post_id)


@router.post(
    "/posts/{post_id}/hide",
    response=PostOut,
    summary="Hide a post (moderators)",
    description=(
        "The post leaves every list but its author's; its author is notified. "
        "Community managers may hide their community's posts, site administrators any post."
    ),
)
def hide_post(request: HttpRequest, post_id: PathId, payload: PostHideIn) -> PostOut:
    services.post_hide(
        actor=viewer_of(request), post=post_of(request, post_id), reason=payload.reason
    )
    return _post_out(request, post_id)


@router.post("/posts/{post_id}/restore", response=PostOut, summary="Show a hidden post again")
def restore_post(request: HttpRequest, post_id: PathId) -> PostOut:
    services.post_restore(actor=viewer_of(request), post=post_of(request, post_id))
    return _post_out(request, post_id)


@router.post(
    "/posts/{post_id}/move",
    response=PostOut,
    summary="Move a post to another community",
    description=(
        "Its author or a moderator of its community may move it, to a community where "
        "both may post. Its readers become the new community's at once."
    ),
)
def move_post(request: HttpRequest, post_id: PathId, payload: PostMoveIn) -> PostOut:
    viewer = viewer_of(request)
    post = post_of(request, post_id)
    community = community_selectors.community_get(viewer=viewer, slug=payload.community)
    if community is None:
        raise ValidationError({"community": [_("No such community.")]})
    services.post_move(actor=viewer, post=post, community=community)
    return _post_out(request, post_id)


# --- Comments -----------------------------------------------------------------


@router.get(
    "/posts/{post_id}/comments",
    response=list[CommentOut],
    summary="A post's comments, oldest first, each with its replies",
)
def list_comments(request: HttpRequest, post_id: PathId) -> list[CommentOut]:
    post = post_of(request, post_id)
    return [CommentOut.from_comment(c) for c in _comments(request, post)]


@router.post(
    "/posts/{post_id}/comments",
    response={201: CommentOut, 200: CommentOut},
    summary="Comment on a post, or reply to a comment",
    description=(
        "Send `multipart/form-data`: the fields below plus any number of `files`. With a "
        "`client_token` already used, nothing is created and the answer is that comment "
        "as its post's comment list gives it now (200), or 404 if you may no longer see it."
    ),
)
def create_comment(
    request: HttpRequest,
    post_id: PathId,
    data: Form[CommentForm],
    files: File[list[UploadedFile] | None] = None,
) -> Status[CommentOut]:
    earlier = selectors.replayed_comment(viewer=viewer_of(request), client_token=data.client_token)
    if earlier is not None:  # a replay: whatever was sent this time is not looked at
        return Status(200, _comment_out(request, *earlier))
    post = post_of(request, post_id)
    parent = None
    if data.parent_id is not None:
        parent = selectors.comment_get(viewer=viewer_of(request), comment_id=data.parent_id)
        if parent is None:
            raise ValidationError({"parent_id": [_("No such comment.")]})
    published = services.comment_publish(
        author=viewer_of(request),
        post=post,
        body=data.body,
        parent=parent,
        uploads=_uploads(request, files),
        client_token=data.client_token,
    )
    comment = published.item
    return Status(
        201 if published.created else 200, _comment_out(request, comment.post_id, comment.pk)
    )


@router.patch("/comments/{comment_id}", response=CommentOut, summary="Edit my comment")
def edit_comment(request: HttpRequest, comment_id: PathId, payload: CommentEditIn) -> CommentOut:
    comment = comment_of(request, comment_id)
    services.comment_edit(actor=viewer_of(request), comment=comment, body=payload.body)
    return _comment_out(request, comment.post_id, comment.pk)


@router.delete(
    "/comments/{comment_id}", response={204: None}, summary="Delete a comment and its replies"
)
def delete_comment(request: HttpRequest, comment_id: PathId) -> Status[None]:
    services.comment_delete(actor=viewer_of(request), comment=comment_of(request, comment_id))
    return Status(204, None)


# --- Reactions ----------------------------------------------------------------


@router.put(
    "/posts/{post_id}/reactions/{emoji}",
    response=list[ReactionOut],
    summary="React to a post (repeating is harmless)",
)
def react_to_post(request: HttpRequest, post_id: PathId, emoji: Emoji) -> list[ReactionOut]:
    services.reaction_set(
        user=viewer_of(request), post=post_of(request, post_id), emoji=emoji, on=True
    )
    return _post_out(request, post_id).reactions


@router.delete(
    "/posts/{post_id}/reactions/{emoji}",
    response=list[ReactionOut],
    summary="Take back my reaction to a post",
)
def unreact_to_post(request: HttpRequest, post_id: PathId, emoji: Emoji) -> list[ReactionOut]:
    services.reaction_set(
        user=viewer_of(request), post=post_of(request, post_id), emoji=emoji, on=False
    )
    return _post_out(request, post_id).reactions


@router.get(
    "/posts/{post_id}/reactions/{emoji}",
    response=list[PersonOut],
    summary="Who reacted to a post with this emoji",
)
def post_reactors(request: HttpRequest, post_id: PathId, emoji: Emoji) -> list[PersonOut]:
    people = selectors.reactors(
        viewer=viewer_of(request), post=post_of(request, post_id), emoji=emoji
    )
    _load_people(people)
    return [PersonOut.from_user(p) for p in people]


@router.put(
    "/comments/{comment_id}/reactions/{emoji}",
    response=list[ReactionOut],
    summary="React to a comment (repeating is harmless)",
)
def react_to_comment(request: HttpRequest, comment_id: PathId, emoji: Emoji) -> list[ReactionOut]:
    comment = comment_of(request, comment_id)
    services.reaction_set(
        user=viewer_of(request), post=comment.post, comment=comment, emoji=emoji, on=True
    )
    return _comment_reactions(request, comment)


@router.delete(
    "/comments/{comment_id}/reactions/{emoji}",
    response=list[ReactionOut],
    summary="Take back my reaction to a comment",
)
def unreact_to_comment(request: HttpRequest, comment_id: PathId, emoji: Emoji) -> list[ReactionOut]:
    comment = comment_of(request, comment_id)
    services.reaction_set(
        user=viewer_of(request), post=comment.post, comment=comment, emoji=emoji, on=False
    )
    return _comment_reactions(request, comment)


# --- Files --------------------------------------------------------------------


@router.get(
    "/files/{attachment_id}",
    url_name="attachment_file",
    summary="Download an attachment",
    description="Always sent as a download under its stored name; thumbnails are inline.",
)
def download_file(request: HttpRequest, attachment_id: PathId) -> FileResponse:
    return attachment_response(attachment_of(request, attachment_id), thumbnail=False)


@router.get(
    "/files/{attachment_id}/thumbnail",
    url_name="attachment_thumbnail",
    summary="An image attachment's thumbnail",
)
def download_thumbnail(request: HttpRequest, attachment_id: PathId) -> FileResponse:
    return attachment_response(attachment_of(request, attachment_id), thumbnail=True)


# --- Hashtags and profile streams ---------------------------------------------


@router.get("/hashtags/{key}/posts", response=PostPageOut, summary="Posts carrying a #hashtag")
def hashtag_posts(request: HttpRequest, key: str, query: Query[PostPageQuery]) -> PostPageOut:
    return stream_out(viewer_of(request), query, hashtag=hashtag_of(request, key))


@router.put("/hashtags/{key}/follow", response=HashtagOut, summary="Follow a #hashtag")
def follow_hashtag(request: HttpRequest, key: str) -> HashtagOut:
    hashtag = hashtag_of(request, key)
    follow_services.hashtag_follow(user=viewer_of(request), hashtag=hashtag)
    return HashtagOut.from_hashtag(
        hashtag,
        following=follow_selectors.follows_hashtag(user=viewer_of(request), hashtag=hashtag),
    )


@router.delete("/hashtags/{key}/follow", response=HashtagOut, summary="Stop following a #hashtag")
def unfollow_hashtag(request: HttpRequest, key: str) -> HashtagOut:
    hashtag = hashtag_of(request, key)
    follow_services.hashtag_unfollow(user=viewer_of(request), hashtag=hashtag)
    return HashtagOut.from_hashtag(
        hashtag,
        following=follow_selectors.follows_hashtag(user=viewer_of(request), hashtag=hashtag),
    )


@router.get(
    "/people/{user_id}/posts",
    response=PostPageOut,
    summary="A person's posts and the praise they received",
)
def person_posts(request: HttpRequest, user_id: PathId, query: Query[PostPageQuery]) -> PostPageOut:
    person = people_selectors.person_get(viewer=viewer_of(request), user_id=user_id)
    if person is None:
        raise Http404
    return stream_out(viewer_of(request), query, author=person)
