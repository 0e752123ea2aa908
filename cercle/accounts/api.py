"""People endpoints: me, profiles, directory search, org chart, photo."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja.files import UploadedFile
from pydantic import Field

from cercle.access import require
from cercle.access.people import ProfileAction
from cercle.accounts import selectors, services
from cercle.accounts.lookups import person_of
from cercle.accounts.models import User, normalize_email
from cercle.api.errors import fields_renamed
from cercle.api.schema import In, Out, PathId
from cercle.core.http import viewer_of

router = Router(tags=["people"])


class PersonOut(Out):
    id: int
    name: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    department: str | None
    region: str | None
    site: str
    photo_url: str | None
    thumb_url: str | None
    is_active: bool
    profile_url: str

    @staticmethod
    def from_user(user: User) -> PersonOut:
        return PersonOut(
            id=user.pk,
            name=user.name,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            job_title=user.job_title,
            department=user.department.name if user.department else None,
            region=user.region.name if user.region else None,
            site=user.site,
            photo_url=user.photo.url if user.photo else None,
            thumb_url=user.photo_thumb.url if user.photo_thumb else None,
            is_active=user.is_active,
            profile_url=user.get_absolute_url(),
        )


class ProfileOut(PersonOut):
    display_name: str
    manager: PersonOut | None
    phone_work: str
    phone_mobile: str
    bio: str
    ask_me_about: str
    languages: str
    skills: list[str]
    language: str
    date_joined: datetime

    @staticmethod
    def from_profile(user: User) -> ProfileOut:
        base = PersonOut.from_user(user).model_dump()
        return ProfileOut(
            **base,
            display_name=user.display_name,
            manager=PersonOut.from_user(user.manager) if user.manager else None,
            phone_work=user.phone_work,
            phone_mobile=user.phone_mobile,
            bio=user.bio,
            ask_me_about=user.ask_me_about,
            languages=user.languages,
            skills=[s.name for s in user.skills.all()],
            language=user.language,
            date_joined=user.date_joined,
        )


class ProfileIn(In):
    """Fields to change; those left out stay as they are."""

    # Emptiness is the service's to tell, with the other fields' errors at once.
    first_name: str | None = Field(None, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    display_name: str | None = Field(None, max_length=120)
    job_title: str | None = Field(None, max_length=120)
    department: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)
    site: str | None = Field(None, max_length=120)
    manager_email: str | None = Field(None, max_length=254, description="Staff only.")
    phone_work: str | None = Field(None, max_length=30)
    phone_mobile: str | None = Field(None, max_length=30)
    bio: str | None = Field(None, max_length=1000)
    ask_me_about: str | None = Field(None, max_length=300)
    languages: str | None = Field(None, max_length=200)
    language: str | None = Field(None, max_length=8)
    skills: list[str] | None = Field(None, max_length=30)


class DirectoryQuery(In):
    q: str = Field("", max_length=100)
    department: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    skill: str = Field("", max_length=100)
    page: int = Field(1, ge=1)
    per_page: int = Field(20, ge=1, le=100)


class DirectoryPage(Out):
    count: int
    page: int
    pages: int
    results: list[PersonOut]


class OrgChartOut(Out):
    person: PersonOut
    chain: list[PersonOut] = Field(description="From the top of the company down to the manager.")
    reports: list[PersonOut]


def _update(request: HttpRequest, person: User, payload: ProfileIn) -> ProfileOut:
    data = payload.model_dump(exclude_unset=True)
    if "manager_email" in data:
        email = data.pop("manager_email") or ""
        manager = User.objects.filter(email=normalize_email(email)).first() if email else None
        if email and manager is None:
            raise ValidationError(
                {"manager_email": [_("Nobody has this e-mail address in Cercle.")]}
            )
        data["manager"] = manager
    if data.get("language") not in (None, "", "fr", "en"):
        raise ValidationError({"language": [_("Choose “fr”, “en” or an empty value.")]})
    with fields_renamed(manager="manager_email"):
        services.profile_update(actor=viewer_of(request), user=person, data=data)
    return ProfileOut.from_profile(person_of(request, person.pk))


@router.get("/me", response=ProfileOut, summary="My profile")
def get_me(request: HttpRequest) -> ProfileOut:
    return ProfileOut.from_profile(person_of(request, viewer_of(request).pk))


@router.patch("/me", response=ProfileOut, summary="Edit my profile")
def patch_me(request: HttpRequest, payload: ProfileIn) -> ProfileOut:
    return _update(request, person_of(request, viewer_of(request).pk), payload)


@router.post("/me/photo", response=ProfileOut, summary="Replace my photo")
def post_my_photo(request: HttpRequest, photo: File[UploadedFile]) -> ProfileOut:
    person = person_of(request, viewer_of(request).pk)
    services.profile_update(actor=viewer_of(request), user=person, data={}, photo=photo.read())
    return ProfileOut.from_profile(person_of(request, person.pk))


@router.get("/people", response=DirectoryPage, summary="Search the directory")
def search_people(request: HttpRequest, query: Query[DirectoryQuery]) -> DirectoryPage:
    people = selectors.directory_search(
        viewer=viewer_of(request),
        filters=selectors.DirectoryFilters(
            q=query.q, department=query.department, region=query.region, skill=query.skill
        ),
    )
    paginator = Paginator(people, query.per_page)
    page = paginator.get_page(query.page)
    return DirectoryPage(
        count=paginator.count,
        page=page.number,
        pages=paginator.num_pages,
        results=[PersonOut.from_user(u) for u in page.object_list],
    )


@router.get("/people/{user_id}", response=ProfileOut, summary="A profile")
def get_person(request: HttpRequest, user_id: PathId) -> ProfileOut:
    return ProfileOut.from_profile(person_of(request, user_id))


@router.patch(
    "/people/{user_id}", response=ProfileOut, summary="Edit a profile (own or, for staff, anyone's)"
)
def patch_person(request: HttpRequest, user_id: PathId, payload: ProfileIn) -> ProfileOut:
    person = person_of(request, user_id)
    # Before _update looks the manager's e-mail up: whether an address exists is
    # not for someone who may not edit this profile to learn (the service asks again).
    require(viewer_of(request), ProfileAction.EDIT, person)
    return _update(request, person, payload)


@router.get(
    "/people/{user_id}/org-chart", response=OrgChartOut, summary="Manager chain and direct reports"
)
def get_org_chart(request: HttpRequest, user_id: PathId) -> OrgChartOut:
    chart = selectors.org_chart(viewer=viewer_of(request), user_id=user_id)
    if chart is None:
        raise Http404
    return OrgChartOut(
        person=PersonOut.from_user(chart.person),
        chain=[PersonOut.from_user(u) for u in chart.chain],
        reports=[PersonOut.from_user(u) for u in chart.reports],
    )


class SkillOut(Out):
    name: str
    endorsements: int = Field(description="How many colleagues vouch for it.")
    mine: bool = Field(description="Whether you endorse it.")


@router.get(
    "/people/{user_id}/skills",
    response=list[SkillOut],
    summary="A person's skills, most endorsed first",
)
def person_skills(request: HttpRequest, user_id: PathId) -> list[SkillOut]:
    person = person_of(request, user_id)
    return [
        SkillOut(name=s.name, endorsements=s.endorsements, mine=s.mine)
        for s in selectors.skills_of(viewer=viewer_of(request), person=person)
    ]


def _endorse(request: HttpRequest, user_id: PathId, skill: str, on: bool) -> SkillOut:
    viewer = viewer_of(request)
    person = person_of(request, user_id)
    count = services.skill_endorse(endorser=viewer, person=person, skill=skill, on=on)
    name = next(
        (
            s.name
            for s in selectors.skills_of(viewer=viewer, person=person, endorsers=0)
            if s.key == services.skill_key(skill)
        ),
        skill,
    )
    return SkillOut(name=name, endorsements=count, mine=on)


@router.put(
    "/people/{user_id}/skills/{skill}/endorsement",
    response=SkillOut,
    summary="Endorse a colleague's skill (repeating it is harmless)",
)
def endorse_skill(request: HttpRequest, user_id: PathId, skill: str) -> SkillOut:
    return _endorse(request, user_id, skill, True)


@router.delete(
    "/people/{user_id}/skills/{skill}/endorsement",
    response=SkillOut,
    summary="Withdraw my endorsement of a colleague's skill",
)
def withdraw_endorsement(request: HttpRequest, user_id: PathId, skill: str) -> SkillOut:
    return _endorse(request, user_id, skill, False)
