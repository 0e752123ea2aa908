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
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import pass_context
from jinja2.runtime import Context

from cercle.accounts.models import initials_of
from cercle.core.jinja import datetime_writer, iso_writer
from cercle.posts.cards import Card
from cercle.posts.models import EMOJI_LABELS, Comment, Emoji, Reactions


@dataclass(frozen=True, slots=True)
class Chosen:
    """An emoji someone chose: its "who?" summary opens the list of those who did."""

    emoji: str
    who: SafeString  # "👍 who?", in the reader's language


@dataclass(frozen=True, slots=True)
class ReactionBar:
    """A reaction bar as its reader sees it: the buttons, rendered, and the emojis chosen."""

    buttons: SafeString
    chosen: tuple[Chosen, ...]


@dataclass(frozen=True, slots=True)
class _Buttons:
    """One language's reaction buttons (``posts/reaction_button.html``), rendered once.

    A bar is five buttons, a feed page twenty bars: assembled from these, a
    bar costs a few microseconds instead of the 35 the template's loop took.
    """

    plain: dict[tuple[str, bool], str]  # (emoji, mine) -> a button without a count
    counted: dict[tuple[str, bool], tuple[str, str]]  # (emoji, mine) -> markup around the count
    chosen: dict[str, Chosen]


# Where a counted button's number goes; never in a label or an emoji.
_COUNT = "\x00"
_EMOJIS = tuple(emoji.value for emoji in Emoji)
_buttons: dict[str, _Buttons] = {}


def _buttons_in(language: str) -> _Buttons:
    found = _buttons.get(language)
    if found is None:
        plain: dict[tuple[str, bool], str] = {}
        counted: dict[tuple[str, bool], tuple[str, str]] = {}
        chosen: dict[str, Chosen] = {}
        with translation.override(language or None):
            for emoji in Emoji:
                for mine in (False, True):
                    context = {
                        "emoji": emoji.value,
                        "symbol": emoji.label,
                        "label": str(EMOJI_LABELS[emoji]),
                        "mine": mine,
                    }
                    plain[emoji.value, mine] = str(
                        _render("posts/reaction_button.html", {**context, "count": 0}, None)
                    )
                    before, after = str(
                        _render(
                            "posts/reaction_button.html",
                            {**context, "count": mark_safe(_COUNT)},  # noqa: S308 - our marker
                            None,
                        )
                    ).split(_COUNT)
                    counted[emoji.value, mine] = (before, after)
                who = gettext("%(symbol)s who?") % {"symbol": emoji.label}
                chosen[emoji.value] = Chosen(emoji.value, escape(who))
        found = _buttons[language] = _Buttons(plain, counted, chosen)
    return found


def reaction_bar(
    reactions: Iterable[Reactions | dict[str, Any]], buttons: _Buttons | None = None
) -> ReactionBar:
    """Every emoji of the fixed set, with the target's counts and the reader's choice.

    ``reactions``: a card's (dicts, as the API shows them) or a comment's;
    ``buttons``: the active language's (``_buttons_in``), when the caller has them.
    """
    counts: dict[str, tuple[int, bool]] = {}
    for r in reactions:
        if isinstance(r, dict):
            counts[r["emoji"]] = (r["count"], r["mine"])
        else:
            counts[r.emoji] = (r.count, r.mine)
    if buttons is None:
        buttons = _buttons_in(get_language() or "")
    parts, chosen = [], []
    for emoji in _EMOJIS:
        count, mine = counts.get(emoji, (0, False))
        if count:
            before, after = buttons.counted[emoji, mine]
            parts.append(f"{before}{int(count)}{after}")
            chosen.append(buttons.chosen[emoji])
        else:
            parts.append(buttons.plain[emoji, mine])
    # Rendered by our template; the counts are integers.
    return ReactionBar(mark_safe("\n".join(parts)), tuple(chosen))  # noqa: S308


def comments_label(count: int) -> str:
    return ngettext("%(counter)s comment", "%(counter)s comments", count) % {"counter": count}


def initials(person: dict[str, Any]) -> str:
    return initials_of(person["first_name"], person["last_name"], person["email"])


def _render(
    name: str, context: dict[str, Any], request: HttpRequest | None, csrf: Any = None
) -> SafeString:
    # The backend's own ``csrf_input`` masks the token anew each time a form
    # shows it (160 times on a feed page): computed once per render instead, or
    # taken from the page that includes this (``csrf``: its ``csrf_input``).
    if csrf is None:
        csrf = csrf_input(request) if request is not None else ""
    # A page's is lazy: resolved once here, not at each of the cards' forms.
    context["csrf"] = csrf if isinstance(csrf, str) else str(csrf)
    # Autoescaped by the engine: what it returns is safe to embed.  No request: the
    # context processors' names (user, messages...) are not the cards' business.
    return mark_safe(engines["jinja2"].get_template(name).render(context))  # noqa: S308


def cards_html(
    request: HttpRequest | None, cards: Sequence[Card], *, expanded: bool = False, csrf: Any = None
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
    return _render("posts/card.html", context, request, csrf)


def reactions_html(
    request: HttpRequest | None,
    *,
    post_id: int,
    comment_id: int | None,
    reactions: Iterable[Reactions | dict[str, Any]],
    csrf: Any = None,
) -> SafeString:
    """One reaction bar (a post's, or with ``comment_id`` a comment's)."""
    context = {"post_id": post_id, "comment_id": comment_id or 0, "bar": reaction_bar(reactions)}
    return _render("posts/reactions.html", context, request, csrf)


# The functions the page templates call (``settings.TEMPLATES``, ``globals``).


@pass_context
def post_cards(
    context: Context, cards: Card | Sequence[Card], expanded: bool = False
) -> SafeString:
    """Post cards (``cercle.posts.cards``) rendered by ``posts/card.html``."""
    items = [cards] if isinstance(cards, Card) else cards
    return cards_html(
        context.get("request"), items, expanded=expanded, csrf=context.get("csrf_input")
    )


@pass_context
def comment_reactions(context: Context, comment: Comment) -> SafeString:
    """A comment's reaction bar (prepared by ``selectors.comments_for``)."""
    return reactions_html(
        context.get("request"),
        post_id=comment.post_id,
        comment_id=comment.pk,
        reactions=comment.reaction_summary,
        csrf=context.get("csrf_input"),
    )


def client_token(form: Any) -> str:
    """A fresh token per rendered form; a re-shown form keeps the one it was sent with."""
    if form is not None and getattr(form, "is_bound", False):
        return str(form.data.get("client_token", ""))[:64] or uuid.uuid4().hex
    return uuid.uuid4().hex
