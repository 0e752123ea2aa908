"""``cercle demo``: fill an empty database with the French demo company."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from cercle.demo.build import build_demo_company
from cercle.demo.company import (
    ALEXANDRA,
    DEMO_PASSWORD,
    MIN_USERS,
    SOPHIE,
    THOMAS,
    is_database_empty,
)
from cercle.demo.social import social_steps


class Command(BaseCommand):
    help = "Create the demo company Hexagone Services Industriels (about 300 people)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=300, help="How many people (≥ 20).")
        parser.add_argument("--seed", type=int, default=2015, help="Same seed, same company.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) when the database already has people.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Erase EVERYTHING in the database first, then create the demo.",
        )
        parser.add_argument("--no-input", action="store_true", help="Do not ask to confirm.")
        parser.add_argument(
            "--no-social",
            action="store_true",
            help="Only the people: no communities, posts, comments or follows.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["users"] < MIN_USERS:
            raise CommandError(f"--users must be at least {MIN_USERS}.")
        if not is_database_empty():
            if options["if_empty"]:
                self._print_login_help()
                return
            if not options["reset"]:
                raise CommandError(
                    "The database already has people. Use --reset to erase it and start over "
                    "(or --if-empty to skip)."
                )
            if not options["no_input"]:
                answer = input("This erases every person and every post. Type 'yes': ")
                if answer.strip().lower() != "yes":
                    raise CommandError("Cancelled.")
            call_command("flush", interactive=False, verbosity=0)
        social = not options["no_social"]
        # People first, then (the same bar) communities, posts and comments.
        total = options["users"] + (social_steps(options["users"]) if social else 0)
        with tqdm(total=total, desc="Demo company", unit="steps") as bar:
            result = build_demo_company(
                users=options["users"], seed=options["seed"], progress=bar.update, social=social
            )
        self.stdout.write(self.style.SUCCESS(f"Created {result.users} people."))
        if result.social is not None:
            self.stdout.write(self.style.SUCCESS(f"Social content: {result.social.summary()}."))
        self._print_login_help()

    def _print_login_help(self) -> None:
        port = os.environ.get("PORT", "8000")
        self.stdout.write(
            f"\nSign in at http://127.0.0.1:{port}/login/ with password "
            f"'{DEMO_PASSWORD}' as:\n"
            f"  Thomas (sales engineer, Sud-Ouest):   {THOMAS.email}\n"
            f"  Alexandra (IT-services manager):      {ALEXANDRA.email}\n"
            f"  Sophie (community manager, admin):    {SOPHIE.email}\n"
        )
