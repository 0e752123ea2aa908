"""The Jinja2 environment of the templates rendered once per item of a long list.

Most pages are Django templates.  A post card is rendered twenty times per
page, with its menu, reaction bar and files.  Written as a Django template
(includes, ``{% url %}``, context lookups per node) the twenty cards of a
feed page took about 17 ms at 1M posts, most of the page's 45 ms; the same
cards in Jinja2, which compiles a template to Python code, take 2.2 ms
(``cercle.posts.html``; figures in ``bench/README.md``).  Django pages embed
these templates through template tags (``cercle.posts.templatetags``), so a
page keeps one base layout.

What the templates may call is listed here: ``url`` (``reverse``, kept as a
format per name when the arguments need no quoting), ``static``, the
translation functions (``_`` and ``ngettext``; ``makemessages`` finds
``_("...")`` in these files as in Django templates) and the date and size
filters, which format as Django's do in the active language and time zone.
Names are looked up in dicts first: the cards are dicts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from cercle.core.urls import fast_reverse


def url(name: str, *args: Any) -> Markup:
    """``reverse(name, args=args)`` (``cercle.core.urls.fast_reverse``), safe to embed."""
    return Markup(fast_reverse(name, *args))  # noqa: S704 - a reversed URL, quoted by Django


class _Environment(Environment):
    """Looks a name up in a dict before its attributes: cards are dicts (``Card.fields``).

    Jinja's own order (attribute first) raises and catches an AttributeError
    for every ``post.author`` — a third of a card's rendering time.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


# language -> message -> translation: a card asks for a dozen labels, twenty cards a
# page, and each gettext() call looks the active language up again.
_translated: dict[str, dict[str, str]] = {}


def gettext_in(language: str) -> Callable[[str], str]:
    """``gettext`` for one language, remembered: bound as ``_`` for one render."""
    known = _translated.setdefault(language, {})

    def translate(message: str) -> str:
        found = known.get(message)
        if found is None:
            with translation.override(language):
                found = known[message] = gettext(message)
        return found

    return translate


# Django format characters that are plain numbers, as ``strftime`` writes them.
_NUMERIC = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}
# (language, format name) -> a strftime pattern, or None: Django formats that one.
_patterns: dict[tuple[str, str], str | None] = {}


def _pattern(language: str, format_name: str) -> str | None:
    """The ``strftime`` equivalent of a format made of numbers only ("d/m/Y H:i")."""
    key = (language, format_name)
    if key not in _patterns:
        django_format = str(formats.get_format(format_name))
        numeric = all(c in _NUMERIC or (not c.isalpha() and c not in "\\%") for c in django_format)
        _patterns[key] = "".join(_NUMERIC.get(c, c) for c in django_format) if numeric else None
    return _patterns[key]


def datetime_format(value: datetime | None, format_name: str = "SHORT_DATETIME_FORMAT") -> str:
    """As Django's ``date`` filter: in the active time zone and language.

    Numeric formats (French: "d/m/Y H:i") are written by ``strftime``: Django's
    formatter parses the format anew for each value, 40 µs a card.
    """
    if value is None:
        return ""
    local = timezone.localtime(value)
    pattern = _pattern(translation.get_language() or "", format_name)
    if pattern is None:
        return formats.date_format(local, format_name)
    return local.strftime(pattern)


def iso(value: datetime | None) -> str:
    """A machine-readable time (``<time datetime>``), as Django's ``date:'c'``."""
    return "" if value is None else timezone.localtime(value).isoformat()


def filesize(size: int) -> str:
    return str(filesizeformat(size))


def environment(**options: Any) -> Environment:
    options.setdefault("undefined", StrictUndefined)  # a typo fails, loudly, in the tests
    options["auto_reload"] = settings.DEBUG
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = _Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.globals.update(url=url, static=static)
    env.filters.update(datetime=datetime_format, iso=iso, filesize=filesize)
    return env
