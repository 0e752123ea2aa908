"""The expert finder: evidence, reasons, filters, hidden subjects and what never leaks."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cercle.accounts import services as accounts
from cercle.accounts.models import Region
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import services as posts
from cercle.search import services
from cercle.search.experts import (
    ExpertFilters,
    coverage,
    find_experts,
    skill_matches,
    subject_of,
)
from cercle.search.models import HiddenTopic
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RAIL = "appel d'offres ferroviaire"


def _person(first: str, last: str, *, region: str = "", department: str = "", site: str = ""):
    person = UserFactory(first_name=first, last_name=last, site=site)
    if region or department:
        accounts.profile_update(
            actor=person, user=person, data={"region": region, "department": department}
        )
    return person


@pytest.fixture
def company(user, other, staff):
    """Thomas (user) asks; Alexandra (other) and three colleagues know things."""
    accounts.profile_update(actor=other, user=other, data={"region": "Sud-Ouest"})
    marc = _person("Marc", "Petit", region="Sud-Ouest", department="Commercial", site="Bordeaux")
    lea = _person("Léa", "Roux", region="Île-de-France", department="Ingénierie", site="Paris")
    nina = _person("Nina", "Faure", region="Sud-Ouest", department="Ingénierie", site="Toulouse")
    # Declared skills, endorsed by colleagues.
    accounts.profile_update(actor=lea, user=lea, data={"skills": ["Appels d'offres", "Soudure"]})
    for colleague in (user, staff, marc):
        accounts.skill_endorse(endorser=colleague, person=lea, skill="appels d'offres", on=True)
    accounts.profile_update(actor=nina, user=nina, data={"skills": ["Maintenance ferroviaire"]})
    # Written evidence in an open community of the Sud-Ouest.
    sud = communities.community_create(
        actor=other, name="Commerciaux Sud-Ouest", kind=CommunityKind.OPEN
    )
    communities.community_join(actor=marc, community=sud)
    question = posts.post_create(
        author=other, community=sud, body="Qui a déjà répondu à un appel d'offres ferroviaire ?"
    )
    answer = posts.comment_create(
        author=marc, post=question, body="Moi, pour la SNCF : je t'envoie notre mémoire."
    )
    posts.comment_create(author=marc, post=question, body="Et le chiffrage de la maintenance.")
    posts.post_create(
        author=marc, community=sud, body="Retour d'expérience : appels d'offres ferroviaires 2026"
    )
    for fan in (user, other, lea):
        posts.reaction_set(user=fan, post=question, comment=answer, emoji="like", on=True)
    return {"marc": marc, "lea": lea, "nina": nina, "sud": sud, "question": question}


def test_subjects_and_skill_matching() -> None:
    rail = subject_of(RAIL)
    assert skill_matches(subject_of("Appels d'offres"), rail)
    assert skill_matches(subject_of("Appels d’offres ferroviaires"), rail)
    assert not skill_matches(subject_of("Maintenance ferroviaire"), subject_of("appel d'offres"))
    assert skill_matches(subject_of("Soudure"), subject_of("soudures"))
    assert skill_matches(subject_of("Kubernetes"), subject_of("#kubernetes"))
    assert subject_of("#AppelsDOffres").key == subject_of("appels d'offres").key
    assert not skill_matches(subject_of("Python"), subject_of("soudure"))
    # A skill weighs by how much of the subject it names.
    assert coverage(subject_of("Ferroviaire"), rail) == pytest.approx(1 / 3)
    assert coverage(subject_of("Appels d'offres"), rail) == pytest.approx(2 / 3)
    assert coverage(subject_of("Soudure TIG"), subject_of("soudure")) == 1.0


def test_ranked_with_every_kind_of_evidence_explained(user, company) -> None:
    found = find_experts(viewer=user, q=RAIL)
    by_name = {e.person.name: e for e in found}
    marc, lea = by_name["Marc Petit"], by_name["Léa Roux"]
    assert (marc.posts, marc.comments, marc.answers, marc.reactions) == (1, 0, 2, 3)
    assert [c.name for c in marc.communities] == ["Commerciaux Sud-Ouest"]
    assert [(s.name, s.endorsements) for s in lea.skills] == [("Appels d'offres", 3)]
    with translation.override("en"):
        assert marc.explanation == (
            "1 post on the subject, 2 answers in conversations on the subject, "
            "3 reactions from colleagues, active in Commerciaux Sud-Ouest"
        )
        assert lea.reasons == ["Skill “Appels d'offres”, endorsed by 3 colleagues"]
    # Alexandra asked the question: her post matches too.
    assert by_name["Alexandra Girard"].posts == 1
    # "Maintenance ferroviaire" does not answer a question about tenders.
    assert "Nina Faure" not in by_name
    assert "Thomas Lefebvre" not in by_name  # the asker is never suggested
    assert found[0].score >= found[-1].score
    with translation.override("fr"):
        assert marc.explanation == (
            "1 message sur le sujet, 2 réponses dans des conversations sur le sujet, "
            "3 réactions de collègues, participe à Commerciaux Sud-Ouest"
        )


def test_filters_by_region_department_and_site(user, company) -> None:
    sud = Region.objects.get(key="sud-ouest")
    names = {e.person.name for e in find_experts(viewer=user, q=RAIL, filters=ExpertFilters(sud))}
    assert names == {"Marc Petit", "Alexandra Girard"}
    site = find_experts(viewer=user, q=RAIL, filters=ExpertFilters(site="bordeaux"))
    assert [e.person.name for e in site] == ["Marc Petit"]
    lea_department = company["lea"].department
    assert find_experts(viewer=user, q=RAIL, filters=ExpertFilters(department=lea_department))
    assert find_experts(viewer=user, q="", filters=ExpertFilters(sud)) == []


def test_a_secret_community_never_counts_for_outsiders(user, other, company) -> None:
    marc = company["marc"]
    secret = communities.community_create(
        actor=marc, name="Projet confidentiel", kind=CommunityKind.SECRET
    )
    private = communities.community_create(
        actor=marc, name="Cellule privée", kind=CommunityKind.PRIVATE
    )
    for where in (secret, private):
        posts.post_create(author=marc, community=where, body="Soudure orbitale des rails")
    outsider = find_experts(viewer=user, q="soudure orbitale")
    # Léa declared "Soudure" (public); Marc's posts are behind closed doors.
    assert [(e.person.name, e.posts, e.communities) for e in outsider] == [("Léa Roux", 0, [])]
    assert "Projet confidentiel" not in str([e.reasons for e in find_experts(viewer=user, q=RAIL)])
    communities.community_invite(actor=marc, community=secret, user=user)
    communities.community_join(actor=user, community=secret)
    member = {e.person.name: e for e in find_experts(viewer=user, q="soudure orbitale")}
    assert member["Marc Petit"].posts == 1
    assert [c.name for c in member["Marc Petit"].communities] == ["Projet confidentiel"]


def test_hidden_subject_silences_activity_but_not_declared_skills(user, company) -> None:
    marc, lea = company["marc"], company["lea"]
    topic = services.topic_hide(user=marc, label="Appels d’offres")
    assert services.topic_hide(user=marc, label="  appels D'OFFRES ") == topic  # idempotent
    assert all(e.person != marc for e in find_experts(viewer=user, q=RAIL))
    # Another subject is not hidden.
    assert any(e.person == marc for e in find_experts(viewer=user, q="chiffrage maintenance"))
    services.topic_hide(user=lea, label="#AppelsDOffres")
    lea_found = next(e for e in find_experts(viewer=user, q=RAIL) if e.person == lea)
    assert lea_found.skills and lea_found.posts == 0
    assert services.topic_show(user=marc, topic_id=topic.pk)
    assert not services.topic_show(user=marc, topic_id=topic.pk)
    assert any(e.person == marc for e in find_experts(viewer=user, q=RAIL))
    # A CamelCase #topic from "my expertise" hides its words, whatever their form.
    services.topic_hide(user=marc, label="#AppelsDOffres")
    for q in (RAIL, "appels d'offres ferroviaires", "#appelsdoffres"):
        assert all(e.person != marc for e in find_experts(viewer=user, q=q)), q


@pytest.mark.parametrize("label", ["", "   ", "de la", "x" * 101])
def test_hiding_a_bad_subject_is_refused_and_changes_nothing(user, label) -> None:
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        services.topic_hide(user=user, label=label)
    assert refused.value.message_dict["label"][0]
    assert not HiddenTopic.objects.exists()


def test_at_most_fifty_hidden_subjects(user) -> None:
    for n in range(services.MAX_HIDDEN):
        services.topic_hide(user=user, label=f"sujet{n}")
    with pytest.raises(ValidationError):
        services.topic_hide(user=user, label="encore un")
    assert HiddenTopic.objects.filter(user=user).count() == services.MAX_HIDDEN


def test_inactive_people_are_not_suggested(user, company) -> None:
    marc = company["marc"]
    marc.is_active = False
    marc.save()
    assert all(e.person != marc for e in find_experts(viewer=user, q=RAIL))


def test_constant_queries_whatever_the_number_of_experts(
    user, company, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(9):
        few = find_experts(viewer=user, q=RAIL)
    for n in range(12):
        someone = _person(f"Expert{n}", "Rail", region="Sud-Ouest")
        accounts.profile_update(actor=someone, user=someone, data={"skills": ["Appels d'offres"]})
        posts.comment_create(author=someone, post=company["question"], body="Appel d'offres : oui")
    with django_assert_max_num_queries(9):
        many = find_experts(viewer=user, q=RAIL)
    assert len(many) > len(few)


# --- Pages and API ----------------------------------------------------------------------


def test_experts_page_explains_and_filters(client_for, user, company) -> None:
    client = client_for(user)
    page = client.get("/experts/", {"q": RAIL, "region": "sud-ouest"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Marc Petit" in html and "Léa Roux" not in html
    assert "2 réponses dans des conversations sur le sujet" in html
    assert f"author={company['marc'].pk}" in html  # a link to what he wrote
    english = client_for(user, language="en").get("/experts/", {"q": RAIL})
    assert "Skill “Appels d'offres”, endorsed by 3 colleagues" in unescape(english.content.decode())
    fragment = client.get("/experts/", {"q": RAIL}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "expert-card" in fragment.content.decode()
    empty = client.get("/experts/", {"q": "astrophysique"})
    assert empty.status_code == 200 and "Personne ne ressort encore" in empty.content.decode()
    assert client.get("/experts/").context["experts"] == []


@pytest.mark.parametrize(
    "params",
    [{"q": RAIL, "region": "atlantide"}, {"q": RAIL, "department": "nope"}, {"q": "x" * 201}],
)
def test_experts_page_refuses_bad_filters(logged_client, company, params) -> None:
    response = logged_client.get("/experts/", params)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert "experts" not in response.context
    assert response.context["q"] == params["q"][:200]  # kept in the box


def test_search_box_and_results_offer_who_knows(logged_client, company) -> None:
    box = logged_client.get("/search/suggest/", {"q": "soudure"}).content.decode()
    assert "/experts/?q=soudure" in box and "Qui sait « soudure » ?" in box
    nothing = logged_client.get("/search/suggest/", {"q": "zzqx"}).content.decode()
    assert "/experts/?q=zzqx" in nothing
    results = logged_client.get("/search/", {"q": "soudure"}).content.decode()
    assert "/experts/?q=soudure" in results


def test_my_expertise_page_hides_and_shows_subjects(client_for, user, company) -> None:
    marc = company["marc"]
    client = client_for(marc)
    page = client.get("/experts/me/")
    assert (
        page.status_code == 200 and "Comment vos collègues vous trouvent" in page.content.decode()
    )
    done = client.post("/experts/me/", {"label": "appels d'offres"})
    assert done.status_code == 302
    topic = HiddenTopic.objects.get(user=marc)
    assert all(e.person != marc for e in find_experts(viewer=user, q=RAIL))
    assert "appels d'offres" in unescape(client.get("/experts/me/").content.decode())
    refused = client.post("/experts/me/", {"label": "de"})
    assert refused.status_code == 400 and refused.context["form"].errors["label"]
    assert HiddenTopic.objects.filter(user=marc).count() == 1
    assert client.post("/experts/me/", {"show": str(topic.pk)}).status_code == 302
    assert not HiddenTopic.objects.exists()
    # Someone else's subject cannot be touched; nonsense is ignored.
    other_topic = services.topic_hide(user=user, label="soudure")
    client.post("/experts/me/", {"show": str(other_topic.pk)})
    client.post("/experts/me/", {"show": "abc"})
    assert HiddenTopic.objects.filter(pk=other_topic.pk).exists()


def test_experts_api(logged_client, company) -> None:
    data = logged_client.get("/api/v1/experts", {"q": RAIL, "region": "Sud-Ouest"}).json()
    marc = next(e for e in data if e["person"]["name"] == "Marc Petit")
    assert (marc["answers"], marc["reactions"]) == (2, 3)
    assert marc["communities"][0]["slug"] == company["sud"].slug
    assert marc["explanation"].startswith("1 message sur le sujet")
    assert all(e["person"]["region"] == "Sud-Ouest" for e in data)
    lea = logged_client.get("/api/v1/experts", {"q": "soudure"}).json()[0]
    assert lea["skills"] == [{"name": "Soudure", "endorsements": 0}]
    assert logged_client.get("/api/v1/experts", {"q": ""}).status_code == 422
    assert logged_client.get("/api/v1/experts", {"q": RAIL, "region": "nope"}).status_code == 422
    assert logged_client.get("/api/v1/experts", {"q": RAIL, "limit": 500}).status_code == 422


def test_hidden_subjects_api(client_for, company) -> None:
    client = client_for(company["marc"])
    made = client.post(
        "/api/v1/me/hidden-subjects", {"label": "Appels d'offres"}, content_type="application/json"
    )
    assert made.status_code == 201
    again = client.post(
        "/api/v1/me/hidden-subjects", {"label": "appels d’offres"}, content_type="application/json"
    )
    assert again.json()["id"] == made.json()["id"]
    listed = client.get("/api/v1/me/hidden-subjects").json()
    assert listed == [{"id": made.json()["id"], "label": "Appels d'offres"}]
    bad = client.post(
        "/api/v1/me/hidden-subjects", {"label": "la"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "label" in bad.json()["error"]["fields"]
    gone = client.delete(f"/api/v1/me/hidden-subjects/{made.json()['id']}")
    assert gone.status_code == 204
    assert client.delete(f"/api/v1/me/hidden-subjects/{made.json()['id']}").status_code == 404
