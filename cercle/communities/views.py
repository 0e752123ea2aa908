"""Community pages: directory, creation, the community's stream, members, settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cercle.access import require
from cercle.access.communities import CommunityAction, CommunityPolicy, membership_of
from cercle.accounts.models import User
from cercle.accounts.selectors import find_person
from cercle.communities import selectors, services
from cercle.communities.forms import CommunityForm
from cercle.communities.lookups import community_of
from cercle.communities.models import Community, Invitation, JoinRequest, Role
from cercle.core.http import safe_next, viewer_of
from cercle.core.pagination import IdsFirst
from cercle.follows import selectors as follow_selectors
from cercle.follows.models import SourceKind
from cercle.posts import selectors as post_selectors
from cercle.posts.views import composer_context, stream_url


def _permissions(viewer: User, community: Community) -> dict[str, object]:
    can = {a.value: CommunityPolicy.can(viewer, a, community) for a in CommunityAction}
    return {
        "can": can,
        "membership": membership_of(viewer, community),
        "pending_request": selectors.viewer_request(viewer=viewer, community=community),
        "invitation": selectors.viewer_invitation(viewer=viewer, community=community),
    }


def directory(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    q = request.GET.get("q", "")[:100]
    mine = request.GET.get("mine") == "1"
    page = Paginator(selectors.directory(viewer=viewer, q=q, mine=mine), 24).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "communities/directory.html",
        {
            "page": page,
            "q": q,
            "mine": mine,
            "invitations": selectors.my_invitations(viewer=viewer),
        },
    )


def create(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = CommunityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(actor=viewer, **form.service_data())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Community created. Invite colleagues to join it."))
            return redirect(community.get_absolute_url())
    return render(
        request,
        "communities/form.html",
        {"form": form, "community": None},
        status=422 if form.errors else 200,
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = community_of(request, slug)
    context = {"community": community, **_permissions(viewer, community)}
    if context["can"]["read"]:  # type: ignore[index]
        context["pinned"] = post_selectors.pinned(viewer=viewer, community=community)
        context["hidden_posts"] = post_selectors.hidden_in(viewer=viewer, community=community)
        context["page"] = post_selectors.stream(
            viewer=viewer, community=community, cursor=request.GET.get("cursor")
        )
        context["stream_url"] = stream_url(community=community.slug)
        context.update(composer_context(request, community=community))
        context["attention"] = follow_selectors.attention_of(
            user=viewer, source_kind=SourceKind.COMMUNITY, source_id=community.pk
        )
    return render(request, "communities/detail.html", context)


MEMBERS_PER_PAGE = 50


def members(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = community_of(request, slug)
    if not CommunityPolicy.can(viewer, CommunityAction.READ, community):
        raise Http404
    q = request.GET.get("q", "").strip()[:100]
    found = selectors.members(viewer=viewer, community=community, q=q)
    page = Paginator(IdsFirst(found), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/members.html",
        {
            "community": community,
            "q": q,
            "page": page,
            "members": page.object_list,
            # Once per page: get_role_display() rebuilds its choices for every row.
            "role_labels": dict(Role.choices),
            "requests": selectors.pending_requests(viewer=viewer, community=community),
            **_permissions(viewer, community),
        },
    )


def settings_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = community_of(request, slug)
    require(viewer, CommunityAction.ADMINISTER, community)
    initial = {"name": community.name, "description": community.description, "kind": community.kind}
    form = CommunityForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(actor=viewer, community=community, **form.service_data())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Settings saved."))
            return redirect(community.get_absolute_url())
    return render(
        request,
        "communities/form.html",
        {"form": form, "community": community},
        status=422 if form.errors else 200,
    )


def _done(request: HttpRequest, community: Community, message: str = "") -> HttpResponse:
    if message:
        messages.success(request, message)
    return redirect(safe_next(request, community.get_absolute_url()))


def _fail(request: HttpRequest, community: Community, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return _done(request, community)


@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_of(request, slug)
    services.community_join(actor=viewer_of(request), community=community)
    return _done(request, community, _("Welcome to %(name)s!") % {"name": community.name})


@require_POST
def request_to_join(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_of(request, slug)
    services.community_request(
        actor=viewer_of(request), community=community, message=request.POST.get("message", "")
    )
    return _done(request, community, _("Request sent. A manager of the community will answer it."))


@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_of(request, slug)
    try:
        services.community_leave(actor=viewer_of(request), community=community)
    except ValidationError as exc:
        return _fail(request, community, exc)
    messages.success(request, _("You left %(name)s.") % {"name": community.name})
    if CommunityPolicy.can(viewer_of(request), CommunityAction.VIEW, community):
        return redirect(community.get_absolute_url())
    return redirect("communities:directory")


@require_POST
def decide_request(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    community = community_of(request, slug)
    join_request = JoinRequest.objects.filter(pk=request_id, community=community).first()
    if join_request is None:
        raise Http404
    approve = request.POST.get("approve") == "1"
    services.request_decide(actor=viewer_of(request), join_request=join_request, approve=approve)
    return _done(request, community, _("Request approved.") if approve else _("Request declined."))


@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = community_of(request, slug)
    wanted = request.POST.get("handle", "").strip()[:254]
    person = find_person(viewer=viewer, text=wanted)
    if person is None:
        return _fail(
            request,
            community,
            ValidationError(
                _("Nobody matches “%(text)s”. Use the @handle or the e-mail address.")
                % {"text": wanted[:64]}
            ),
        )
    try:
        services.community_invite(actor=viewer, community=community, user=person)
    except ValidationError as exc:
        return _fail(request, community, exc)
    return _done(request, community, _("%(name)s is invited.") % {"name": person.name})


@require_POST
def decline_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = Invitation.objects.filter(pk=invitation_id, user=viewer_of(request)).first()
    if invitation is None:
        raise Http404
    services.invitation_decline(actor=viewer_of(request), invitation=invitation)
    return redirect("communities:directory")


def _member(community: Community, user_id: int) -> User:
    person = User.objects.filter(pk=user_id, memberships__community=community).first()
    if person is None:
        raise Http404
    return person


@require_POST
def remove_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    community = community_of(request, slug)
    person = _member(community, user_id)
    try:
        services.member_remove(actor=viewer_of(request), community=community, user=person)
    except ValidationError as exc:
        return _fail(request, community, exc)
    return _done(request, community, _("%(name)s was removed.") % {"name": person.name})


@require_POST
def set_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    community = community_of(request, slug)
    person = _member(community, user_id)
    try:
        services.member_set_role(
            actor=viewer_of(request),
            community=community,
            user=person,
            role=request.POST.get("role", ""),
        )
    except ValidationError as exc:
        return _fail(request, community, exc)
    return _done(request, community, _("Role changed."))


@require_POST
def archive(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_of(request, slug)
    archived = request.POST.get("on") == "1"
    services.community_archive(actor=viewer_of(request), community=community, archived=archived)
    return _done(
        request,
        community,
        _("Community archived: it is now read-only.") if archived else _("Community reopened."),
    )
