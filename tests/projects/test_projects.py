"""Projects across sites: a community as a project, milestones, action items, my actions —
through the services and the API, with what each refuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.access import Forbidden, NotFound
from cercle.accounts.models import Region
from cercle.communities import services as communities
from cercle.communities.models import CommunityKind
from cercle.posts import services as posts
from cercle.projects import selectors, services
from cercle.projects.events import ActionAssigned
from cercle.projects.models import ActionItem, Milestone, MilestoneStatus, Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

TODAY = date(2026, 12, 7)


@pytest.fixture
def croissance(user, other):
    """ "Projet Croissance 2015", private: Alexandra (other) manages it, Thomas (user) is in."""
    community = communities.community_create(
        actor=other, name="Projet Croissance 2015", kind=CommunityKind.PRIVATE
    )
    communities.community_invite(actor=other, community=community, user=user)
    communities.community_join(actor=user, community=community)
    return community


@pytest.fixture
def project(other, croissance):
    return services.project_set(
        actor=other,
        community=croissance,
        goal="Ouvrir Lille et lancer l'offre cloud à Lyon",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 6, 30),
        sites=["Bordeaux", "Lyon", "Lille", " lille "],
    )


def test_a_manager_makes_the_community_a_project(other, croissance) -> None:
    nord = Region.objects.create(name="Hauts-de-France")
    project = services.project_set(
        actor=other,
        community=croissance,
        goal="Ouvrir Lille",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 6, 30),
        sites=["Bordeaux", "Lyon", "Lille", "LILLE", ""],
        region_ids=[nord.pk],
    )
    assert project.community == croissance and project.sites == ["Bordeaux", "Lyon", "Lille"]
    assert list(project.regions.all()) == [nord]
    again = services.project_set(actor=other, community=croissance, goal="Ouvrir Lille et Lyon")
    assert again.pk == project.pk and Project.objects.count() == 1
    assert again.goal == "Ouvrir Lille et Lyon" and again.sites == []


def test_project_refusals_change_nothing(user, other, croissance) -> None:
    with pytest.raises(Forbidden):  # a member, not a manager
        services.project_set(actor=user, community=croissance, goal="Moi")
    with pytest.raises(Forbidden):  # an outsider sees the private community, not more
        services.project_set(actor=UserFactory(), community=croissance, goal="Moi")
    with pytest.raises(ValidationError) as error:
        services.project_set(
            actor=other,
            community=croissance,
            starts_on=date(2027, 1, 1),
            ends_on=date(2026, 1, 1),
        )
    assert "ends_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.project_set(actor=other, community=croissance, sites=["x" * 121])
    with pytest.raises(ValidationError):
        services.project_set(actor=other, community=croissance, region_ids=[999_999])
    assert not Project.objects.exists()


def test_milestones_are_kept_by_managers(user, other, project) -> None:
    later = services.milestone_add(
        actor=other, project=project, title="Ouverture de Lille", due_on=date(2027, 2, 2)
    )
    sooner = services.milestone_add(
        actor=other, project=project, title="Bail signé", due_on=date(2026, 12, 3)
    )
    assert list(selectors.milestones(project=project)) == [sooner, later]
    services.milestone_update(actor=other, milestone=sooner, status=MilestoneStatus.DONE)
    sooner.refresh_from_db()
    assert sooner.status == MilestoneStatus.DONE
    with pytest.raises(Forbidden):
        services.milestone_add(actor=user, project=project, title="Moi", due_on=TODAY)
    with pytest.raises(ValidationError):
        services.milestone_update(actor=other, milestone=later, status="someday")
    with pytest.raises(ValidationError):
        services.milestone_add(actor=other, project=project, title="  ", due_on=TODAY)
    services.milestone_delete(actor=other, milestone=later)
    assert list(Milestone.objects.all()) == [sooner]


@pytest.fixture
def published(monkeypatch):
    """The events the projects' services publish, in order (still delivered)."""
    from cercle.core import events

    seen: list[object] = []
    deliver = events.publish

    def record(event):
        seen.append(event)
        deliver(event)

    monkeypatch.setattr(services.events, "publish", record)
    return seen


def test_actions_are_assigned_to_members_who_are_told(
    user, other, project, croissance, published
) -> None:
    minutes = posts.post_create(author=other, community=croissance, body="Compte rendu du 3/12")
    action = services.action_add(
        actor=other,
        project=project,
        title="Préparer l'accueil des recrues de Lille",
        assignee=user,
        due_on=date(2027, 1, 15),
        source_post=minutes,
    )
    told = [e for e in published if isinstance(e, ActionAssigned)]
    assert [(e.action, e.actor) for e in told] == [(action, other)]
    assert action.source_post == minutes and action.created_by == other
    services.action_add(actor=user, project=project, title="Moi-même", assignee=user)
    assert len([e for e in published if isinstance(e, ActionAssigned)]) == 1  # one's own


def test_action_refusals_change_nothing(user, other, project, croissance) -> None:
    outsider = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.action_add(actor=other, project=project, title="Chiffrer", assignee=outsider)
    assert "assignee" in error.value.message_dict
    elsewhere = communities.community_create(actor=other, name="Ailleurs")
    stray = posts.post_create(author=other, community=elsewhere, body="Autre réunion")
    with pytest.raises(ValidationError):
        services.action_add(actor=other, project=project, title="Chiffrer", source_post=stray)
    with pytest.raises(ValidationError):
        services.action_add(actor=other, project=project, title="")
    with pytest.raises(NotFound):
        services.action_add(actor=outsider, project=project, title="Intrus")
    assert not ActionItem.objects.exists()


def test_who_ticks_edits_and_deletes_an_action(user, other, project, croissance) -> None:
    third = UserFactory()
    communities.community_invite(actor=other, community=croissance, user=third)
    communities.community_join(actor=third, community=croissance)
    action = services.action_add(actor=third, project=project, title="Chiffrer", assignee=user)
    with pytest.raises(Forbidden):  # the assignee ticks, but does not rewrite
        services.action_update(actor=user, action=action, title="Autre chose")
    services.action_tick(actor=user, action=action)
    action.refresh_from_db()
    first_done = action.done_at
    assert first_done is not None and action.done_by == user
    services.action_tick(actor=user, action=action)  # twice: nothing more
    action.refresh_from_db()
    assert action.done_at == first_done
    services.action_tick(actor=other, action=action, done=False)  # the manager reopens it
    action.refresh_from_db()
    assert action.done_at is None
    lurker = UserFactory()
    with pytest.raises(NotFound):
        services.action_tick(actor=lurker, action=action)
    services.action_update(actor=third, action=action, due_on=date(2027, 3, 1), assignee=None)
    action.refresh_from_db()
    assert action.assignee is None and action.due_on == date(2027, 3, 1)
    with pytest.raises(Forbidden):
        services.action_delete(actor=user, action=action)
    services.action_delete(actor=other, action=action)
    assert not ActionItem.objects.exists()


def test_an_archived_project_is_read_only(user, other, project, croissance) -> None:
    action = services.action_add(actor=other, project=project, title="Chiffrer", assignee=user)
    communities.community_archive(actor=other, community=croissance, archived=True)
    project.community.refresh_from_db()
    action.project.community.refresh_from_db()
    with pytest.raises(Forbidden):
        services.action_tick(actor=user, action=action)
    with pytest.raises(Forbidden):
        services.milestone_add(actor=other, project=project, title="Fin", due_on=TODAY)
    with pytest.raises(Forbidden):
        services.project_set(actor=other, community=project.community, goal="Encore")


def test_my_actions_across_projects_soonest_first(user, other, project) -> None:
    other_project = services.project_set(
        actor=user, community=communities.community_create(actor=user, name="Lyon cloud")
    )
    late = services.action_add(
        actor=other, project=project, title="A", assignee=user, due_on=date(2027, 3, 1)
    )
    soon = services.action_add(
        actor=user, project=other_project, title="B", assignee=user, due_on=date(2027, 1, 5)
    )
    undated = services.action_add(actor=other, project=project, title="C", assignee=user)
    done = services.action_add(actor=other, project=project, title="D", assignee=user)
    services.action_tick(actor=user, action=done)
    services.action_add(actor=other, project=project, title="E", assignee=other)
    assert list(selectors.my_actions(viewer=user)) == [soon, late, undated]
    communities.community_leave(actor=user, community=project.community)
    assert list(selectors.my_actions(viewer=user)) == [soon]  # no longer reads the project


# --- The API ---------------------------------------------------------------------------


def test_the_api_makes_a_project_and_keeps_its_milestones(user, other, croissance, client_for):
    api = client_for(other)
    url = f"/api/v1/communities/{croissance.slug}/project"
    assert api.get(url).status_code == 404  # not a project yet
    answer = api.put(
        url,
        {"goal": "Ouvrir Lille", "starts_on": "2026-09-01", "sites": ["Lyon", "Lille"]},
        content_type="application/json",
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["goal"], body["sites"], body["can_manage"]) == (
        "Ouvrir Lille",
        ["Lyon", "Lille"],
        True,
    )
    assert client_for(user).get(url).json()["can_manage"] is False
    assert client_for(UserFactory()).get(url).status_code == 404

    added = api.post(
        f"{url}/milestones",
        {"title": "Bail signé", "due_on": "2020-01-01"},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["late"] is True
    milestone = added.json()["id"]
    changed = api.patch(
        f"/api/v1/milestones/{milestone}", {"status": "done"}, content_type="application/json"
    )
    assert changed.json()["status"] == "done" and changed.json()["late"] is False
    refused = client_for(user).patch(
        f"/api/v1/milestones/{milestone}", {"status": "cancelled"}, content_type="application/json"
    )
    assert refused.status_code == 403
    bad = api.put(
        url,
        {"starts_on": "2027-01-01", "ends_on": "2026-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "ends_on" in bad.content.decode()
    assert Project.objects.get().goal == "Ouvrir Lille"
    assert api.delete(f"/api/v1/milestones/{milestone}").status_code == 204


def test_the_api_assigns_ticks_and_lists_my_actions(user, other, project, client_for) -> None:
    api = client_for(other)
    url = f"/api/v1/communities/{project.community.slug}/project/actions"
    added = api.post(
        url,
        {"title": "Préparer l'accueil", "assignee": user.pk, "due_on": "2020-01-15"},
        content_type="application/json",
    )
    assert added.status_code == 201
    action = added.json()
    assert action["assignee"]["id"] == user.pk and action["overdue"] is True
    mine = client_for(user).get("/api/v1/me/actions").json()
    assert [a["id"] for a in mine] == [action["id"]]
    assert mine[0]["permissions"] == {"tick": True, "edit": False, "delete": False}
    ticked = client_for(user).patch(
        f"/api/v1/actions/{action['id']}", {"done": True}, content_type="application/json"
    )
    assert ticked.status_code == 200 and ticked.json()["done"] is True
    assert client_for(user).get("/api/v1/me/actions").json() == []
    assert [a["done"] for a in api.get(url).json()] == [True]
    assert api.get(url, {"open": "true"}).json() == []
    unknown = api.post(url, {"title": "X", "assignee": 999_999}, content_type="application/json")
    assert unknown.status_code == 422 and "assignee" in unknown.content.decode()
    refused = client_for(UserFactory()).patch(
        f"/api/v1/actions/{action['id']}", {"done": False}, content_type="application/json"
    )
    assert refused.status_code == 404
    cleared = api.patch(
        f"/api/v1/actions/{action['id']}",
        {"assignee": None, "due_on": None},
        content_type="application/json",
    )
    assert cleared.json()["assignee"] is None and cleared.json()["due_on"] is None
    assert ActionItem.objects.get().done_at is not None  # untouched by that change
    assert timezone.now() - ActionItem.objects.get().done_at < timedelta(minutes=5)


def test_the_assignee_is_notified_once_while_unread(user, other, project, croissance) -> None:
    from cercle.notifications import describe
    from cercle.notifications.models import EmailChoice, Event, Notification

    minutes = posts.post_create(author=other, community=croissance, body="Compte rendu du 3/12")
    action = services.action_add(
        actor=other,
        project=project,
        title="Préparer l'accueil des recrues de Lille",
        assignee=user,
        source_post=minutes,
    )
    told = Notification.objects.get(recipient=user, event=Event.ACTION)
    assert (told.actor, told.community, told.email) == (other, croissance, EmailChoice.IMMEDIATE)
    assert "Alexandra Girard" in describe.text(told) and "Projet Croissance 2015" in describe.text(
        told
    )
    assert describe.excerpt(told) == "Préparer l'accueil des recrues de Lille"
    assert describe.target_url(told) == minutes.get_absolute_url()
    services.action_update(actor=other, action=action, assignee=None)
    services.action_update(actor=other, action=action, assignee=user)
    assert Notification.objects.filter(recipient=user, event=Event.ACTION).count() == 1
    assert not Notification.objects.filter(recipient=other, event=Event.ACTION).exists()
