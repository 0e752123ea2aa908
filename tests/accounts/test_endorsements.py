from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cercle.access import NotFound
from cercle.accounts import selectors, services
from cercle.accounts.models import Endorsement

pytestmark = pytest.mark.django_db


@pytest.fixture
def skilled(other, staff):
    services.profile_update(
        actor=staff, user=other, data={"skills": ["Appels d'offres", "Soudure TIG"]}
    )
    return other


def test_endorse_count_withdraw_and_repeat(user, staff, skilled) -> None:
    assert (
        services.skill_endorse(endorser=user, person=skilled, skill="appels d’offres", on=True) == 1
    )
    assert (
        services.skill_endorse(endorser=user, person=skilled, skill="Appels d'offres", on=True) == 1
    )
    assert (
        services.skill_endorse(endorser=staff, person=skilled, skill="APPELS D'OFFRES", on=True)
        == 2
    )
    skills = selectors.skills_of(viewer=user, person=skilled)
    assert [(s.name, s.endorsements, s.mine) for s in skills] == [
        ("Appels d'offres", 2, True),
        ("Soudure TIG", 0, False),
    ]
    assert {p.pk for p in skills[0].endorsers} == {user.pk, staff.pk}
    assert (
        services.skill_endorse(endorser=user, person=skilled, skill="Appels d'offres", on=False)
        == 1
    )
    assert (
        services.skill_endorse(endorser=user, person=skilled, skill="Appels d'offres", on=False)
        == 1
    )


def test_refusals_change_nothing(user, skilled) -> None:
    with pytest.raises(ValidationError):
        services.skill_endorse(endorser=skilled, person=skilled, skill="Soudure TIG", on=True)
    with pytest.raises(ValidationError):
        services.skill_endorse(endorser=user, person=skilled, skill="Kubernetes", on=True)
    user.is_active = False
    with pytest.raises(PermissionDenied):
        services.skill_endorse(endorser=user, person=skilled, skill="Soudure TIG", on=True)
    assert not Endorsement.objects.exists()


def test_people_who_left_cannot_be_endorsed(user, staff, skilled) -> None:
    services.user_deactivate(actor=staff, user=skilled)
    skilled.refresh_from_db()
    with pytest.raises((ValidationError, NotFound)):
        services.skill_endorse(endorser=user, person=skilled, skill="Soudure TIG", on=True)
    assert not Endorsement.objects.exists()


def test_removing_a_skill_removes_its_endorsements_only(user, staff, skilled) -> None:
    services.skill_endorse(endorser=user, person=skilled, skill="Soudure TIG", on=True)
    services.skill_endorse(endorser=user, person=skilled, skill="Appels d'offres", on=True)
    services.profile_update(actor=staff, user=skilled, data={"skills": ["Appels d'offres"]})
    assert [(s.name, s.endorsements) for s in selectors.skills_of(viewer=user, person=skilled)] == [
        ("Appels d'offres", 1)
    ]


def test_profile_page_button_and_htmx_toggle(logged_client, skilled) -> None:
    page = logged_client.get(f"/people/{skilled.pk}/").content.decode()
    assert 'aria-pressed="false"' in page and "Soudure TIG" in page
    response = logged_client.post(
        f"/people/{skilled.pk}/endorse/",
        {"skill": "Soudure TIG", "on": "1"},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and 'aria-pressed="true"' in fragment
    assert "👍 1" in fragment and "<html" not in fragment
    plain = logged_client.post(
        f"/people/{skilled.pk}/endorse/", {"skill": "Soudure TIG", "on": "0"}
    )
    assert plain.status_code == 302
    bad = logged_client.post(f"/people/{skilled.pk}/endorse/", {"skill": "Nope", "on": "1"})
    assert bad.status_code == 400
    assert (
        logged_client.post("/people/999999/endorse/", {"skill": "x", "on": "1"}).status_code == 404
    )


def test_own_profile_has_no_endorse_button(client_for, skilled) -> None:
    page = client_for(skilled).get(f"/people/{skilled.pk}/").content.decode()
    assert "Soudure TIG" in page and "aria-pressed" not in page


def test_api(logged_client, user, skilled) -> None:
    url = f"/api/v1/people/{skilled.pk}/skills/Soudure%20TIG/endorsement"
    assert logged_client.put(url).json() == {"name": "Soudure TIG", "endorsements": 1, "mine": True}
    listed = logged_client.get(f"/api/v1/people/{skilled.pk}/skills").json()
    assert listed[0] == {"name": "Soudure TIG", "endorsements": 1, "mine": True}
    assert logged_client.delete(url).json()["endorsements"] == 0
    missing = logged_client.put(f"/api/v1/people/{skilled.pk}/skills/Nope/endorsement")
    assert missing.status_code == 422 and "skill" in missing.json()["error"]["fields"]
    own = logged_client.put(f"/api/v1/people/{user.pk}/skills/Nope/endorsement")
    assert own.status_code == 422
    assert logged_client.put("/api/v1/people/999999/skills/x/endorsement").status_code == 404
