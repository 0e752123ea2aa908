"""What a notification says and where it leads: one wording for the page, the bell and the API."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cercle.notifications.models import Event, Notification


def actor_name(notification: Notification) -> str:
    actor = notification.actor
    return actor.name if actor is not None else _("Someone")


def text(notification: Notification) -> str:
    """The sentence shown for ``notification``, in the active language."""
    name = actor_name(notification)
    others = max(0, notification.actor_count - 1)
    community = notification.community.name if notification.community is not None else ""
    on_comment = notification.comment_id is not None
    match notification.event:
        case Event.MENTION:
            if on_comment:
                return _("%(name)s mentioned you in a comment") % {"name": name}
            return _("%(name)s mentioned you in a post") % {"name": name}
        case Event.COMMENT:
            post = notification.post
            mine = post is not None and post.author_id == notification.recipient_id
            if mine:
                if others:
                    return ngettext(
                        "%(name)s and %(count)d other person commented on your post",
                        "%(name)s and %(count)d other people commented on your post",
                        others,
                    ) % {"name": name, "count": others}
                return _("%(name)s commented on your post") % {"name": name}
            if others:
                return ngettext(
                    "%(name)s and %(count)d other person replied in a conversation you are in",
                    "%(name)s and %(count)d other people replied in a conversation you are in",
                    others,
                ) % {"name": name, "count": others}
            return _("%(name)s replied in a conversation you are in") % {"name": name}
        case Event.REACTION:
            if on_comment:
                if others:
                    return ngettext(
                        "%(name)s and %(count)d other person reacted to your comment",
                        "%(name)s and %(count)d other people reacted to your comment",
                        others,
                    ) % {"name": name, "count": others}
                return _("%(name)s reacted to your comment") % {"name": name}
            if others:
                return ngettext(
                    "%(name)s and %(count)d other person reacted to your post",
                    "%(name)s and %(count)d other people reacted to your post",
                    others,
                ) % {"name": name, "count": others}
            return _("%(name)s reacted to your post") % {"name": name}
        case Event.FOLLOW:
            if others:
                return ngettext(
                    "%(name)s and %(count)d other person now follow you",
                    "%(name)s and %(count)d other people now follow you",
                    others,
                ) % {"name": name, "count": others}
            return _("%(name)s now follows you") % {"name": name}
        case Event.PRAISE:
            return _("%(name)s thanked you in a post") % {"name": name}
        case Event.INVITATION:
            return _("%(name)s invited you to join %(community)s") % {
                "name": name,
                "community": community,
            }
        case Event.JOIN_REQUEST:
            if others:
                return ngettext(
                    "%(name)s and %(count)d other person ask to join %(community)s",
                    "%(name)s and %(count)d other people ask to join %(community)s",
                    others,
                ) % {"name": name, "count": others, "community": community}
            return _("%(name)s asks to join %(community)s") % {"name": name, "community": community}
        case Event.REQUEST_APPROVED:
            return _("%(name)s accepted your request: welcome to %(community)s") % {
                "name": name,
                "community": community,
            }
        case Event.REQUEST_DECLINED:
            return _("Your request to join %(community)s was declined") % {"community": community}
        case Event.NEW_POST:
            post = notification.post
            if post is not None and post.community is not None:
                return _("%(name)s posted in %(community)s") % {
                    "name": name,
                    "community": post.community.name,
                }
            return _("%(name)s posted") % {"name": name}
        case Event.DOCUMENT:
            post = notification.post
            where = post.community.name if post is not None and post.community else ""
            if others:
                return ngettext(
                    "%(name)s and %(count)d other person updated a document in %(community)s",
                    "%(name)s and %(count)d other people updated a document in %(community)s",
                    others,
                ) % {"name": name, "count": others, "community": where}
            return _("%(name)s added or updated a document in %(community)s") % {
                "name": name,
                "community": where,
            }
        case Event.ACTION:
            return _("%(name)s gave you an action in %(community)s") % {
                "name": name,
                "community": community,
            }
        case Event.MODERATION:
            # Moved: ``community`` is where to; hidden: no community.
            if community:
                return _("%(name)s moved your post to %(community)s") % {
                    "name": name,
                    "community": community,
                }
            return _("%(name)s hid your post: only you and the moderators can see it") % {
                "name": name
            }
    return name


# ``body_html`` is our renderer's sanitized output: tags are well formed and a ">" inside
# an attribute is escaped, so a pattern strips them (Django's strip_tags runs an HTML
# parser: 0.15 ms an excerpt, 30 a page).  A block's end separates words.
_BREAK = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|blockquote|pre|div|td|th)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def excerpt(notification: Notification, length: int = 140) -> str:
    """A few words of what it is about (the comment, else the post), or nothing."""
    html = ""
    if notification.event == Event.DOCUMENT and notification.post_id is not None:
        return _document_title(notification.post_id)
    if notification.event == Event.ACTION:
        return _action_title(notification.group_key)
    if notification.comment is not None:
        html = notification.comment.body_html
    elif notification.post is not None:
        html = notification.post.body_html
    text = _TAG.sub("", _BREAK.sub(" ", html))  # the text as read, not its Markdown
    body = " ".join(unescape(text).split())
    return body if len(body) <= length else body[: length - 1].rstrip() + "…"


def _document_title(post_id: int) -> str:
    """The title of the library document a post stands for (one query a notification)."""
    from cercle.documents.models import Document

    titles = Document.objects.filter(post_id=post_id).values_list("title", flat=True)
    return next(iter(titles), "")


def _action_title(group_key: str) -> str:
    """What the action says (its notification's group is ``action:<id>``)."""
    from cercle.projects.models import ActionItem

    raw = group_key.removeprefix("action:")
    if not raw.isdigit():
        return ""
    titles = ActionItem.objects.filter(pk=int(raw)).values_list("title", flat=True)
    return next(iter(titles), "")


def _document_url(post_id: int) -> str:
    from cercle.documents.models import Document

    found = Document.objects.filter(post_id=post_id).values_list("pk", flat=True)
    pk = next(iter(found), None)
    return reverse("documents:detail", args=[pk]) if pk else reverse("posts:detail", args=[post_id])


def target_url(notification: Notification) -> str:
    """Where the notification leads: the exact comment, the post, the community, the person."""
    if notification.event == Event.DOCUMENT and notification.post_id is not None:
        return _document_url(notification.post_id)
    if notification.post_id is not None:
        url = reverse("posts:detail", args=[notification.post_id])
        if notification.comment_id is not None:
            url += f"#comment-{notification.comment_id}"
        return url
    community = notification.community
    if community is not None:
        if notification.event == Event.JOIN_REQUEST:
            return reverse("communities:members", args=[community.slug])
        return community.get_absolute_url()
    if notification.event == Event.FOLLOW:
        if notification.actor_count > 1:
            return reverse("follows:followers", args=[notification.recipient_id])
        if notification.actor is not None:
            return notification.actor.get_absolute_url()
    return reverse("notifications:list")
