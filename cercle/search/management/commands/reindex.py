"""``cercle reindex``: rebuild the search index from the content."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from cercle.search import index
from cercle.search.models import SearchEntry


class Command(BaseCommand):
    help = "Rebuild the search index (posts, comments, communities) in one transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the index already has entries (used by `make run`).",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and SearchEntry.objects.exists():
            return
        bars: dict[str, tqdm[Any]] = {}

        def progress(label: str, done: int, total: int) -> None:
            if options["quiet"]:
                return
            bar = bars.get(label)
            if bar is None:
                bar = bars[label] = tqdm(total=total, desc=label, unit=" entries")
            bar.update(done - bar.n)

        written = index.rebuild(progress=progress)
        for bar in bars.values():
            bar.close()
        self.stdout.write(f"Search index rebuilt: {written} entries.")
