"""Writes on people: profiles, photos, skills, activation, API tokens.

Every function takes keyword-only arguments, runs in one transaction and
raises ``ValidationError`` (translated, per field where it can) or
``cercle.access.Forbidden`` / ``NotFound`` without changing anything.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.access import Forbidden, NotFound, require
from cercle.access.people import ProfileAction, ProfilePolicy
from cercle.accounts.models import (
    ApiToken,
    Department,
    Endorsement,
    NamedEntity,
    Region,
    Skill,
    User,
    UserSkill,
    normalize_email,
)
from cercle.core.images import square_renditions
from cercle.core.text import clean_label, clean_text, fold

PHONE_RE = re.compile(r"^\+?[0-9 ().\-]{6,25}$")
MAX_SKILLS = 30
MAX_SKILL_LENGTH = 60
TOKEN_PREFIX = "ccl_"  # noqa: S105 - a public marker, not a secret
PHOTO_SIZES = {"photo": 512, "thumb": 96}

# Fields a person may edit on a profile (the form and the API share this list).
PROFILE_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "display_name",
    "job_title",
    "site",
    "phone_work",
    "phone_mobile",
    "bio",
    "ask_me_about",
    "languages",
    "language",
)

log = logging.getLogger("cercle.security")


@dataclass(frozen=True, slots=True)
class NewToken:
    token: ApiToken
    secret: str


def _get_or_create_named[E: NamedEntity](model: type[E], name: str) -> E:
    """The entity whose folded name matches ``name``, created on first use (race-safe)."""
    label = clean_label(name)
    obj, _created = model._default_manager.get_or_create(key=fold(label), defaults={"name": label})
    return obj


def department_for(name: str) -> Department | None:
    return _get_or_create_named(Department, name) if name.strip() else None


def region_for(name: str) -> Region | None:
    return _get_or_create_named(Region, name) if name.strip() else None


def skill_for(name: str) -> Skill:
    return _get_or_create_named(Skill, name)


def normalize_skills(names: Iterable[str]) -> list[str]:
    """Clean, de-duplicated (by folded form) skill labels, in the order given."""
    seen: set[str] = set()
    labels: list[str] = []
    for raw in names:
        label = clean_label(raw.replace("’", "'")).strip(" ,;#")
        if not label:
            continue
        if len(label) > MAX_SKILL_LENGTH:
            raise ValidationError(
                {
                    "skills": _("A skill is at most %(max)d characters: “%(skill)s”.")
                    % {"max": MAX_SKILL_LENGTH, "skill": label[:80]}
                }
            )
        key = fold(label)
        if key not in seen:
            seen.add(key)
            labels.append(label)
    if len(labels) > MAX_SKILLS:
        raise ValidationError({"skills": _("At most %(max)d skills.") % {"max": MAX_SKILLS}})
    return labels


def skill_key(label: str) -> str:
    """The identity of a skill label, as ``normalize_skills`` and ``Skill`` compute it."""
    return fold(clean_label(label.replace("’", "'")).strip(" ,;#"))


def set_skills(user: User, labels: list[str]) -> None:
    wanted: list[Skill] = []
    if labels:
        existing = {s.key: s for s in Skill.objects.filter(key__in=[fold(x) for x in labels])}
        wanted = [existing.get(fold(label)) or skill_for(label) for label in labels]
    UserSkill.objects.filter(user=user).exclude(skill__in=wanted).delete()
    have = set(UserSkill.objects.filter(user=user).values_list("skill_id", flat=True))
    UserSkill.objects.bulk_create(
        [UserSkill(user=user, skill=s) for s in wanted if s.pk not in have]
    )


@transaction.atomic
def skill_endorse(*, endorser: User, person: User, skill: str, on: bool) -> int:
    """Endorse (``on``) a skill ``person`` lists, or withdraw the endorsement.

    Repeating either is harmless. Returns how many colleagues now endorse it.
    """
    if not endorser.is_active:
        raise Forbidden
    if not ProfilePolicy.can(endorser, ProfileAction.VIEW, person):
        raise NotFound
    if endorser.pk == person.pk:
        raise ValidationError({"skill": _("You cannot endorse your own skills.")})
    if not person.is_active:
        raise ValidationError(
            {"skill": _("This person has left: their skills can no longer be endorsed.")}
        )
    user_skill = (
        UserSkill.objects.select_for_update()
        .filter(user=person, skill__key=skill_key(skill))
        .first()
    )
    if user_skill is None:
        raise ValidationError({"skill": _("This person does not list this skill.")})
    if on:
        Endorsement.objects.get_or_create(user_skill=user_skill, endorser=endorser)
    else:
        Endorsement.objects.filter(user_skill=user_skill, endorser=endorser).delete()
    return user_skill.endorsements.count()


def validate_manager(user: User | None, manager: User | None) -> None:
    """A manager must be active and must not make the reporting line loop."""
    if manager is None:
        return
    if not manager.is_active:
        raise ValidationError({"manager": _("This manager's account is deactivated.")})
    if user is None or user.pk is None:
        return
    if manager.pk == user.pk:
        raise ValidationError({"manager": _("A person cannot be their own manager.")})
    from cercle.accounts.selectors import manager_chain_ids

    if user.pk in manager_chain_ids(manager.pk):
        raise ValidationError(
            {
                "manager": _("%(name)s already reports to %(person)s: this would make a loop.")
                % {"name": manager.name, "person": user.name}
            }
        )


@transaction.atomic
def profile_update(
    *,
    actor: User,
    user: User,
    data: dict[str, Any],
    photo: bytes | None = None,
    remove_photo: bool = False,
) -> User:
    """Update a profile; absent keys are left alone, and on any error nothing changes.

    ``data`` keys: the text fields in ``PROFILE_TEXT_FIELDS``, ``department``
    and ``region`` (names, created on first use), ``manager`` (a ``User`` or
    None, staff only) and ``skills`` (a list of labels).  ``photo`` is the raw
    upload, re-encoded into square renditions; ``remove_photo`` clears it.
    """
    require(actor, ProfileAction.EDIT, user)
    errors: dict[str, list[str]] = {}
    if (
        "manager" in data
        and data["manager"] != user.manager
        and not ProfilePolicy.can(actor, ProfileAction.SET_MANAGER, user)
    ):
        # A field this person may not set is an invalid field (422), told as such,
        # whatever value it holds (oneself included): nothing is changed.
        errors["manager"] = [_("Only an administrator can change who a person reports to.")]
        data = {key: value for key, value in data.items() if key != "manager"}
    renditions = None
    if photo is not None:
        try:
            renditions = square_renditions(
                photo,
                stem=f"{user.pk}-{uuid.uuid4().hex[:12]}",
                sizes=PHOTO_SIZES,
                max_bytes=settings.CERCLE_MAX_PHOTO_BYTES,
            )
        except ValidationError as exc:
            errors["photo"] = exc.messages
    for field in PROFILE_TEXT_FIELDS:
        if field in data:
            value = str(data[field] or "")
            setattr(user, field, clean_text(value) if field == "bio" else clean_label(value))
    for field in ("phone_work", "phone_mobile"):
        value = getattr(user, field)
        if field in data and value and not PHONE_RE.match(value):
            errors[field] = [
                _("Enter a phone number with digits, spaces and an optional leading +.")
            ]
    for field in ("first_name", "last_name"):
        if field in data and not getattr(user, field):
            errors[field] = [_("This field is required.")]
    if "manager" in data:
        try:
            validate_manager(user, data["manager"])
            user.manager = data["manager"]
        except ValidationError as exc:
            errors.update(exc.message_dict)
    labels: list[str] | None = None
    if "skills" in data:
        try:
            labels = normalize_skills(data["skills"] or [])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        user.full_clean(
            exclude=["password", "photo", "photo_thumb", "department", "region", "manager"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        user.refresh_from_db()  # the caller's instance must not keep rejected values
        raise ValidationError(errors)
    if "department" in data:
        user.department = department_for(data["department"] or "")
    if "region" in data:
        user.region = region_for(data["region"] or "")
    old_files = [f.name for f in (user.photo, user.photo_thumb) if f.name]
    if renditions is not None:
        user.photo.save(renditions["photo"].name, renditions["photo"].content, save=False)
        user.photo_thumb.save(renditions["thumb"].name, renditions["thumb"].content, save=False)
    elif remove_photo:
        user.photo.name = user.photo_thumb.name = ""
    else:
        old_files = []
    user.save()
    if labels is not None:
        set_skills(user, labels)
    if old_files:
        storage = user.photo.storage

        def delete_old_files() -> None:
            for name in old_files:
                storage.delete(name)

        transaction.on_commit(delete_old_files)
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivate an account: it can no longer sign in; its content stays attributed."""
    if not ProfilePolicy.can(actor, ProfileAction.DEACTIVATE, user):
        raise Forbidden
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    return user


@transaction.atomic
def password_changed(*, user: User) -> int:
    """After a password change or reset: revoke every personal API token (returns how many).

    The other browser sessions end by themselves: each holds a hash of the old
    password, which no longer matches (``django.contrib.auth.get_user``).
    """
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    log.info("password changed: user=%s api_tokens_revoked=%s", user.pk, revoked)
    return revoked


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> NewToken:
    """Create a personal access token; the secret is returned once and never stored."""
    label = clean_label(name)
    if not label:
        raise ValidationError({"name": _("Give the token a name, e.g. the tool that uses it.")})
    if len(label) > 80:
        raise ValidationError({"name": _("At most 80 characters.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=label, prefix=secret[: len(TOKEN_PREFIX) + 6], digest=_digest(secret)
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens (idempotent; others' tokens are "not found")."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise ValidationError(_("This token does not exist."), code="not_found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


# Seen at most once a minute: the "last used" date is for people, not an audit log.
TOKEN_TOUCH_EVERY = timedelta(seconds=60)


@lru_cache(maxsize=1)
def _token_statement() -> str:
    """The user behind a token digest, with the token's id and whether to touch it.

    Written once, as SQL: every API request with a token runs it, and building
    it through the ORM (a join, every user column) was a quarter of the Python
    time of a feed request under load.
    """
    qn = connection.ops.quote_name
    columns = ", ".join(f"u.{qn(str(field.column))}" for field in User._meta.concrete_fields)
    return (
        f"SELECT {columns}, t.id AS token_id, "  # noqa: S608 - names from the models only
        "(t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale "
        f"FROM {qn(ApiToken._meta.db_table)} t "
        f"JOIN {qn(User._meta.db_table)} u ON u.id = t.user_id "
        "WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
    )


def api_token_authenticate(secret: str) -> User | None:
    """The active user behind a valid, unrevoked token, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    stale_before = connection.ops.adapt_datetimefield_value(now - TOKEN_TOUCH_EVERY)
    user = next(iter(User.objects.raw(_token_statement(), [stale_before, _digest(secret)])), None)
    if user is None:
        return None
    token_id, stale = user.__dict__.pop("token_id"), user.__dict__.pop("token_stale")
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def email_is_valid(email: str) -> bool:
    try:
        validate_email(normalize_email(email))
    except ValidationError:
        return False
    return True
