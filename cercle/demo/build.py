"""The whole demo in one transaction: the company's people, then its social life.

``cercle.demo.company`` makes the people and the organisation;
``cercle.demo.social`` (the words, the stories, the background activity)
their communities, conversations and follows, naming
the company's personas.  This module runs both, in that order (neither
imports the other's builder).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from cercle.demo.company import MIN_USERS, PERSONAS, CompanyBuilder
from cercle.demo.social import SocialResult, build_social_demo


@dataclass(slots=True)
class DemoResult:
    users: int
    personas: dict[str, str] = field(default_factory=dict)  # key -> e-mail
    social: SocialResult | None = None  # None when built without social content


def _no_progress(_: int) -> object:
    return None


def _no_mail_about_the_past() -> None:
    """The stories' notifications are history: nobody is e-mailed about them.

    They stay under the bell; what happens from now on is e-mailed as usual.
    """
    from django_tasks_db.models import DBTaskResult

    from cercle.notifications.models import EmailChoice, Notification

    Notification.objects.exclude(email=EmailChoice.OFF).update(email=EmailChoice.OFF)
    DBTaskResult.objects.filter(task_path__startswith="cercle.notifications.").delete()


def build_demo_company(
    *,
    users: int = 300,
    seed: int = 2015,
    progress: Callable[[int], object] = _no_progress,
    social: bool = True,
) -> DemoResult:
    """Create the demo company in one transaction; the database must be empty of people.

    With ``social`` (the default) the people also get communities, conversations
    and follows (``cercle.demo.social``), in the same transaction: a failure
    leaves neither a company without its content nor content without its people.
    """
    if users < MIN_USERS:
        raise ValueError(f"The demo company needs at least {MIN_USERS} people.")
    builder = CompanyBuilder(users=users, seed=seed)
    builder.build(progress)
    social_result = None
    with transaction.atomic():
        builder.save()
        if social:
            social_result = build_social_demo(seed=seed, progress=progress)
            # The stories backdate what they write: index the dates they ended with.
            from cercle.search.index import rebuild

            rebuild()
            _no_mail_about_the_past()
    return DemoResult(
        users=len(builder.people),
        personas={p.key: p.email for p in PERSONAS},
        social=social_result,
    )
