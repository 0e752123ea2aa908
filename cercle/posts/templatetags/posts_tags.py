from __future__ import annotations

import uuid
from typing import Any

from django import template

from cercle.posts.models import EMOJI_LABELS, Emoji, Reactions

register = template.Library()


@register.simple_tag
def reaction_bar(target: Any) -> list[Reactions]:
    """Every emoji of the fixed set, with the target's counts and the viewer's choice."""
    summary = {r.emoji: r for r in getattr(target, "reaction_summary", [])}
    return [
        summary.get(e.value) or Reactions(e.value, e.label, str(EMOJI_LABELS[e]), 0, False)
        for e in Emoji
    ]


@register.simple_tag
def client_token(form: Any) -> str:
    """A fresh token per rendered form; a re-shown form keeps the one it was sent with."""
    if form is not None and getattr(form, "is_bound", False):
        return str(form.data.get("client_token", ""))[:64] or uuid.uuid4().hex
    return uuid.uuid4().hex
