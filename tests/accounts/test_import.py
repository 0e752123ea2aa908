from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from cercle.accounts.importing import CsvImportError, import_users_csv
from cercle.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = """email,first_name,last_name,job_title,department,region,site,manager_email,skills,phone_mobile
franck.bernard@hexagone.fr,Franck,Bernard,Développeur,Services informatiques,Auvergne-Rhône-Alpes,Lyon,alexandra.girard@hexagone.fr,Python;Kubernetes,+33 6 11 22 33 44
alexandra.girard@hexagone.fr,Alexandra,Girard,Directrice,Services informatiques,Île-de-France,Nanterre,,Management,
thomas.lefebvre@hexagone.fr,Thomas,Lefebvre,Ingénieur commercial,Ventes,Sud-Ouest,Toulouse,alexandra.girard@hexagone.fr,Appels d'offres|Ferroviaire,
"""


def errors_of(text: str) -> list[str]:
    with translation.override("en"):
        with pytest.raises(CsvImportError) as exc:
            import_users_csv(text)
        return [str(e) for e in exc.value.errors]


def test_import_creates_people_and_managers_in_any_order() -> None:
    report = import_users_csv(GOOD)
    assert (report.created, report.updated) == (3, 0)
    franck = User.objects.get(email="franck.bernard@hexagone.fr")
    assert franck.manager is not None and franck.manager.first_name == "Alexandra"
    assert franck.department is not None and franck.department.name == "Services informatiques"
    assert sorted(franck.skills.values_list("name", flat=True)) == ["Kubernetes", "Python"]
    assert not franck.has_usable_password()
    thomas = User.objects.get(email="thomas.lefebvre@hexagone.fr")
    assert sorted(thomas.skills.values_list("name", flat=True)) == [
        "Appels d'offres",
        "Ferroviaire",
    ]


def test_import_is_idempotent() -> None:
    import_users_csv(GOOD)
    snapshot = list(User.objects.order_by("email").values("email", "job_title", "manager__email"))
    report = import_users_csv(GOOD)
    assert (report.created, report.updated) == (0, 3)
    assert (
        list(User.objects.order_by("email").values("email", "job_title", "manager__email"))
        == snapshot
    )
    assert User.objects.count() == 3


def test_import_updates_only_the_columns_given() -> None:
    import_users_csv(GOOD)
    import_users_csv(
        "email,first_name,last_name,job_title\nFRANCK.BERNARD@hexagone.fr,Franck,Bernard,Architecte\n"
    )
    franck = User.objects.get(email="franck.bernard@hexagone.fr")
    assert franck.job_title == "Architecte"
    assert franck.manager is not None  # untouched: the column was absent
    assert franck.skills.count() == 2


def test_semicolon_separated_files_and_bom() -> None:
    text = "\ufeffemail;first_name;last_name\nmarie@example.com;Marie;Curie\n"
    assert import_users_csv(text).created == 1


def test_a_bad_row_imports_nothing_and_errors_have_line_numbers() -> None:
    bad = GOOD + "not-an-email,Jean,Dupont,,,,,,,\n" + "jeanne@example.com,,Durand,,,,,,,\n"
    errors = errors_of(bad)
    assert any(e.startswith("line 5:") and "not a valid e-mail" in e for e in errors)
    assert any(e.startswith("line 6:") and "first_name is required" in e for e in errors)
    assert User.objects.count() == 0


def test_unknown_manager_is_an_error() -> None:
    text = "email,first_name,last_name,manager_email\na@example.com,A,B,ghost@example.com\n"
    errors = errors_of(text)
    assert errors == ["line 2: unknown manager ghost@example.com: not in the file nor in Cercle."]
    assert User.objects.count() == 0


def test_manager_already_in_cercle_is_accepted() -> None:
    boss = UserFactory(email="boss@example.com")
    import_users_csv(
        "email,first_name,last_name,manager_email\na@example.com,A,B,BOSS@example.com\n"
    )
    assert User.objects.get(email="a@example.com").manager == boss


def test_duplicate_email_in_the_file() -> None:
    text = "email,first_name,last_name\na@example.com,A,B\nA@Example.com,C,D\n"
    assert errors_of(text) == ["line 3: a@example.com is already on line 2."]


def test_reporting_loop_in_the_file() -> None:
    text = (
        "email,first_name,last_name,manager_email\n"
        "a@example.com,A,A,b@example.com\nb@example.com,B,B,a@example.com\n"
    )
    errors = errors_of(text)
    assert len(errors) == 2 and all("loops back" in e for e in errors)


def test_unknown_or_missing_columns() -> None:
    assert "unknown column(s): salary" in errors_of("email,first_name,last_name,salary\n")[0]
    assert "missing required column(s): last_name" in errors_of("email,first_name\n")[0]


def test_wrong_cell_count_and_bad_phone() -> None:
    errors = errors_of(
        "email,first_name,last_name,phone_work\na@example.com,A\nb@example.com,B,B,hello\n"
    )
    assert errors[0].startswith("line 2: expected 4 cells, found 2")
    assert errors[1].startswith("line 3: phone_work")


def test_empty_file() -> None:
    assert errors_of("") == ["line 1: The file is empty."]


def test_command_success_and_failure(tmp_path: Path, capsys) -> None:
    good = tmp_path / "people.csv"
    good.write_text(GOOD, encoding="utf-8")
    with translation.override("en"):
        call_command("import_users", str(good))
    assert "3 created, 0 updated" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("email,first_name,last_name\nbroken,A,B\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_users", str(bad))
    assert "line 2:" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("import_users", str(tmp_path / "missing.csv"))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("email,first_name,last_name\né@x.fr,É,È\n".encode("latin-1"))
    with pytest.raises(CommandError):
        call_command("import_users", str(latin1))
