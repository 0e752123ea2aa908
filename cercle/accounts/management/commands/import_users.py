"""``cercle import-users FILE.csv``: create or update people from a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from cercle.accounts.importing import CsvImportError, count_rows, import_users_csv


class Command(BaseCommand):
    help = (
        "Create or update people from a CSV file (upsert by e-mail). Columns: email, "
        "first_name, last_name (required), display_name, job_title, department, region, site, "
        "manager_email, phone_work, phone_mobile, skills (separated by ';'), languages, bio, "
        "ask_me_about. Nothing is imported if any row is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(_("File not found: %(path)s") % {"path": path}) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(_("The file must be encoded in UTF-8.")) from exc
        try:
            with tqdm(total=count_rows(text), desc=_("Importing"), unit="row") as bar:
                report = import_users_csv(text, progress=bar.update)
        except CsvImportError as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)d error(s): nothing was imported.") % {"count": len(failure.errors)}
            ) from failure
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)d created, %(updated)d updated.")
                % {"created": report.created, "updated": report.updated}
            )
        )
