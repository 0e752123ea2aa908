"""Project endpoints: a community as a project, its milestones and action items, my actions.

Reads go through ``cercle.projects.selectors``: a project, milestone or
action the caller may not read answers 404 exactly like a missing one.
Writes go through ``cercle.projects.services``: 403 for what the caller reads
but may not change, 422 for a wrong request.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status
from pydantic import Field

from cercle.access import found
from cercle.access.projects import ActionItemPolicy, ProjectAction, ProjectPolicy
from cercle.accounts.models import User
from cercle.api.schema import Id, In, IsoDate, Out, PathId
from cercle.communities.lookups import community_of
from cercle.communities.models import Community
from cercle.core.http import viewer_of
from cercle.documents.api import PersonRefOut
from cercle.posts.models import Post
from cercle.projects import selectors, services
from cercle.projects.models import (
    MAX_GOAL,
    MAX_SITES,
    MAX_TITLE,
    ActionItem,
    Milestone,
    MilestoneStatus,
    Project,
)

router = Router(tags=["projects"])


class RegionOut(Out):
    id: int
    name: str


class ProjectOut(Out):
    community: str = Field(description="The community's slug: the project is its community's.")
    name: str
    goal: str
    starts_on: date | None
    ends_on: date | None
    sites: list[str]
    regions: list[RegionOut]
    can_manage: bool = Field(description="Change the project and its milestones.")
    can_add_actions: bool


class ProjectIn(In):
    goal: str = Field("", max_length=MAX_GOAL)
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    sites: list[str] = Field(default_factory=list, max_length=MAX_SITES)
    regions: list[Id] = Field(default_factory=list, max_length=50, description="Region ids.")


class MilestoneOut(Out):
    id: int
    title: str
    due_on: date
    status: MilestoneStatus
    late: bool = Field(description="Due before today and neither done nor cancelled.")


class MilestoneIn(In):
    title: str = Field(max_length=MAX_TITLE)
    due_on: IsoDate
    status: MilestoneStatus = MilestoneStatus.PLANNED


class MilestonePatchIn(In):
    title: str | None = Field(None, max_length=MAX_TITLE)
    due_on: IsoDate | None = None
    status: MilestoneStatus | None = None


class ActionOut(Out):
    id: int
    project: str = Field(description="The project's community slug.")
    title: str
    assignee: PersonRefOut | None
    due_on: date | None
    done: bool
    done_at: datetime | None
    overdue: bool = Field(description="Open and due before today.")
    source_post_id: int | None = Field(description="The minutes it was decided in.")
    permissions: dict[str, bool] = Field(description="tick, edit, delete.")


class ActionIn(In):
    title: str = Field(max_length=MAX_TITLE)
    assignee: Id | None = Field(None, description="A member's id.")
    due_on: IsoDate | None = None
    source_post: Id | None = Field(None, description="The minutes' post, in this community.")


class ActionPatchIn(In):
    title: str | None = Field(None, max_length=MAX_TITLE)
    assignee: Id | None = Field(None, description="A member's id; null to unassign.")
    due_on: IsoDate | None = Field(None, description="null to clear.")
    done: bool | None = None


class ActionsQuery(In):
    open: bool = Field(False, description="Only the actions not done yet.")


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _project_out(request: HttpRequest, project: Project) -> ProjectOut:
    viewer = viewer_of(request)
    community = project.community
    return ProjectOut(
        community=community.slug,
        name=community.name,
        goal=project.goal,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        sites=list(project.sites),
        regions=[RegionOut(id=r.pk, name=r.name) for r in project.regions.all()],
        can_manage=ProjectPolicy.can(viewer, ProjectAction.MANAGE, project),
        can_add_actions=ProjectPolicy.can(viewer, ProjectAction.ADD_ACTION, project),
    )


def _milestone_out(milestone: Milestone) -> MilestoneOut:
    open_ = milestone.status in (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS)
    return MilestoneOut(
        id=milestone.pk,
        title=milestone.title,
        due_on=milestone.due_on,
        status=MilestoneStatus(milestone.status),
        late=open_ and milestone.due_on < _today(),
    )


def _action_out(viewer: User, action: ActionItem) -> ActionOut:
    assignee = action.assignee
    return ActionOut(
        id=action.pk,
        project=action.project.community.slug,
        title=action.title,
        assignee=PersonRefOut(id=assignee.pk, name=assignee.name) if assignee else None,
        due_on=action.due_on,
        done=action.done_at is not None,
        done_at=action.done_at,
        overdue=action.done_at is None and action.due_on is not None and action.due_on < _today(),
        source_post_id=action.source_post_id,
        permissions=ActionItemPolicy.permissions(viewer, action).as_dict(),
    )


def _project(request: HttpRequest, slug: str) -> Project:
    community: Community = community_of(request, slug)
    return found(selectors.project_get(viewer=viewer_of(request), community=community))


def _member(project: Project, pk: int | None) -> User | None:
    if pk is None:
        return None
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise ValidationError({"assignee": [_("Assign it to a member of the project.")]})
    return person


@router.get("/communities/{slug}/project", response=ProjectOut, summary="A community's project")
def get_project(request: HttpRequest, slug: str) -> ProjectOut:
    return _project_out(request, _project(request, slug))


@router.put(
    "/communities/{slug}/project",
    response=ProjectOut,
    summary="Make a community a project, or change its goal, dates, sites and regions",
)
def put_project(request: HttpRequest, slug: str, payload: ProjectIn) -> ProjectOut:
    community = community_of(request, slug)
    project = services.project_set(
        actor=viewer_of(request),
        community=community,
        goal=payload.goal,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        sites=payload.sites,
        region_ids=payload.regions,
    )
    return _project_out(request, project)


@router.get(
    "/communities/{slug}/project/milestones",
    response=list[MilestoneOut],
    summary="A project's milestones, soonest first",
)
def list_milestones(request: HttpRequest, slug: str) -> list[MilestoneOut]:
    project = _project(request, slug)
    return [_milestone_out(m) for m in selectors.milestones(project=project)]


@router.post(
    "/communities/{slug}/project/milestones",
    response={201: MilestoneOut},
    summary="Add a milestone",
)
def add_milestone(request: HttpRequest, slug: str, payload: MilestoneIn) -> Status[MilestoneOut]:
    project = _project(request, slug)
    milestone = services.milestone_add(
        actor=viewer_of(request),
        project=project,
        title=payload.title,
        due_on=payload.due_on,
        status=payload.status,
    )
    return Status(201, _milestone_out(milestone))


def _milestone(request: HttpRequest, milestone_id: int) -> Milestone:
    return found(selectors.milestone_get(viewer=viewer_of(request), milestone_id=milestone_id))


@router.patch(
    "/milestones/{milestone_id}",
    response=MilestoneOut,
    summary="Rename, move or change the status of a milestone",
)
def edit_milestone(
    request: HttpRequest, milestone_id: PathId, payload: MilestonePatchIn
) -> MilestoneOut:
    milestone = services.milestone_update(
        actor=viewer_of(request),
        milestone=_milestone(request, milestone_id),
        title=payload.title,
        due_on=payload.due_on,
        status=payload.status,
    )
    return _milestone_out(milestone)


@router.delete("/milestones/{milestone_id}", response={204: None}, summary="Delete a milestone")
def delete_milestone(request: HttpRequest, milestone_id: PathId) -> Status[None]:
    services.milestone_delete(actor=viewer_of(request), milestone=_milestone(request, milestone_id))
    return Status(204, None)


@router.get(
    "/communities/{slug}/project/actions",
    response=list[ActionOut],
    summary="A project's action items: open ones first, by due date",
)
def list_actions(request: HttpRequest, slug: str, query: Query[ActionsQuery]) -> list[ActionOut]:
    viewer = viewer_of(request)
    project = _project(request, slug)
    return [
        _action_out(viewer, a) for a in selectors.actions(project=project, open_only=query.open)
    ]


@router.post(
    "/communities/{slug}/project/actions",
    response={201: ActionOut},
    summary="Add an action item, assigned to a member (who is told)",
)
def add_action(request: HttpRequest, slug: str, payload: ActionIn) -> Status[ActionOut]:
    viewer = viewer_of(request)
    project = _project(request, slug)
    source = None
    if payload.source_post is not None:
        source = Post.objects.filter(pk=payload.source_post).first()
        if source is None:
            raise ValidationError(
                {"source_post": [_("The minutes must be a post of this project.")]}
            )
    action = services.action_add(
        actor=viewer,
        project=project,
        title=payload.title,
        assignee=_member(project, payload.assignee),
        due_on=payload.due_on,
        source_post=source,
    )
    return Status(201, _action_out(viewer, action))


def _action(request: HttpRequest, action_id: int) -> ActionItem:
    return found(selectors.action_get(viewer=viewer_of(request), action_id=action_id))


@router.patch(
    "/actions/{action_id}",
    response=ActionOut,
    summary="Tick an action item, or change what, who or when",
)
def edit_action(request: HttpRequest, action_id: PathId, payload: ActionPatchIn) -> ActionOut:
    viewer = viewer_of(request)
    action = _action(request, action_id)
    given = payload.model_fields_set
    changes: dict[str, object] = {}
    if "title" in given and payload.title is not None:
        changes["title"] = payload.title
    if "assignee" in given:
        changes["assignee"] = _member(action.project, payload.assignee)
    if "due_on" in given:
        changes["due_on"] = payload.due_on
    if changes:
        action = services.action_update(actor=viewer, action=action, **changes)  # type: ignore[arg-type]
    if payload.done is not None:
        action = services.action_tick(actor=viewer, action=action, done=payload.done)
    return _action_out(viewer, action)


@router.delete("/actions/{action_id}", response={204: None}, summary="Delete an action item")
def delete_action(request: HttpRequest, action_id: PathId) -> Status[None]:
    services.action_delete(actor=viewer_of(request), action=_action(request, action_id))
    return Status(204, None)


@router.get(
    "/me/actions",
    response=list[ActionOut],
    summary="My open action items across projects, soonest first",
)
def my_actions(request: HttpRequest) -> list[ActionOut]:
    viewer = viewer_of(request)
    return [_action_out(viewer, a) for a in selectors.my_actions(viewer=viewer)]
