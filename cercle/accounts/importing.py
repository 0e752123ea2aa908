"""Bulk import of people from a CSV file: validate everything, then write everything.

Columns (header row required, comma or semicolon separated, UTF-8):

=================  ========  =====================================================
column             required  meaning
=================  ========  =====================================================
email              yes       work e-mail; the key of the upsert (case-insensitive)
first_name         yes
last_name          yes
display_name                 how the name is shown, if not "first last"
job_title
department                   created on first use
region                       created on first use
site                         town or site name
manager_email                e-mail of the manager (in the file or already in Cercle)
phone_work
phone_mobile
skills                       separated by ``;`` or ``|``
languages
bio
ask_me_about
=================  ========  =====================================================

A row sets every column present in the header (an empty cell clears that
field); columns absent from the header are left alone.  Any error anywhere
means nothing is imported: errors come back with their line numbers.
Managers are set in a second pass, so a file may list people in any order.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cercle.accounts.models import User, normalize_email
from cercle.accounts.selectors import manager_chain_ids
from cercle.accounts.services import (
    PHONE_RE,
    department_for,
    email_is_valid,
    normalize_skills,
    region_for,
    set_skills,
)
from cercle.core.text import clean_label, clean_text

REQUIRED = ("email", "first_name", "last_name")
TEXT_COLUMNS = {
    "first_name": 80,
    "last_name": 80,
    "display_name": 120,
    "job_title": 120,
    "department": 100,
    "region": 100,
    "site": 120,
    "phone_work": 30,
    "phone_mobile": 30,
    "languages": 200,
    "bio": 1000,
    "ask_me_about": 300,
}
COLUMNS = frozenset({"email", "manager_email", "skills", *TEXT_COLUMNS})
SKILL_SEPARATORS = re.compile(r"[;|]")
MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, str]
    skills: list[str] | None = None


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class CsvImportError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def _read(text: str) -> tuple[list[str], list[Row], list[RowError]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [clean_label(h).lower() for h in next(reader)]
    except StopIteration:
        return [], [], [RowError(1, _("The file is empty."))]
    errors: list[RowError] = []
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        errors.append(
            RowError(
                1,
                _("unknown column(s): %(cols)s. Known columns: %(known)s.")
                % {"cols": ", ".join(unknown), "known": ", ".join(sorted(COLUMNS))},
            )
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        errors.append(
            RowError(1, _("missing required column(s): %(cols)s.") % {"cols": ", ".join(missing)})
        )
    if len(set(header)) != len(header):
        errors.append(RowError(1, _("a column appears twice.")))
    rows: list[Row] = []
    if errors:
        return header, rows, errors
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            errors.append(
                RowError(reader.line_num, _("too many rows (at most %(max)d).") % {"max": MAX_ROWS})
            )
            break
        if len(values) != len(header):
            errors.append(
                RowError(
                    reader.line_num,
                    _("expected %(expected)d cells, found %(found)d.")
                    % {"expected": len(header), "found": len(values)},
                )
            )
            continue
        rows.append(
            Row(reader.line_num, {h: v.strip() for h, v in zip(header, values, strict=True)})
        )
    return header, rows, errors


def _validate(header: list[str], rows: list[Row]) -> list[RowError]:
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row in rows:
        email = normalize_email(row.values["email"])
        row.values["email"] = email
        if not email or not email_is_valid(email):
            errors.append(
                RowError(
                    row.line,
                    _("“%(email)s” is not a valid e-mail address.")
                    % {"email": row.values["email"]},
                )
            )
        elif email in seen:
            errors.append(
                RowError(
                    row.line,
                    _("%(email)s is already on line %(other)d.")
                    % {"email": email, "other": seen[email]},
                )
            )
        else:
            seen[email] = row.line
        for column in ("first_name", "last_name"):
            if not row.values.get(column):
                errors.append(RowError(row.line, _("%(column)s is required.") % {"column": column}))
        for column, limit in TEXT_COLUMNS.items():
            if len(row.values.get(column, "")) > limit:
                errors.append(
                    RowError(
                        row.line,
                        _("%(column)s is longer than %(max)d characters.")
                        % {"column": column, "max": limit},
                    )
                )
        for column in ("phone_work", "phone_mobile"):
            value = row.values.get(column, "")
            if value and not PHONE_RE.match(value):
                errors.append(
                    RowError(
                        row.line,
                        _("%(column)s “%(value)s” is not a phone number.")
                        % {"column": column, "value": value},
                    )
                )
        if "skills" in header:
            try:
                row.skills = normalize_skills(SKILL_SEPARATORS.split(row.values["skills"]))
            except ValidationError as exc:
                errors.extend(RowError(row.line, m) for m in exc.messages)
    if "manager_email" in header:
        errors.extend(_validate_managers(rows, seen))
    return sorted(errors, key=lambda e: e.line)


def _validate_managers(rows: list[Row], in_file: dict[str, int]) -> list[RowError]:
    errors: list[RowError] = []
    wanted = {normalize_email(r.values.get("manager_email", "")) for r in rows} - {""}
    existing = dict(
        User.objects.filter(email__in=wanted - set(in_file), is_active=True).values_list(
            "email", "pk"
        )
    )
    manager_of: dict[str, str] = {}
    for row in rows:
        manager = normalize_email(row.values.get("manager_email", ""))
        row.values["manager_email"] = manager
        if not manager:
            continue
        if manager == row.values["email"]:
            errors.append(RowError(row.line, _("a person cannot be their own manager.")))
        elif manager not in in_file and manager not in existing:
            errors.append(
                RowError(
                    row.line,
                    _("unknown manager %(email)s: not in the file nor in Cercle.")
                    % {"email": manager},
                )
            )
        else:
            manager_of[row.values["email"]] = manager
    # A loop among the file's own reporting lines.
    for row in rows:
        email = row.values["email"]
        visited: set[str] = set()
        current = manager_of.get(email)
        while current is not None and current not in visited:
            if current == email:
                errors.append(
                    RowError(row.line, _("the reporting line loops back to this person."))
                )
                break
            visited.add(current)
            current = manager_of.get(current)
    return errors


def _apply(header: list[str], rows: list[Row], progress: Callable[[int], object]) -> ImportReport:
    report = ImportReport()
    existing = {
        u.email: u for u in User.objects.filter(email__in=[r.values["email"] for r in rows])
    }
    people: dict[str, User] = {}
    for row in rows:
        user = existing.get(row.values["email"])
        if user is None:
            user = User(email=row.values["email"])
            user.set_unusable_password()  # they choose one through "forgot password"
            report.created += 1
        else:
            report.updated += 1
        for column in TEXT_COLUMNS:
            if column in header and column not in ("department", "region"):
                value = row.values[column]
                setattr(user, column, clean_text(value) if column == "bio" else clean_label(value))
        if "department" in header:
            user.department = department_for(row.values["department"])
        if "region" in header:
            user.region = region_for(row.values["region"])
        user.save()
        if row.skills is not None:
            set_skills(user, row.skills)
        people[user.email] = user
        progress(1)
    if "manager_email" in header:
        managers = {r.values["manager_email"] for r in rows} - {""}
        outside = {u.email: u for u in User.objects.filter(email__in=managers - set(people))}
        for row in rows:
            user = people[row.values["email"]]
            email = row.values["manager_email"]
            user.manager = (people.get(email) or outside.get(email)) if email else None
        User.objects.bulk_update(people.values(), ["manager"], batch_size=500)
        # A loop through people already in Cercle is only visible now.
        for row in rows:
            user = people[row.values["email"]]
            if user.pk in manager_chain_ids(user.pk):
                raise CsvImportError(
                    [RowError(row.line, _("the reporting line loops back to this person."))]
                )
    return report


def import_users_csv(
    text: str, *, progress: Callable[[int], object] = lambda _: None
) -> ImportReport:
    """Validate the whole file, then upsert every row in one transaction.

    Raises ``CsvImportError`` with every error found (nothing written).
    """
    header, rows, errors = _read(text.lstrip("\ufeff"))
    if rows:  # the header was fine: check every well-formed row too
        errors = sorted(errors + _validate(header, rows), key=lambda e: e.line)
    if errors:
        raise CsvImportError(errors)
    with transaction.atomic():
        return _apply(header, rows, progress)


def count_rows(text: str) -> int:
    return max(0, sum(1 for line in text.splitlines() if line.strip()) - 1)
