"""The template engine of the pages: Jinja2, with what Django's templates gave them.

Every page and fragment a person sees is a Jinja2 template (``<app>/jinja2/``);
Django's engine keeps the admin, the form widgets and the e-mails.  On the
feed page at 1M posts, Django's templates around the cards (layout, side
column, includes) took 3.4 ms of a 12 ms page; the same in Jinja2, which
compiles a template to Python code, about 1.4 ms, and the page is now
about twice the API's time for the same posts (``bench/README.md``).

What the templates may use, beside Jinja's own filters:

- ``url(name, *args)`` (``reverse``, kept as a format per name when the
  arguments need no quoting), ``static(path)``, ``querystring(**changes)``
  (Django's tag: the request's query string with ``changes``);
- ``_("…", **variables)``, ``ngettext(singular, plural, n, **variables)``:
  the translation escaped, then formatted with the escaped variables (so
  ``%(name)s`` in a msgid, as ``blocktranslate`` writes it).  ``makemessages``
  (``cercle.core.management.commands.makemessages``) finds these calls;
- the apps' own functions, listed in ``settings.TEMPLATES`` (``globals``):
  ``post_cards(cards)``, ``comment_reactions(comment)``, ``client_token(form)``;
- ``csrf_input``, ``request``, ``user``, ``messages``, ``LANGUAGE_CODE`` and
  ``nav_section``, from the context processors of ``settings.TEMPLATES``;
- the filters ``datetime`` (Django's ``date`` in the active language and time
  zone), ``iso``, ``filesize``, ``timesince``, ``linebreaksbr``, ``slugify``
  and ``truncatechars``, as Django's.

Names are looked up in dicts first (cards are dicts), and an undefined name
fails loudly: a typo is a test failure, not an empty string.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import jinja2
from django.conf import settings
from django.middleware.csrf import get_token
from django.template import TemplateSyntaxError
from django.template.backends import jinja2 as django_jinja2
from django.template.defaultfilters import (
    filesizeformat,
    linebreaksbr,
    slugify,
    timesince_filter,
    truncatechars,
)
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.utils import formats, timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.module_loading import import_string
from jinja2 import Environment, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from cercle.core.urls import fast_reverse


def url(name: str, *args: Any) -> Markup:
    """``reverse(name, args=args)`` (``cercle.core.urls.fast_reverse``), safe to embed."""
    return Markup(fast_reverse(name, *args))  # noqa: S704 - a reversed URL, quoted by Django


@pass_context
def querystring(context: Context, **changes: Any) -> str:
    """As Django's ``{% querystring %}``: the request's query string, ``changes`` applied.

    A ``None`` removes its key; a list sets every value.  Always starts with "?".
    """
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        elif isinstance(value, list | tuple):
            query.setlist(key, [v for v in value if v is not None])
        else:
            query[key] = value
    return f"?{query.urlencode()}"


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


# language -> message -> translation: a page asks for a hundred labels, and each
# gettext() call would look the active language up and walk the catalogues again.
_translated: dict[str, dict[str, str]] = {}


def gettext_in(language: str) -> Callable[..., Markup]:
    """``gettext`` for one language, remembered: bound as ``_`` for each render."""
    known = _translated.setdefault(language, {})

    def translate(message: str, **variables: Any) -> Markup:
        found = known.get(message)
        if found is None:
            with translation.override(language):
                found = known[message] = translation.gettext(message)
        # The catalogue is ours, as Django's {% translate %} trusts it; the variables are not.
        text = Markup(found)  # noqa: S704
        return text % variables if variables else text

    return translate


def gettext(message: str, **variables: Any) -> Markup:
    """The translation of ``message``, formatted with the escaped ``variables``.

    A ``%(name)s`` in the message is a variable, as ``blocktranslate`` writes it.
    """
    return gettext_in(translation.get_language() or settings.LANGUAGE_CODE)(message, **variables)


def ngettext(singular: str, plural: str, number: int, **variables: Any) -> Markup:
    """``gettext`` for a message that depends on ``number`` (``{% plural %}``)."""
    return Markup(translation.ngettext(singular, plural, number)) % variables  # noqa: S704


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

    ``format_name``: a format's name ("DATE_FORMAT") or a format ("j M Y").
    Numeric formats (French: "d/m/Y H:i") are written by ``strftime``: Django's
    formatter parses the format anew for each value, 40 µs a card.
    """
    return datetime_writer(format_name)(value)


def datetime_writer(
    format_name: str = "SHORT_DATETIME_FORMAT",
) -> Callable[[datetime | None], str]:
    """``datetime_format`` with the active language and time zone looked up once.

    For a list's render (twenty cards): the lookups cost more than the formatting.
    """
    zone = timezone.get_current_timezone()
    pattern = _pattern(translation.get_language() or "", format_name)

    def write(value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(zone)
        return (
            local.strftime(pattern)
            if pattern is not None
            else formats.date_format(local, format_name)
        )

    return write


def iso_writer() -> Callable[[datetime | None], str]:
    """``iso`` with the active time zone looked up once."""
    zone = timezone.get_current_timezone()
    return lambda value: "" if value is None else value.astimezone(zone).isoformat()


def iso(value: datetime | None) -> str:
    """A machine-readable time (``<time datetime>``), as Django's ``date:'c'``."""
    return iso_writer()(value)


# language -> (KB, MB, GB formats, decimal separator): Django's own words, looked up once.
_size_words: dict[str, tuple[str, str, str, str]] = {}


def filesize(size: int) -> str:
    """As Django's ``filesizeformat`` ("1,4 Mo", "980 octets"), its words looked up once
    per language: a library lists fifty sizes, and each took Django 40 µs."""
    if size < 1024:
        return str(filesizeformat(size))
    language = translation.get_language() or settings.LANGUAGE_CODE
    words = _size_words.get(language)
    if words is None:
        words = _size_words[language] = (
            translation.gettext("%s KB"),
            translation.gettext("%s MB"),
            translation.gettext("%s GB"),
            str(formats.get_format("DECIMAL_SEPARATOR")),
        )
    value, unit = float(size) / 1024, 0
    while value >= 1024 and unit < 2:
        value, unit = value / 1024, unit + 1
    if unit == 2 and value >= 1024:
        return str(filesizeformat(size))  # terabytes and more: Django's words
    text = words[unit] % f"{round(value, 1):.1f}".replace(".", words[3])
    return text.replace(" ", "\xa0")  # as Django: a size never breaks across lines


def environment(**options: Any) -> Environment:
    """The pages' environment; ``globals``: name -> dotted path of the apps' own functions."""
    extra = {name: import_string(path) for name, path in options.pop("globals", {}).items()}
    # A typo fails, loudly, in the tests (Django's backend would pass Undefined: silent).
    options["undefined"] = StrictUndefined
    options["auto_reload"] = settings.DEBUG
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = _Environment(autoescape=True, **options)
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        _=gettext,
        gettext=gettext,
        ngettext=ngettext,
        **extra,
    )
    env.filters.update(
        datetime=datetime_format,
        iso=iso,
        filesize=filesize,
        timesince=timesince_filter,
        linebreaksbr=linebreaksbr,
        slugify=slugify,
        truncatechars=truncatechars,
    )
    return env


class Template(django_jinja2.Template):
    """Django's Jinja2 template, which also tells the test client what it rendered.

    Django's own engine sends ``template_rendered`` for ``response.context`` and
    ``assertTemplateUsed``; its Jinja2 backend does not.  The signal has
    listeners only while the test client runs a request.
    """

    @property
    def name(self) -> str:
        return str(self.template.name)

    def render(self, context: dict[str, Any] | None = None, request: Any = None) -> str:
        # As Django's engine: the context processors first, the view's own names over them
        # (Django's Jinja2 backend lets the processors win: a view could not set nav_section).
        names: dict[str, Any] = {}
        if request is not None:
            names["request"] = request
            # Masked once per render, not once per form (a page shows a dozen forms): the
            # forms' hidden input and htmx's header carry the same masked token.
            token = SimpleLazyObject(lambda: get_token(request))
            names["csrf_token"] = token
            names["csrf_input"] = SimpleLazyObject(
                lambda: format_html(
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', str(token)
                )
            )
            for processor in self.backend.template_context_processors:
                names.update(processor(request))
        if context:
            names.update(context)
        # The active language's ``_``, looked up once per render rather than per label.
        names.setdefault("_", gettext_in(translation.get_language() or settings.LANGUAGE_CODE))
        try:
            html = self.template.render(names)
        except jinja2.TemplateSyntaxError as exc:
            error = TemplateSyntaxError(exc.args)
            error.template_debug = django_jinja2.get_exception_info(exc)  # type: ignore[attr-defined,arg-type]
            raise error from exc
        if template_rendered.has_listeners():
            template_rendered.send(sender=self, template=self, context=names)
        return html


class Jinja2(django_jinja2.Jinja2):
    """The pages' engine (``settings.TEMPLATES``): Django's, with ``Template`` above."""

    def get_template(self, template_name: str) -> Template:
        return Template(super().get_template(template_name).template, self)

    def from_string(self, template_code: str) -> Template:
        return Template(self.env.from_string(template_code), self)
