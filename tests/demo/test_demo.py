from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from cercle.accounts.models import User
from cercle.accounts.selectors import manager_chain_ids
from cercle.demo.build import build_demo_company
from cercle.demo.company import ALEXANDRA, FRANCK, SOPHIE, THOMAS

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    return list(
        User.objects.order_by("email").values_list(
            "email",
            "first_name",
            "last_name",
            "job_title",
            "department__name",
            "region__name",
            "manager__email",
            "site",
        )
    )


def test_demo_company_shape() -> None:
    result = build_demo_company(users=300, seed=7)
    assert result.users == User.objects.count() == 300
    thomas = User.objects.get(email=THOMAS.email)
    assert thomas.job_title == "Ingénieur commercial"
    assert thomas.region is not None and thomas.region.name == "Sud-Ouest"
    assert thomas.manager is not None and thomas.manager.region == thomas.region
    assert thomas.check_password("cercle-demo")
    alexandra = User.objects.get(email=ALEXANDRA.email)
    # Alexandra runs a unit of about 200 people: count everyone below her.
    below = sum(1 for u in User.objects.all() if alexandra.pk in manager_chain_ids(u.pk))
    assert 180 <= below <= 220
    franck = User.objects.get(email=FRANCK.email)
    assert alexandra.pk in manager_chain_ids(franck.pk)
    assert "nouvelles technologies" in franck.bio
    assert User.objects.get(email=SOPHIE.email).is_staff
    # One head at the top, everyone else has a manager; every department is present.
    assert User.objects.filter(manager__isnull=True).count() == 1
    departments = dict(User.objects.values_list("department__name").annotate(n=Count("id")))
    assert {
        "Ventes",
        "Ingénierie",
        "Services informatiques",
        "Ressources humaines",
        "Finance",
        "Direction",
    } <= set(departments)
    assert User.objects.filter(user_skills__isnull=True).count() == 0


def test_demo_is_deterministic_for_a_seed() -> None:
    build_demo_company(users=60, seed=42, social=False)
    first = _snapshot()
    User.objects.all().delete()
    build_demo_company(users=60, seed=42, social=False)
    assert _snapshot() == first
    User.objects.all().delete()
    build_demo_company(users=60, seed=43, social=False)
    assert _snapshot() != first


def test_demo_scales() -> None:
    build_demo_company(users=1000, seed=1, social=False)
    assert User.objects.count() == 1000
    assert User.objects.filter(email=THOMAS.email).exists()


@pytest.mark.django_db(transaction=True)  # --reset flushes, which needs real transactions
def test_demo_command_refuses_a_non_empty_database(capsys) -> None:
    call_command("demo", users=40)
    with pytest.raises(CommandError, match="already has people"):
        call_command("demo", users=40)
    call_command("demo", users=40, if_empty=True)  # quietly does nothing
    assert User.objects.count() == 40
    assert THOMAS.email in capsys.readouterr().out
    call_command("demo", users=50, reset=True, no_input=True)
    assert User.objects.count() == 50


def test_demo_needs_enough_people() -> None:
    with pytest.raises(CommandError):
        call_command("demo", users=5)
