"""The ``cercle`` command: Django's management commands under a friendlier name.

``cercle serve``, ``cercle demo``, ``cercle import-users FILE.csv``,
``cercle migrate``...  Dashes in a command name are accepted for underscores.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cercle.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "cercle"
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
