"""The Jinja2 environment's helpers write what Django's would (``cercle.core.jinja``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import formats, timezone, translation
from jinja2 import UndefinedError

import cercle
from cercle.core.jinja import datetime_format, datetime_writer, gettext_in, iso_writer
from cercle.core.management.commands.makemessages import jinja_messages

MOMENTS = [
    datetime(2026, 3, 1, 9, 5, 7, tzinfo=UTC),
    datetime(2026, 7, 14, 23, 59, tzinfo=UTC),  # the next day in Paris
    datetime(2026, 12, 31, 12, 0, tzinfo=UTC),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", ["SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "DATE_FORMAT"])
def test_dates_are_written_as_djangos_date_format_writes_them(language: str, name: str) -> None:
    with translation.override(language):
        for moment in MOMENTS:
            expected = formats.date_format(timezone.localtime(moment), name)
            assert datetime_format(moment, name) == expected
            assert datetime_writer(name)(moment) == expected  # a list's, looked up once
            assert iso_writer()(moment) == timezone.localtime(moment).isoformat()
    assert datetime_format(None) == ""


def test_labels_are_remembered_per_language() -> None:
    assert gettext_in("fr")("Delete") == "Supprimer"
    assert gettext_in("en")("Delete") == "Delete"
    assert gettext_in("fr")("Delete") == "Supprimer"


def render(source: str, **context: object) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_translations_escape_the_message_and_its_variables() -> None:
    with translation.override("fr"):
        html = render('{{ _("Welcome, %(name)s", name=who) }}', who="<b>Léa</b>")
        assert html == "Bienvenue, &lt;b&gt;Léa&lt;/b&gt;"
        # A literal % in a message with variables is written %% (as blocktranslate wrote it).
        html = render('{{ _("Your profile is %(completion)s%% complete.", completion=80) }}')
        assert html == "Votre profil est complété à 80 %."


@pytest.mark.parametrize(
    ("count", "expected"), [(1, "1 nouveau message"), (3, "3 nouveaux messages")]
)
def test_plurals_follow_the_number(count: int, expected: str) -> None:
    source = '{{ ngettext("%(counter)s new post", "%(counter)s new posts", n, counter=n) }}'
    with translation.override("fr"):
        assert render(source, n=count) == expected


def test_querystring_changes_the_requests_own() -> None:
    request = RequestFactory().get("/search/", {"q": "a&b", "tab": "posts", "page": "2"})
    html = render("{{ querystring(page=3, tab=None) }}", request=request)
    assert html == "?q=a%26b&amp;page=3"


def test_an_undefined_name_fails_loudly() -> None:
    with pytest.raises(UndefinedError):
        render("{{ nobody.name }}")


def test_makemessages_reads_the_jinja_templates(tmp_path: Path) -> None:
    template = tmp_path / "jinja2" / "x.html"
    template.parent.mkdir()
    template.write_text(
        '{{ _("Hello %(name)s", name=n) }}\n'
        '{{ ngettext("%(counter)s cat", "%(counter)s cats", n, counter=n) }}\n'
        '{{ _(variable) }}{{ _("Say \\"hi\\"") }}\n'
    )
    pot = jinja_messages([str(template)])
    assert '#, python-format\nmsgid "Hello %(name)s"\nmsgstr ""' in pot
    assert 'msgid "%(counter)s cat"\nmsgid_plural "%(counter)s cats"\nmsgstr[0] ""' in pot
    assert 'msgid "Say \\"hi\\""' in pot
    assert pot.count("msgid ") == 3  # the call with a variable is not a message


def test_every_message_of_the_templates_is_translated_into_french() -> None:
    """The catalogue has every message the templates use (a renamed msgid loses its French)."""
    root = Path(cercle.__file__).parent
    paths = [str(p) for p in root.glob("*/jinja2/**/*.html")]
    catalogue = translation.trans_real.translation("fr")
    missing = []
    for entry in jinja_messages(paths).split("\n\n"):
        ids = re.findall(r'^msgid "(.*)"$', entry, re.MULTILINE)
        if ids and catalogue._catalog.get(ids[0].replace('\\"', '"')) is None:
            plural = catalogue._catalog.get((ids[0].replace('\\"', '"'), 0))
            if plural is None:
                missing.append(ids[0])
    assert missing == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_file_sizes_are_written_as_djangos_filesizeformat_writes_them(language: str) -> None:
    from django.template.defaultfilters import filesizeformat

    from cercle.core.jinja import filesize

    sizes = [*range(0, 3000, 7), 1024**2 - 1, 1024**2, 5 * 1024**2 + 12345, 1024**3 - 1]
    sizes += [3 * 1024**3, 1024**4 - 1, 5 * 1024**4]
    with translation.override(language):
        assert [filesize(s) for s in sizes] == [str(filesizeformat(s)) for s in sizes]
