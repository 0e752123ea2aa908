from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cercle.accounts import selectors, services
from cercle.accounts.models import User
from cercle.accounts.selectors import DirectoryFilters
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(staff: User) -> dict[str, User]:
    ceo = UserFactory(first_name="Catherine", last_name="Moreau")
    alexandra = UserFactory(first_name="Alexandra", last_name="Girard", manager=ceo)
    franck = UserFactory(first_name="Franck", last_name="Bernard", manager=alexandra)
    thomas = UserFactory(first_name="Thomas", last_name="Lefèbvre", manager=ceo)
    services.profile_update(
        actor=staff,
        user=alexandra,
        data={
            "department": "Services informatiques",
            "region": "Île-de-France",
            "skills": ["Management", "Cloud Azure"],
        },
    )
    services.profile_update(
        actor=staff,
        user=franck,
        data={
            "department": "Services informatiques",
            "region": "Auvergne-Rhône-Alpes",
            "skills": ["Python", "Kubernetes"],
        },
    )
    services.profile_update(
        actor=staff,
        user=thomas,
        data={"department": "Ventes", "region": "Sud-Ouest", "skills": ["Appels d'offres"]},
    )
    return {"ceo": ceo, "alexandra": alexandra, "franck": franck, "thomas": thomas, "staff": staff}


def _names(qs) -> list[str]:
    return [u.first_name for u in qs]


def test_directory_search_ignores_accents_and_case(company) -> None:
    viewer = company["franck"]
    assert _names(
        selectors.directory_search(viewer=viewer, filters=DirectoryFilters(q="LEFEBVRE"))
    ) == ["Thomas"]
    assert _names(
        selectors.directory_search(viewer=viewer, filters=DirectoryFilters(q="thom lef"))
    ) == ["Thomas"]


def test_directory_filters_combine(company) -> None:
    viewer = company["thomas"]
    it = DirectoryFilters(department="services informatiques")
    assert sorted(_names(selectors.directory_search(viewer=viewer, filters=it))) == [
        "Alexandra",
        "Franck",
    ]
    both = DirectoryFilters(department="Services informatiques", region="ile-de-france")
    assert _names(selectors.directory_search(viewer=viewer, filters=both)) == ["Alexandra"]
    skill = DirectoryFilters(skill="appels d’offres".replace("’", "'"), region="Sud-Ouest")
    assert _names(selectors.directory_search(viewer=viewer, filters=skill)) == ["Thomas"]
    assert (
        _names(selectors.directory_search(viewer=viewer, filters=DirectoryFilters(skill="cobol")))
        == []
    )


def test_directory_leaves_out_deactivated_people_and_anonymous_sees_nobody(company) -> None:
    franck = company["franck"]
    franck.is_active = False
    franck.save()
    assert "Franck" not in _names(
        selectors.directory_search(viewer=company["thomas"], filters=DirectoryFilters())
    )
    assert (
        list(selectors.directory_search(viewer=AnonymousUser(), filters=DirectoryFilters())) == []
    )
    # ... but a deactivated person's profile still resolves (their name stays on content).
    assert selectors.person_get(viewer=company["thomas"], user_id=franck.pk) == franck


def test_directory_query_count_does_not_grow_with_results(
    company, django_assert_num_queries
) -> None:
    for _ in range(15):
        UserFactory()
    with django_assert_num_queries(2):  # people + their skills
        people = list(
            selectors.directory_search(viewer=company["thomas"], filters=DirectoryFilters())
        )
        for person in people:
            _ = [s.name for s in person.skills.all()]
            _ = person.department, person.region


def test_org_chart_chain_and_reports(company, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(5):
        chart = selectors.org_chart(viewer=company["thomas"], user_id=company["franck"].pk)
    assert chart is not None
    assert [u.first_name for u in chart.chain] == ["Catherine", "Alexandra"]
    assert chart.reports == []
    top = selectors.org_chart(viewer=company["thomas"], user_id=company["ceo"].pk)
    assert top is not None and top.chain == []
    assert sorted(u.first_name for u in top.reports) == ["Alexandra", "Thomas"]


def test_org_chart_of_unknown_person_is_none(company) -> None:
    assert selectors.org_chart(viewer=company["thomas"], user_id=999_999) is None


def test_manager_chain_survives_a_corrupted_loop(company) -> None:
    # Bypass the services' checks to simulate a loop written by hand in the database.
    User.objects.filter(pk=company["ceo"].pk).update(manager=company["franck"])
    ids = selectors.manager_chain_ids(company["franck"].pk)
    assert ids == [company["alexandra"].pk, company["ceo"].pk]
