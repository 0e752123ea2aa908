"""``cercle backup [PATH]``: the database and every file, in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and every file into one archive (cercle restore puts it back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="The archive to write (default: cercle-backup-<date>.tar.gz here).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = Path(options["path"] or f"cercle-backup-{stamp}.tar.gz").resolve()
        try:
            summary = backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Backup written: %(path)s (%(engine)s database, %(files)d files, %(size)s MB)")
            % {
                "path": summary.path,
                "engine": summary.engine,
                "files": summary.files,
                "size": f"{summary.size / 1e6:.1f}",
            }
        )
