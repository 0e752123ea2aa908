"""Writes on projects: the project itself, its milestones, its action items.

Every function asks ``cercle.access.require`` first (``NotFound`` for what the
actor may not see, ``Forbidden`` for what they see but may not change), then
checks the request (a translated ``ValidationError``, nothing written), then
writes in one transaction and publishes what happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.access import Forbidden, require
from cercle.access.communities import CommunityAction
from cercle.access.posts import PostAction, PostPolicy
from cercle.access.projects import ActionItemAction, ProjectAction
from cercle.accounts.models import Region, User
from cercle.communities.models import Community, Membership
from cercle.core import events
from cercle.core.errors import invalid
from cercle.core.text import clean_label, clean_text
from cercle.posts.models import Post
from cercle.projects.events import ActionAssigned, ProjectChanged
from cercle.projects.models import (
    MAX_GOAL,
    MAX_SITE,
    MAX_SITES,
    MAX_TITLE,
    ActionItem,
    Milestone,
    MilestoneStatus,
    Project,
)

# "Leave unchanged" for optional arguments that may also be set to None.
UNCHANGED: object = object()


def _title(raw: str) -> str:
    title = clean_label(raw)
    if not title:
        raise invalid("title", _("Give it a title."), "required")
    if len(title) > MAX_TITLE:
        raise invalid("title", _("Keep the title under %(max)d characters.") % {"max": MAX_TITLE})
    return title


def _sites(raw: Iterable[str]) -> list[str]:
    kept: dict[str, str] = {}
    for name in raw:
        label = clean_label(name)
        if not label:
            continue
        if len(label) > MAX_SITE:
            raise invalid(
                "sites", _("A site's name has at most %(max)d characters.") % {"max": MAX_SITE}
            )
        kept.setdefault(label.casefold(), label)
    if len(kept) > MAX_SITES:
        raise invalid("sites", _("A project spans at most %(max)d sites.") % {"max": MAX_SITES})
    return list(kept.values())


def _editable(community: Community) -> None:
    if community.is_archived:
        raise Forbidden


@transaction.atomic
def project_set(
    *,
    actor: User,
    community: Community,
    goal: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    sites: Iterable[str] = (),
    region_ids: Iterable[int] = (),
) -> Project:
    """Make ``community`` a project, or change its goal, dates, sites and regions."""
    require(actor, CommunityAction.MODERATE, community)
    _editable(community)
    goal = clean_text(goal)
    if len(goal) > MAX_GOAL:
        raise invalid("goal", _("Keep the goal under %(max)d characters.") % {"max": MAX_GOAL})
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise invalid("ends_on", _("The end comes before the start."))
    wanted = set(region_ids)
    regions = list(Region.objects.filter(pk__in=wanted))
    if len(regions) != len(wanted):
        raise invalid("regions", _("Unknown region."))
    now = timezone.now()
    fields = {"goal": goal, "starts_on": starts_on, "ends_on": ends_on, "sites": _sites(sites)}
    project, _created = Project.objects.update_or_create(
        community=community,
        defaults={**fields, "updated_at": now},
        create_defaults={**fields, "created_by": actor, "created_at": now, "updated_at": now},
    )
    project.regions.set(regions)
    events.publish(ProjectChanged(actor=actor, project=project))
    return project


# --- Milestones --------------------------------------------------------------------------


def _status(raw: str) -> str:
    if raw not in MilestoneStatus.values:
        raise invalid("status", _("Unknown status."))
    return raw


def milestone_add(
    *,
    actor: User,
    project: Project,
    title: str,
    due_on: date,
    status: str = MilestoneStatus.PLANNED,
) -> Milestone:
    require(actor, ProjectAction.MANAGE, project)
    return Milestone.objects.create(
        project=project,
        title=_title(title),
        due_on=due_on,
        status=_status(status),
        created_by=actor,
    )


def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    title: str | None = None,
    due_on: date | None = None,
    status: str | None = None,
) -> Milestone:
    require(actor, ProjectAction.MANAGE, milestone.project)
    if title is not None:
        milestone.title = _title(title)
    if due_on is not None:
        milestone.due_on = due_on
    if status is not None:
        milestone.status = _status(status)
    milestone.updated_at = timezone.now()
    milestone.save()
    return milestone


def milestone_delete(*, actor: User, milestone: Milestone) -> None:
    require(actor, ProjectAction.MANAGE, milestone.project)
    milestone.delete()


# --- Action items ------------------------------------------------------------------------


def _assignee(project: Project, person: User | None) -> User | None:
    """``person``, if they can take an action of ``project``: an active member."""
    if person is None:
        return None
    member = Membership.objects.filter(community_id=project.community_id, user=person).exists()
    if not (person.is_active and member):
        raise invalid("assignee", _("Assign it to a member of the project."))
    return person


def action_add(
    *,
    actor: User,
    project: Project,
    title: str,
    assignee: User | None = None,
    due_on: date | None = None,
    source_post: Post | None = None,
) -> ActionItem:
    """A new action item (from a meeting's minutes: ``source_post``); its assignee is told."""
    require(actor, ProjectAction.ADD_ACTION, project)
    title = _title(title)
    assignee = _assignee(project, assignee)
    if source_post is not None and (
        source_post.community_id != project.community_id
        or not PostPolicy.can(actor, PostAction.VIEW, source_post)
    ):
        raise invalid("source_post", _("The minutes must be a post of this project."))
    with transaction.atomic():
        action = ActionItem.objects.create(
            project=project,
            title=title,
            assignee=assignee,
            due_on=due_on,
            source_post=source_post,
            created_by=actor,
        )
        if assignee is not None and assignee.pk != actor.pk:
            events.publish(ActionAssigned(actor=actor, action=action))
    return action


def action_update(
    *,
    actor: User,
    action: ActionItem,
    title: str | None = None,
    assignee: User | object | None = UNCHANGED,
    due_on: date | object | None = UNCHANGED,
) -> ActionItem:
    """Change what, who or when (``None`` clears the assignee or the date)."""
    require(actor, ActionItemAction.EDIT, action)
    if title is not None:
        action.title = _title(title)
    newly_assigned = False
    if assignee is not UNCHANGED:
        person = _assignee(action.project, assignee)  # type: ignore[arg-type]
        newly_assigned = person is not None and person.pk != action.assignee_id
        action.assignee = person
    if due_on is not UNCHANGED:
        action.due_on = due_on  # type: ignore[assignment]
    with transaction.atomic():
        action.save()
        if newly_assigned and action.assignee_id != actor.pk:
            events.publish(ActionAssigned(actor=actor, action=action))
    return action


def action_tick(*, actor: User, action: ActionItem, done: bool = True) -> ActionItem:
    """Mark the action done (or open again); ticking twice changes nothing."""
    require(actor, ActionItemAction.TICK, action)
    if done and action.done_at is None:
        action.done_at, action.done_by = timezone.now(), actor
    elif not done and action.done_at is not None:
        action.done_at, action.done_by = None, None
    else:
        return action
    action.save(update_fields=["done_at", "done_by"])
    return action


def action_delete(*, actor: User, action: ActionItem) -> None:
    require(actor, ActionItemAction.DELETE, action)
    action.delete()
