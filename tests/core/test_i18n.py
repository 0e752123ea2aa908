"""French and English must stay complete: a new string without its French fails here."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cercle"


def _entries(po: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) for each entry of a .po file, header and obsolete left out."""
    entries: list[tuple[str, list[str], bool]] = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        current, msgid, msgstrs = "", "", []
        for line in lines:
            if line.startswith("msgid "):
                current = "msgid"
                msgid = _unquote(line[6:])
            elif line.startswith("msgid_plural "):
                current = "plural"
            elif line.startswith("msgstr"):
                current = "msgstr"
                msgstrs.append(_unquote(line.split(" ", 1)[1]))
            elif line.startswith('"'):
                if current == "msgid":
                    msgid += _unquote(line)
                elif current == "msgstr":
                    msgstrs[-1] += _unquote(line)
        if msgid:
            entries.append((msgid, msgstrs, fuzzy))
    return entries


def _unquote(text: str) -> str:
    """A .po string literal's value (C-style escapes, as Python's)."""
    value = ast.literal_eval(text.strip())
    assert isinstance(value, str)
    return value


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}", text))


def test_french_catalogue_is_complete_and_consistent() -> None:
    po = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    entries = _entries(po)
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstrs, _ in entries if not all(msgstrs)]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert not untranslated, f"Missing French translations: {untranslated}"
    assert not fuzzy, f"Fuzzy French translations to review: {fuzzy}"
    for msgid, msgstrs, _ in entries:
        for msgstr in msgstrs:
            assert _placeholders(msgstr) <= _placeholders(msgid) | {"%(counter)s"}, msgid


def test_compiled_catalogue_matches_the_po_file() -> None:
    """The .mo Django loads says what the .po says (else: run `make messages`)."""
    po = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstrs, _ in _entries(po)
        if len(msgstrs) == 1 and compiled.gettext(msgid) != msgstrs[0]
    ]
    assert not stale, f"Compiled catalogue out of date (run `make messages`): {stale}"


@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="GNU gettext is not installed (CI installs it)",
)
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    """Extract the strings afresh: one missing from the French catalogue fails.

    ``makemessages`` writes into the ``locale`` directory nearest each source
    file, whatever ``LOCALE_PATHS`` says: it runs on a copy of the package,
    so that it neither edits the real catalogue nor reads an untouched copy.
    """
    package = tmp_path / "cercle"
    shutil.copytree(
        PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "var", "static", "*.mo")
    )
    locale = package / "locale"
    cwd = os.getcwd()
    os.chdir(package)
    try:
        with override_settings(LOCALE_PATHS=[locale]):
            call_command(
                "makemessages", locale=["fr"], no_obsolete=True, no_location=True, verbosity=0
            )
    finally:
        os.chdir(cwd)
    fresh = {
        msgid: msgstrs
        for msgid, msgstrs, _ in _entries(locale / "fr" / "LC_MESSAGES" / "django.po")
    }
    missing = sorted(msgid for msgid, msgstrs in fresh.items() if not all(msgstrs))
    assert not missing, f"Strings without a French translation (run `make messages`): {missing}"


@pytest.mark.django_db
def test_pages_speak_french_and_english(client_for, user) -> None:
    assert "Personnes" in client_for(user, language="fr").get("/people/").content.decode()
    assert "People" in client_for(user, language="en").get("/people/").content.decode()
    assert settings.LANGUAGE_CODE == "fr"


def test_login_page_follows_the_browser(db) -> None:
    fr = Client(headers={"accept-language": "fr-FR,fr;q=0.9"}).get("/login/").content.decode()
    en = Client(headers={"accept-language": "en-GB,en;q=0.9"}).get("/login/").content.decode()
    assert "Se connecter" in fr
    assert "Sign in" in en
