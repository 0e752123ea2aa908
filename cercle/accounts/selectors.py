"""Reads on people. Every selector takes the ``viewer`` and filters through access."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Prefetch, QuerySet

from cercle.access.base import Viewer, viewer_pk
from cercle.access.people import ProfilePolicy
from cercle.accounts.models import Department, Endorsement, Region, Skill, User, UserSkill
from cercle.core.text import fold

MAX_CHAIN_DEPTH = 50


def _people_base() -> QuerySet[User]:
    return User.objects.select_related("department", "region")


def person_get(*, viewer: Viewer, user_id: int, skills: bool = True) -> User | None:
    """One profile with what its page shows, or None when missing or not visible.

    ``skills``: with its skills by name (``skills_of`` gives them with their
    endorsements instead, as the profile page shows them).
    """
    people = ProfilePolicy.visible(viewer, _people_base()).select_related(
        "manager__department", "manager__region"
    )
    if skills:
        people = people.prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("name"))
        )
    try:  # not first(): its ORDER BY costs more than the row, for one key
        return people.get(pk=user_id)
    except User.DoesNotExist:
        return None


@dataclass(frozen=True, slots=True)
class DirectoryFilters:
    q: str = ""
    department: str = ""
    region: str = ""
    skill: str = ""


def directory_search(*, viewer: Viewer, filters: DirectoryFilters) -> QuerySet[User]:
    """Active people matching every given filter, by name; accents and case ignored.

    ``department``, ``region`` and ``skill`` match on the folded label, so a
    link such as ``?skill=appels d'offres`` works whatever the accents.
    """
    people = ProfilePolicy.listed(viewer, _people_base())
    for word in fold(filters.q).split():
        people = people.filter(search_key__contains=word)
    if filters.department:
        people = people.filter(department__key=fold(filters.department))
    if filters.region:
        people = people.filter(region__key=fold(filters.region))
    if filters.skill:
        people = people.filter(user_skills__skill__key=fold(filters.skill))
    return people.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("name"))
    ).order_by("last_name", "first_name", "id")


def find_person(*, viewer: Viewer, text: str) -> User | None:
    """One active person by @handle, e-mail or exact full name (as typed in an invite box)."""
    text = text.strip()
    if not text:
        return None
    people = ProfilePolicy.listed(viewer, User.objects.all())
    handle = text.lstrip("@").lower()
    found = people.filter(handle=handle).first() or people.filter(email=text.lower()).first()
    if found is None:
        matches = list(people.filter(search_key__startswith=fold(text))[:2])
        found = matches[0] if len(matches) == 1 else None
    return found


def directory_facets() -> tuple[list[Department], list[Region]]:
    """Departments and regions to offer as filters (public labels, not people)."""
    return list(Department.objects.order_by("name")), list(Region.objects.order_by("name"))


def manager_chain_ids(user_id: int) -> list[int]:
    """Ids of ``user_id``'s managers, nearest first, up to the top (one query).

    A recursive CTE works on SQLite and PostgreSQL alike; the depth cap keeps a
    corrupted (looping) hierarchy from running forever.
    """
    table = User._meta.db_table
    sql = f"""
        WITH RECURSIVE chain(id, manager_id, depth) AS (
            SELECT id, manager_id, 0 FROM {table} WHERE id = %s
            UNION ALL
            SELECT u.id, u.manager_id, chain.depth + 1
            FROM {table} u JOIN chain ON u.id = chain.manager_id
            WHERE chain.depth < %s
        )
        SELECT id FROM chain WHERE depth > 0 ORDER BY depth
    """  # noqa: S608 - the table name comes from the model, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, MAX_CHAIN_DEPTH])
        ids = [row[0] for row in cursor.fetchall()]
    # A loop would repeat ids: cut at the first repetition.
    seen: set[int] = set()
    unique: list[int] = []
    for pk in ids:
        if pk in seen or pk == user_id:
            break
        seen.add(pk)
        unique.append(pk)
    return unique


@dataclass(frozen=True, slots=True)
class OrgChart:
    person: User
    chain: list[User]  # top of the company first, direct manager last
    reports: list[User]


def org_chart(*, viewer: Viewer, user_id: int) -> OrgChart | None:
    """A person with their manager chain up to the top and their direct reports."""
    person = person_get(viewer=viewer, user_id=user_id)
    if person is None:
        return None
    ids = manager_chain_ids(person.pk)
    by_id = {u.pk: u for u in ProfilePolicy.visible(viewer, _people_base()).filter(pk__in=ids)}
    chain = [by_id[pk] for pk in reversed(ids) if pk in by_id]
    return OrgChart(
        person=person, chain=chain, reports=direct_reports(viewer=viewer, person=person)
    )


def direct_reports(*, viewer: Viewer, person: User) -> list[User]:
    """The people who report to ``person``, by name (a profile shows them; one query)."""
    return list(
        ProfilePolicy.listed(viewer, _people_base())
        .filter(manager_id=person.pk)
        .order_by("last_name", "first_name")
    )


@dataclass(frozen=True, slots=True)
class SkillView:
    """A skill on a profile, with who vouches for it."""

    name: str
    key: str
    endorsements: int
    mine: bool  # the viewer endorses it
    endorsers: list[User]  # the first few, for "Endorsed by ..."


def skills_of(*, viewer: Viewer, person: User, endorsers: int = 3) -> list[SkillView]:
    """A person's skills, most endorsed first (two queries whatever their number, one
    when nobody endorsed any)."""
    user_skills = list(
        UserSkill.objects.filter(user=person)
        .select_related("skill")
        .annotate(count=Count("endorsements"))
        .order_by("-count", "skill__name")
    )
    by_skill: dict[int, list[User]] = {}
    mine: set[int] = set()
    me = viewer_pk(viewer)
    endorsed = [u.pk for u in user_skills if u.count]  # most skills have none: no query
    if endorsed:
        for endorsement in (
            Endorsement.objects.filter(user_skill__in=endorsed)
            .select_related("endorser")
            .order_by("-created_at", "-id")
        ):
            if endorsement.endorser_id == me:
                mine.add(endorsement.user_skill_id)
            shown = by_skill.setdefault(endorsement.user_skill_id, [])
            if len(shown) < endorsers:
                shown.append(endorsement.endorser)
    return [
        SkillView(
            name=u.skill.name,
            key=u.skill.key,
            endorsements=u.count,
            mine=u.pk in mine,
            endorsers=by_skill.get(u.pk, []),
        )
        for u in user_skills
    ]


def sites() -> list[str]:
    """The sites where active people work, for filters (as people typed them)."""
    return list(
        User.objects.filter(is_active=True)
        .exclude(site="")
        .order_by("site")
        .values_list("site", flat=True)
        .distinct()
    )
