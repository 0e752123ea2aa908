"""Post cards and reaction bars as HTML, for pages and htmx answers alike.

The templates are ``cercle/posts/jinja2/posts/card.html`` and
``reactions.html``; pages call them through ``post_cards`` and
``comment_reactions`` (globals of the pages' environment, ``settings.TEMPLATES``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.http import HttpRequest
from django.template import engines
from django.template.backends.utils import csrf_input
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from jinja2 import pass_context
from jinja2.runtime import Context

from cercle.accounts.models import initials_of
from cercle.core.jinja import datetime_writer, iso_writer
from cercle.posts.cards import Card
from cercle.posts.models import EMOJI_LABELS, Comment, Emoji, Reactions


@dataclass(frozen=True, slots=True)
class ReactionButton:
    """One emoji of a reaction bar as the reader sees it; ``button`` is its opening markup."""

    emoji: str
    symbol: str
    count: int
    mine: bool
    button: SafeString


# language -> (emoji, mine) -> the button's opening markup, rendered once
# (posts/reaction_button.html): six buttons a card, twenty cards a page.
_buttons: dict[str, dict[tuple[str, bool], SafeString]] = {}


def _buttons_in(language: str) -> dict[tuple[str, bool], SafeString]:
    found = _buttons.get(language)
    if found is None:
        found = _buttons[language] = {
            (emoji.value, mine): _render(
                "posts/reaction_button.html",
                {
                    "emoji": emoji.value,
                    "symbol": emoji.label,
                    "label": str(EMOJI_LABELS[emoji]),
                    "mine": mine,
                },
                None,
            )
            for emoji in Emoji
            for mine in (False, True)
        }
    return found


def reaction_bar(
    reactions: Iterable[Reactions | dict[str, Any]],
    buttons: dict[tuple[str, bool], SafeString] | None = None,
) -> list[ReactionButton]:
    """Every emoji of the fixed set, with the target's counts and the reader's choice.

    ``reactions``: a card's (dicts, as the API shows them) or a comment's;
    ``buttons``: the active language's (``_buttons_in``), when the caller has them.
    """
    counted: dict[str, tuple[int, bool]] = {}
    for r in reactions:
        if isinstance(r, dict):
            counted[r["emoji"]] = (r["count"], r["mine"])
        else:
            counted[r.emoji] = (r.count, r.mine)
    if buttons is None:
        buttons = _buttons_in(get_language() or "")
    bar = []
    for emoji in Emoji:
        count, mine = counted.get(emoji.value, (0, False))
        bar.append(
            ReactionButton(emoji.value, emoji.label, count, mine, buttons[emoji.value, mine])
        )
    return bar


def comments_label(count: int) -> str:
    return ngettext("%(counter)s comment", "%(counter)s comments", count) % {"counter": count}


def initials(person: dict[str, Any]) -> str:
    return initials_of(person["first_name"], person["last_name"], person["email"])


def _render(name: str, context: dict[str, Any], request: HttpRequest | None) -> SafeString:
    # The backend's own ``csrf_input`` masks the token anew each time a form
    # shows it (160 times on a feed page): computed once per render instead.
    context.setdefault("csrf", csrf_input(request) if request is not None else "")
    # Autoescaped by the engine: what it returns is safe to embed.  No request: the
    # context processors' names (user, messages...) are not the cards' business.
    return mark_safe(engines["jinja2"].get_template(name).render(context))  # noqa: S308


def cards_html(
    request: HttpRequest | None, cards: Sequence[Card], *, expanded: bool = False
) -> SafeString:
    """The cards, as every list of posts shows them (``expanded``: the post's own page)."""
    # What every card asks for, with the language and time zone looked up once.
    buttons = _buttons_in(get_language() or "")
    context = {
        "cards": cards,
        "expanded": expanded,
        "reaction_bar": partial(reaction_bar, buttons=buttons),
        "when": datetime_writer(),
        "iso_of": iso_writer(),
        "comments_label": comments_label,
        "initials": initials,
    }
    return _render("posts/card.html", context, request)


def reactions_html(
    request: HttpRequest | None,
    *,
    post_id: int,
    comment_id: int | None,
    reactions: Iterable[Reactions | dict[str, Any]],
) -> SafeString:
    """One reaction bar (a post's, or with ``comment_id`` a comment's)."""
    context = {"post_id": post_id, "comment_id": comment_id or 0, "bar": reaction_bar(reactions)}
    return _render("posts/reactions.html", context, request)


# The functions the page templates call (``settings.TEMPLATES``, ``globals``).


@pass_context
def post_cards(
    context: Context, cards: Card | Sequence[Card], expanded: bool = False
) -> SafeString:
    """Post cards (``cercle.posts.cards``) rendered by ``posts/card.html``."""
    items = [cards] if isinstance(cards, Card) else cards
    return cards_html(context.get("request"), items, expanded=expanded)


@pass_context
def comment_reactions(context: Context, comment: Comment) -> SafeString:
    """A comment's reaction bar (prepared by ``selectors.comments_for``)."""
    return reactions_html(
        context.get("request"),
        post_id=comment.post_id,
        comment_id=comment.pk,
        reactions=comment.reaction_summary,
    )


def client_token(form: Any) -> str:
    """A fresh token per rendered form; a re-shown form keeps the one it was sent with."""
    if form is not None and getattr(form, "is_bound", False):
        return str(form.data.get("client_token", ""))[:64] or uuid.uuid4().hex
    return uuid.uuid4().hex
