"""Who is told what, from what the domain publishes (``cercle.core.events``).

The notification rows are written inside the writer's transaction; e-mails
and live updates leave after commit (``notifications.services``).
"""

from __future__ import annotations

from cercle.communities.events import Invited, JoinRequested, RequestAnswered
from cercle.core.events import subscribe
from cercle.documents.events import VersionAdded
from cercle.documents.selectors import folder_path
from cercle.follows.events import Followed
from cercle.notifications import services as notify
from cercle.posts.events import (
    CommentEdited,
    CommentPublished,
    PostEdited,
    PostHidden,
    PostMoved,
    PostPublished,
    Reacted,
)
from cercle.projects.events import ActionAssigned


@subscribe(PostPublished)
def _post_published(event: PostPublished) -> None:
    notify.post_published(
        post=event.post,
        mentioned_users=event.mentioned,
        hashtag_ids=[tag.pk for tag in event.hashtags],
        praised=event.praised,
    )


@subscribe(PostEdited)
def _post_edited(event: PostEdited) -> None:
    notify.mentioned(actor=event.actor, post=event.post, users=event.newly_mentioned)


@subscribe(PostHidden)
def _post_hidden(event: PostHidden) -> None:
    notify.moderated(actor=event.actor, post=event.post)


@subscribe(PostMoved)
def _post_moved(event: PostMoved) -> None:
    notify.moderated(actor=event.actor, post=event.post, moved_to=event.community)


@subscribe(CommentPublished)
def _comment_published(event: CommentPublished) -> None:
    comment = event.comment
    if comment.author is not None:
        notify.mentioned(
            actor=comment.author, post=comment.post, users=event.mentioned, comment=comment
        )
    notify.commented(comment=comment, mentioned_ids=[u.pk for u in event.mentioned])


@subscribe(CommentEdited)
def _comment_edited(event: CommentEdited) -> None:
    comment = event.comment
    notify.mentioned(
        actor=event.actor, post=comment.post, users=event.newly_mentioned, comment=comment
    )


@subscribe(Reacted)
def _reacted(event: Reacted) -> None:
    notify.reacted(actor=event.actor, post=event.post, comment=event.comment)


@subscribe(JoinRequested)
def _join_requested(event: JoinRequested) -> None:
    notify.join_requested(actor=event.actor, community=event.community)


@subscribe(RequestAnswered)
def _request_answered(event: RequestAnswered) -> None:
    notify.request_answered(
        actor=event.actor, community=event.community, user=event.user, approved=event.approved
    )


@subscribe(Invited)
def _invited(event: Invited) -> None:
    notify.invited(actor=event.actor, community=event.community, user=event.user)


@subscribe(Followed)
def _followed(event: Followed) -> None:
    notify.followed(follower=event.follower, followee=event.followee)


@subscribe(VersionAdded)
def _version_added(event: VersionAdded) -> None:
    document = event.document
    if document.post is None:
        return
    notify.document_changed(
        actor=event.actor,
        post=document.post,
        document_id=document.pk,
        folder_ids=[folder.pk for folder in reversed(folder_path(document.folder))],
    )


@subscribe(ActionAssigned)
def _action_assigned(event: ActionAssigned) -> None:
    notify.action_assigned(actor=event.actor, action=event.action)
