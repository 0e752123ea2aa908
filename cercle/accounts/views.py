"""People pages: directory, profile, org chart, profile editing, settings."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cercle.access import require
from cercle.access.people import ProfileAction, ProfilePolicy
from cercle.accounts import selectors, services
from cercle.accounts.forms import ApiTokenForm, ProfileForm
from cercle.accounts.models import ApiToken
from cercle.core.http import download, viewer_of
from cercle.follows import selectors as follow_selectors
from cercle.posts import selectors as post_selectors
from cercle.posts.views import composer_context, stream_url

DIRECTORY_PAGE_SIZE = 24


def directory(request: HttpRequest) -> HttpResponse:
    filters = selectors.DirectoryFilters(
        q=request.GET.get("q", "")[:100],
        department=request.GET.get("department", "")[:100],
        region=request.GET.get("region", "")[:100],
        skill=request.GET.get("skill", "")[:100],
    )
    people = selectors.directory_search(viewer=viewer_of(request), filters=filters)
    page = Paginator(people, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    departments, regions = selectors.directory_facets()
    context = {
        "filters": filters,
        "page": page,
        "departments": departments,
        "regions": regions,
    }
    template = "accounts/directory.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        template = "accounts/_results.html"  # the results alone, for the filters' htmx
    return render(request, template, context)


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    person = selectors.person_get(viewer=viewer, user_id=pk, skills=False)
    if person is None:
        raise Http404
    follows = follow_selectors.standing(viewer=viewer, person=person)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "reports": selectors.direct_reports(viewer=viewer, person=person),
            "can_edit": ProfilePolicy.can(viewer, ProfileAction.EDIT, person),
            "following": follows.followed,
            "attention": follows.attention,
            "skills": selectors.skills_of(viewer=viewer, person=person),
            "followers_count": follows.followers,
            "following_count": follows.following,
            "page": post_selectors.stream(
                viewer=viewer, author=person, cursor=request.GET.get("cursor")
            ),
            "stream_url": stream_url(author=str(person.pk)),
            **composer_context(request, community=None),
        },
    )


def me(request: HttpRequest) -> HttpResponse:
    return redirect("accounts:profile", pk=viewer_of(request).pk)


def org_chart(request: HttpRequest, pk: int) -> HttpResponse:
    chart = selectors.org_chart(viewer=viewer_of(request), user_id=pk)
    if chart is None:
        raise Http404
    return render(request, "accounts/org_chart.html", {"chart": chart, "person": chart.person})


@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    person = selectors.person_get(viewer=viewer, user_id=pk)
    if person is None:
        raise Http404
    require(viewer, ProfileAction.EDIT, person)
    can_edit_manager = ProfilePolicy.can(viewer, ProfileAction.SET_MANAGER, person)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, can_edit_manager=can_edit_manager)
        if form.is_valid():
            upload = form.cleaned_data.get("photo")
            try:
                services.profile_update(
                    actor=viewer,
                    user=person,
                    data=form.service_data(),
                    photo=upload.read() if upload else None,
                    remove_photo=form.cleaned_data.get("remove_photo", False),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("accounts:profile", pk=person.pk)
    else:
        form = ProfileForm(
            initial=ProfileForm.initial_for(person), can_edit_manager=can_edit_manager
        )
    return render(request, "accounts/profile_edit.html", {"form": form, "person": person})


def account_settings(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    new_secret = request.session.pop("new_api_token", None)
    return render(
        request,
        "accounts/settings.html",
        {
            "token_form": ApiTokenForm(),
            "tokens": ApiToken.objects.filter(user=viewer),
            "new_secret": new_secret,
        },
    )


@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            created = services.api_token_create(user=viewer, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error("name", exc.messages)
        else:
            # Shown once, on the next page, then gone: never stored in clear.
            request.session["new_api_token"] = created.secret
            return redirect("accounts:settings")
    return render(
        request,
        "accounts/settings.html",
        {"token_form": form, "tokens": ApiToken.objects.filter(user=viewer), "new_secret": None},
        status=400,
    )


@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=viewer_of(request), token_id=token_id)
    except ValidationError as exc:
        raise Http404 from exc
    messages.success(request, _("Token revoked. Tools using it can no longer connect."))
    return redirect("accounts:settings")


def people_autocomplete(request: HttpRequest) -> HttpResponse:
    """Small list of matching people for the manager field (and later @mentions)."""
    q = (request.GET.get("q") or request.GET.get("manager") or request.GET.get("handle") or "")[
        :100
    ]
    people = (
        selectors.directory_search(
            viewer=viewer_of(request), filters=selectors.DirectoryFilters(q=q)
        )[:8]
        if q.strip()
        else []
    )
    return render(request, "accounts/_autocomplete.html", {"people": people})


def mention_suggestions(request: HttpRequest) -> JsonResponse:
    """People matching what follows "@" in the composer (people only, never communities)."""
    q = request.GET.get("q", "")[:60]
    people = (
        selectors.directory_search(
            viewer=viewer_of(request), filters=selectors.DirectoryFilters(q=q)
        )[:8]
        if q.strip()
        else []
    )
    return JsonResponse(
        [{"handle": p.handle, "name": p.name, "job_title": p.job_title} for p in people],
        safe=False,
    )


def protected_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Profile and community pictures, for signed-in employees only.

    Both are images we re-encoded ourselves; attachments are served elsewhere,
    through the visibility policy.
    """
    parts = PurePosixPath(path).parts
    if len(parts) < 2 or parts[0] not in ("photos", "communities") or ".." in parts:
        raise Http404
    try:
        handle = default_storage.open("/".join(parts), "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404 from None
    content_type = mimetypes.guess_type(parts[-1])[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return download(response)


@require_POST
def skill_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    """Endorse a colleague's skill, or withdraw it (htmx swaps the skill's line)."""
    viewer = viewer_of(request)
    person = selectors.person_get(viewer=viewer, user_id=pk)
    if person is None:
        raise Http404
    skill = request.POST.get("skill", "")[:100]
    try:
        services.skill_endorse(
            endorser=viewer, person=person, skill=skill, on=request.POST.get("on") == "1"
        )
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    if request.headers.get("HX-Request") == "true":
        skills = selectors.skills_of(viewer=viewer, person=person)
        shown = next(s for s in skills if s.key == services.skill_key(skill))
        return render(request, "accounts/_skill.html", {"skill": shown, "person": person})
    return redirect("accounts:profile", pk=person.pk)
