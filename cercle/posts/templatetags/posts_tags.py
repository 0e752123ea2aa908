from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.utils.safestring import SafeString

from cercle.posts import html
from cercle.posts.cards import Card
from cercle.posts.models import Comment

register = template.Library()


@register.simple_tag(takes_context=True)
def post_cards(
    context: template.Context, cards: Card | list[Card], expanded: bool = False
) -> SafeString:
    """Post cards (``cercle.posts.cards``) rendered by ``posts/card.html`` (Jinja2)."""
    items = [cards] if isinstance(cards, Card) else cards
    return html.cards_html(context.get("request"), items, expanded=expanded)


@register.simple_tag(takes_context=True)
def comment_reactions(context: template.Context, comment: Comment) -> SafeString:
    """A comment's reaction bar (prepared by ``selectors.comments_for``)."""
    return html.reactions_html(
        context.get("request"),
        post_id=comment.post_id,
        comment_id=comment.pk,
        reactions=comment.reaction_summary,
    )


@register.simple_tag
def client_token(form: Any) -> str:
    """A fresh token per rendered form; a re-shown form keeps the one it was sent with."""
    if form is not None and getattr(form, "is_bound", False):
        return str(form.data.get("client_token", ""))[:64] or uuid.uuid4().hex
    return uuid.uuid4().hex
