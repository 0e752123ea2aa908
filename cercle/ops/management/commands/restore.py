"""``cercle restore PATH``: put back the database and the files of a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cercle.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the files with those of a backup made by cercle backup "
        "(stop the web servers and workers first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The archive written by cercle backup.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask for confirmation (the current data is replaced).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]).resolve()
        if not options["yes"]:
            answer = input(
                _("Everything in this site's database is replaced by %(path)s. Type yes to go on: ")
                % {"path": path}
            )
            if answer.strip().lower() not in {"yes", "oui"}:
                raise CommandError(_("Nothing was changed."))
        try:
            summary = restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored from %(path)s: the database and %(files)d files.")
            % {"path": summary.path, "files": summary.files}
        )
