"""Django's ``makemessages``, which also reads the Jinja2 templates (``<app>/jinja2/``).

Django turns its own templates into Python for ``xgettext``; it cannot read
Jinja2's syntax.  The Jinja2 templates are read by Jinja's own extractor
(``jinja2.ext.babel_extract``, the one Babel uses), which finds the calls to
``_``, ``gettext`` and ``ngettext`` (``cercle.core.jinja``); their messages
are added to the catalogue template before Django merges it into each
language's catalogue.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.commands import makemessages
from jinja2.ext import babel_extract

KEYWORDS = ("_", "gettext", "ngettext")
JINJA_DIR = f"{os.sep}jinja2{os.sep}"


def _quoted(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _entry(path: str, line: int, message: str | tuple[str | None, ...]) -> str:
    """One entry of a ``.pot`` file: a message or a singular/plural pair."""
    singular, plural = (message, None) if isinstance(message, str) else (message[0], message[1])
    assert singular is not None
    lines = [f"#: {path}:{line}"]
    if "%(" in singular or (plural and "%(" in plural):
        lines.append("#, python-format")
    lines.append(f"msgid {_quoted(singular)}")
    if plural is None:
        lines.append('msgstr ""')
    else:
        lines += [f"msgid_plural {_quoted(plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
    return "\n".join(lines) + "\n"


def jinja_messages(paths: list[str]) -> str:
    """The messages of the Jinja2 templates at ``paths``, as ``.pot`` entries."""
    entries = []
    for path in sorted(paths):
        with open(path, "rb") as template:
            found = babel_extract(template, KEYWORDS, [], {"silent": "false"})
            for line, _function, message, _comments in found:
                if message:  # a call without a literal message is not for the catalogue
                    entries.append(_entry(path.removeprefix(f".{os.sep}"), line, message))
    return "\n".join(entries)


class Command(makemessages.Command):
    help = makemessages.Command.help + " Jinja2 templates (<app>/jinja2/) included."

    def process_locale_dir(self, locale_dir: str, files: list[Any]) -> None:
        jinja = [f for f in files if JINJA_DIR in f.path and f.path.endswith(".html")]
        others = [f for f in files if f not in jinja]
        if others:
            super().process_locale_dir(locale_dir, others)
        if not jinja or self.domain != "django":
            return
        potfile = os.path.join(locale_dir, f"{self.domain}.pot")
        header = (
            ""
            if os.path.exists(potfile)
            else 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        )
        with open(potfile, "a", encoding="utf-8", newline="\n") as pot:
            pot.write(header + "\n" + jinja_messages([f.path for f in jinja]))
