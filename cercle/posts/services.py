"""Writes on conversations: posts, praise, shares, comments, reactions, attachments.

Each service checks the access policies, validates everything before writing,
and runs in one transaction: a failure leaves no half-written post.  A
``client_token`` sent by the composer makes a double submission return the
first post instead of creating a second one; ``post_publish`` and
``comment_publish`` say which happened (``Published.created``), so that a
caller answers a replay as a fresh read of that post would be answered,
through the visibility policy, never with what this service holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.access import Forbidden, NotFound, require
from cercle.access.communities import CommunityAction, CommunityPolicy, is_site_admin, membership_of
from cercle.access.posts import CommentAction, PostAction, PostPolicy
from cercle.accounts.models import User
from cercle.communities.models import AuditEntry, Community
from cercle.core import events, rendering
from cercle.core.errors import invalid
from cercle.core.text import clean_label, clean_text
from cercle.core.uploads import UploadKind
from cercle.posts import attachments
from cercle.posts.attachments import Upload as Upload  # in the services' signatures
from cercle.posts.events import (
    CommentEdited,
    CommentPublished,
    PostEdited,
    PostHidden,
    PostMoved,
    PostPublished,
    PostResurfaced,
    Reacted,
)
from cercle.posts.models import (
    MAX_BODY,
    MAX_HIDDEN_REASON,
    SUBJECT_KINDS,
    Attachment,
    Comment,
    Emoji,
    Hashtag,
    Mention,
    Post,
    PostHashtag,
    PostKind,
    PostRevision,
    PraiseRecipient,
    Reaction,
    clean_client_token,
)

MAX_PRAISED = 20


@dataclass(frozen=True, slots=True)
class Published[T]:
    """What a publishing service did with a submission.

    ``created`` is False when the submission's client token named an earlier
    one (a replay, or the same form sent twice at once): ``item`` is then that
    earlier post or comment as stored, which the viewer may no longer be
    allowed to see.  Answer it by reading it again as the viewer.
    """

    item: T
    created: bool


@dataclass(frozen=True, slots=True)
class _Rendered:
    html: str
    hashtags: list[Hashtag]
    mentioned: list[User]


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A text rendered, its #topics named but not yet created (that writes)."""

    html: str
    hashtag_names: list[str]
    mentioned: list[User]

    def rendered(self) -> _Rendered:
        return _Rendered(self.html, _hashtags(self.hashtag_names), self.mentioned)


def _render(body: str) -> _Rendered:
    return _prepare(body).rendered()


def _prepare(body: str) -> _Prepared:
    handles = rendering.extract_mentions(body)
    people = (
        {
            u.handle: u
            for u in User.objects.filter(handle__in=handles, is_active=True).only("pk", "handle")
        }
        if handles
        else {}
    )
    html = rendering.render(
        body,
        hashtag_url=lambda key: reverse("posts:hashtag", args=[key]),
        mention_url=lambda handle: people[handle].get_absolute_url() if handle in people else None,
    )
    return _Prepared(
        html,
        list(rendering.extract_hashtags(body)),
        [people[h] for h in handles if h in people],
    )


def _hashtags(names: Sequence[str]) -> list[Hashtag]:
    """The hashtags named, created when new (one query when they all exist)."""
    wanted: dict[str, str] = {}  # key -> the first spelling met
    for name in names:
        wanted.setdefault(rendering.hashtag_key(name), name)
    if not wanted:
        return []
    found = {tag.key: tag for tag in Hashtag.objects.filter(key__in=wanted)}
    missing = [Hashtag(key=key, name=name) for key, name in wanted.items() if key not in found]
    if missing:  # ignore_conflicts: another request may create the same tag meanwhile
        Hashtag.objects.bulk_create(missing, ignore_conflicts=True)
        found.update(
            (tag.key, tag) for tag in Hashtag.objects.filter(key__in=[m.key for m in missing])
        )
    return [found[key] for key in wanted]


def _check_body(body: str, *, required: bool) -> str:
    body = clean_text(body)
    if required and not body:
        raise invalid("body", _("Write something first."))
    if len(body) > MAX_BODY:
        raise invalid("body", _("At most %(max)d characters.") % {"max": MAX_BODY})
    return body


def _sync_tags_and_mentions(post: Post, rendered: _Rendered, *, fresh: bool = False) -> list[User]:
    """Make the post's tags and mentions those of ``rendered`` (``fresh``: it has none yet).

    Returns the people mentioned who were not before.
    """
    before: set[int] = set()
    if not fresh:
        before = set(
            Mention.objects.filter(post=post, comment__isnull=True).values_list(
                "user_id", flat=True
            )
        )
        PostHashtag.objects.filter(post=post).exclude(hashtag__in=rendered.hashtags).delete()
        Mention.objects.filter(post=post, comment__isnull=True).exclude(
            user__in=rendered.mentioned
        ).delete()
    PostHashtag.objects.bulk_create(
        [
            PostHashtag(post=post, hashtag=tag, created_at=post.created_at)
            for tag in rendered.hashtags
        ],
        ignore_conflicts=True,
    )
    Mention.objects.bulk_create(
        [Mention(post=post, user=user) for user in rendered.mentioned], ignore_conflicts=True
    )
    return [user for user in rendered.mentioned if user.pk not in before]


def _audit(actor: User, post: Post, action: str) -> None:
    community = post.community
    if community is not None and is_site_admin(actor) and membership_of(actor, community) is None:
        AuditEntry.objects.create(
            community=community, actor=actor, action=action, detail=f"post {post.pk}"
        )


def post_create(
    *,
    author: User,
    body: str,
    community: Community | None = None,
    uploads: Sequence[Upload] = (),
    client_token: str = "",
    praised: Sequence[User] = (),
    shared_post: Post | None = None,
) -> Post:
    """``post_publish``'s post, for callers that never answer a replay (demo, imports)."""
    return post_publish(
        author=author,
        body=body,
        community=community,
        uploads=uploads,
        client_token=client_token,
        praised=praised,
        shared_post=shared_post,
    ).item


def post_publish(
    *,
    author: User,
    body: str,
    community: Community | None = None,
    uploads: Sequence[Upload] = (),
    client_token: str = "",
    praised: Sequence[User] = (),
    shared_post: Post | None = None,
) -> Published[Post]:
    """Publish on the author's profile (``community=None``) or in a community.

    ``praised`` makes it a "Merci / Bravo" post thanking those colleagues;
    ``shared_post`` makes it a share of another post (the body is optional).
    A ``client_token`` the author already used returns that post, not created.

    What needs no write (checks, the Markdown, the files' types) is done
    before the transaction: on SQLite, writers wait for each other.
    """
    if not author.is_active:
        raise Forbidden
    client_token = clean_client_token(client_token)
    if client_token:
        existing = Post.objects.filter(author=author, client_token=client_token).first()
        if existing is not None:
            return Published(existing, created=False)
    if community is not None:
        require(author, CommunityAction.POST, community)
    kind = PostKind.POST
    if shared_post is not None:
        # The one sharing named the post: what is wrong with it is a field error.
        if not PostPolicy.can(author, PostAction.VIEW, shared_post):
            raise invalid("shared_post", _("No such post."))
        if not PostPolicy.can(author, PostAction.SHARE, shared_post):
            raise invalid(
                "shared_post",
                _("This post can no longer be shared: its community is archived or it was hidden."),
            )
        shared_post = shared_post.shared_post or shared_post  # share the original, not a share
        kind = PostKind.SHARE
    if praised:
        people = list({p.pk: p for p in praised}.values())
        if any(p.pk == author.pk for p in people):
            raise invalid("praised", _("You cannot thank yourself."))
        if any(not p.is_active for p in people) or len(people) > MAX_PRAISED:
            raise invalid(
                "praised", _("Choose up to %(max)d active colleagues.") % {"max": MAX_PRAISED}
            )
        kind = PostKind.PRAISE
    body = _check_body(body, required=kind == PostKind.POST and not uploads)
    classified = attachments.classify(uploads)
    prepared = _prepare(body)
    with transaction.atomic():
        return _publish(
            author=author,
            community=community,
            kind=kind,
            body=body,
            prepared=prepared,
            classified=classified,
            client_token=client_token,
            praised=praised,
            shared_post=shared_post,
        )


def _publish(
    *,
    author: User,
    community: Community | None,
    kind: str,
    body: str,
    prepared: _Prepared,
    classified: list[tuple[Upload, UploadKind]],
    client_token: str,
    praised: Sequence[User],
    shared_post: Post | None,
) -> Published[Post]:
    """``post_publish``'s writes, in its transaction."""
    rendered = prepared.rendered()
    now = timezone.now()
    post = Post(
        author=author,
        community=community,
        kind=kind,
        body=body,
        body_html=rendered.html,
        shared_post=shared_post,
        client_token=client_token,
        created_at=now,
        last_activity_at=now,
    )
    if not client_token:
        post.save()
    else:
        try:
            with transaction.atomic():
                post.save()
        except IntegrityError:  # the same client token, submitted concurrently
            return Published(
                Post.objects.get(author=author, client_token=client_token), created=False
            )
    _sync_tags_and_mentions(post, rendered, fresh=True)
    if praised:
        PraiseRecipient.objects.bulk_create(
            [PraiseRecipient(post=post, user=p) for p in {p.pk: p for p in praised}.values()]
        )
    stored = attachments.store(classified, post=post, comment=None, user=author)
    events.publish(
        PostPublished(
            post=post,
            mentioned=list(rendered.mentioned),
            hashtags=list(rendered.hashtags),
            praised=list(praised),
            file_names=[a.name for a in stored],
        )
    )
    return Published(post, created=True)


# --- Posts standing for another app's objects (SUBJECT_KINDS) ------------------
# Their app checks permissions on its object and calls these in its transaction.


def subject_post_create(*, author: User, community: Community, kind: str) -> Post:
    """The feed item and discussion of a new object (a library document)."""
    if kind not in SUBJECT_KINDS:
        raise ValueError(f"{kind!r} is not a subject kind")
    now = timezone.now()
    post = Post.objects.create(
        author=author, community=community, kind=kind, created_at=now, last_activity_at=now
    )
    events.publish(PostPublished(post=post))
    return post


def subject_post_resurface(*, post: Post, actor: User, at: datetime) -> None:
    """Lift a subject's post to the top of the feeds: its object changed ``at``."""
    Post.objects.filter(pk=post.pk).update(created_at=at, last_activity_at=at)
    post.created_at = post.last_activity_at = at
    events.publish(PostResurfaced(post=post, actor=actor))


def subject_post_delete(*, post: Post) -> None:
    """Its object is deleted: so are the post, its comments and their files."""
    attachments.delete_files(list(post.attachments.all()))
    post.delete()


@transaction.atomic
def post_edit(*, actor: User, post: Post, body: str) -> Post:
    """Change the text; the previous text is kept as a revision."""
    require(actor, PostAction.EDIT, post)
    body = _check_body(body, required=post.kind == PostKind.POST and not post.attachments.exists())
    if body == post.body:
        return post
    rendered = _render(body)
    PostRevision.objects.create(post=post, body=post.body, edited_by=actor)
    post.body, post.body_html, post.edited_at = body, rendered.html, timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    newly_mentioned = _sync_tags_and_mentions(post, rendered)
    events.publish(PostEdited(post=post, actor=actor, newly_mentioned=list(newly_mentioned)))
    return post


@transaction.atomic
def post_delete(*, actor: User, post: Post) -> None:
    require(actor, PostAction.DELETE, post)
    _audit(actor, post, "delete_post")
    attachments.delete_files(list(post.attachments.all()))
    post.delete()


@transaction.atomic
def post_pin(*, actor: User, post: Post, pinned: bool) -> Post:
    require(actor, PostAction.PIN, post)
    post.pinned_at = timezone.now() if pinned else None
    post.save(update_fields=["pinned_at"])
    _audit(actor, post, "pin" if pinned else "unpin")
    return post


@transaction.atomic
def post_hide(*, actor: User, post: Post, reason: str = "") -> Post:
    """A moderator takes ``post`` out of everyone's lists but its author's, who is told.

    The post is kept (its author may fix it; a moderator may restore it).  It
    loses its pin, and nobody can comment on it, react to it or share it.
    """
    require(actor, PostAction.HIDE, post)
    reason = clean_label(reason)
    if len(reason) > MAX_HIDDEN_REASON:
        raise invalid(
            "reason",
            _("Keep the reason under %(max)d characters.") % {"max": MAX_HIDDEN_REASON},
        )
    if post.hidden_at is not None:
        return post
    post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), actor, reason
    post.pinned_at = None
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "pinned_at"])
    _audit(actor, post, "hide_post")
    events.publish(PostHidden(post=post, actor=actor))
    return post


@transaction.atomic
def post_restore(*, actor: User, post: Post) -> Post:
    """Undo ``post_hide``: the post is back wherever it was listed."""
    require(actor, PostAction.HIDE, post)
    if post.hidden_at is None:
        return post
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _audit(actor, post, "restore_post")
    return post


@transaction.atomic
def post_move(*, actor: User, post: Post, community: Community) -> Post:
    """Move ``post`` (with its comments and files) to ``community``.

    Its author or a moderator of its community may move it, to a community
    where both the actor and the author may post.  Its audience becomes the
    new community's at once: the feeds, search and notifications of those
    who can no longer see it drop it.  The author is told when someone else
    moved it.
    """
    require(actor, PostAction.MOVE, post)
    if not CommunityPolicy.can(actor, CommunityAction.VIEW, community):
        raise invalid("community", _("No such community."))
    if community.pk == post.community_id:
        raise invalid("community", _("The post is already in %(name)s.") % {"name": community.name})
    if not CommunityPolicy.can(actor, CommunityAction.POST, community):
        raise invalid("community", _("You cannot post in %(name)s.") % {"name": community.name})
    author = post.author
    if author is not None and not CommunityPolicy.can(author, CommunityAction.POST, community):
        raise invalid(
            "community",
            _("%(person)s cannot post in %(name)s: move it to a community they belong to.")
            % {"person": author.name, "name": community.name},
        )
    _audit(actor, post, "move_post")  # a site admin outside the community leaves a trace there
    post.community, post.pinned_at = community, None
    post.save(update_fields=["community", "pinned_at"])
    events.publish(PostMoved(post=post, actor=actor, community=community))
    return post


def comment_create(
    *,
    author: User,
    post: Post,
    body: str,
    parent: Comment | None = None,
    uploads: Sequence[Upload] = (),
    client_token: str = "",
) -> Comment:
    """``comment_publish``'s comment, for callers that never answer a replay."""
    return comment_publish(
        author=author,
        post=post,
        body=body,
        parent=parent,
        uploads=uploads,
        client_token=client_token,
    ).item


@transaction.atomic
def comment_publish(
    *,
    author: User,
    post: Post,
    body: str,
    parent: Comment | None = None,
    uploads: Sequence[Upload] = (),
    client_token: str = "",
) -> Published[Comment]:
    """Comment on a post, or reply to a comment (replies stay one level deep).

    A ``client_token`` the author already used returns that comment, not
    created, whichever post it is on.
    """
    require(author, PostAction.COMMENT, post)
    client_token = clean_client_token(client_token)
    if client_token:
        existing = Comment.objects.filter(author=author, client_token=client_token).first()
        if existing is not None:
            return Published(existing, created=False)
    if parent is not None:
        if parent.post_id != post.pk:
            raise invalid("parent", _("This reply does not belong to this post."))
        parent = parent.parent or parent
    body = _check_body(body, required=not uploads)
    classified = attachments.classify(uploads)
    rendered = _render(body)
    comment = Comment(
        post=post,
        author=author,
        parent=parent,
        body=body,
        body_html=rendered.html,
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:  # the same client token, submitted concurrently
        return Published(
            Comment.objects.get(author=author, client_token=client_token), created=False
        )
    Mention.objects.bulk_create(
        [Mention(post=post, comment=comment, user=u) for u in rendered.mentioned],
        ignore_conflicts=True,
    )
    stored = attachments.store(classified, post=post, comment=comment, user=author)
    Post.objects.filter(pk=post.pk).update(
        comment_count=F("comment_count") + 1, last_activity_at=comment.created_at
    )
    events.publish(
        CommentPublished(
            comment=comment,
            mentioned=list(rendered.mentioned),
            file_names=[a.name for a in stored],
        )
    )
    return Published(comment, created=True)


@transaction.atomic
def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    require(actor, CommentAction.EDIT, comment)
    body = _check_body(body, required=not comment.attachments.exists())
    rendered = _render(body)
    comment.body, comment.body_html, comment.edited_at = body, rendered.html, timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    before = set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
    Mention.objects.filter(comment=comment).exclude(user__in=rendered.mentioned).delete()
    Mention.objects.bulk_create(
        [Mention(post=comment.post, comment=comment, user=u) for u in rendered.mentioned],
        ignore_conflicts=True,
    )
    events.publish(
        CommentEdited(
            comment=comment,
            actor=actor,
            newly_mentioned=[u for u in rendered.mentioned if u.pk not in before],
        )
    )
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> None:
    post = comment.post
    require(actor, CommentAction.DELETE, comment)
    removed = 1 + comment.replies.count()
    attachments.delete_files(
        list(Attachment.objects.filter(comment__in=[comment, *comment.replies.all()]))
    )
    comment.delete()
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") - removed)
    _audit(actor, post, "delete_comment")


@transaction.atomic
def reaction_set(
    *, user: User, post: Post, emoji: str, on: bool, comment: Comment | None = None
) -> bool:
    """Add (``on``) or remove a reaction; repeating either is harmless. Returns ``on``."""
    require(user, PostAction.VIEW, post)
    if emoji not in Emoji.values:
        raise invalid("emoji", _("Unknown reaction."))
    if comment is not None and comment.post_id != post.pk:
        raise NotFound
    if on:
        require(user, PostAction.COMMENT, post)
        try:
            with transaction.atomic():
                _reaction, created = Reaction.objects.get_or_create(
                    post=post, comment=comment, user=user, emoji=emoji
                )
        except IntegrityError:  # a concurrent duplicate: the reaction exists, as wanted
            created = False
        if created:
            events.publish(Reacted(actor=user, post=post, comment=comment))
    else:
        Reaction.objects.filter(post=post, comment=comment, user=user, emoji=emoji).delete()
    return on
