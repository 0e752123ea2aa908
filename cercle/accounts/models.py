"""People: the user (with their profile), departments, regions, skills, API tokens."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cercle.core.text import clean_label, fold
from cercle.core.urls import fast_reverse


class NamedEntity(models.Model):
    """A short label people pick from (a department, a region), unique by folded name."""

    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = clean_label(self.name)
        self.key = fold(self.name)
        super().save(*args, **kwargs)


class Department(NamedEntity):
    class Meta(NamedEntity.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class Region(NamedEntity):
    class Meta(NamedEntity.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Skill(NamedEntity):
    """A free tag; "Appels d'offres" and "appels d’offres " are the same skill."""

    class Meta(NamedEntity.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in matches the e-mail whatever its case and surrounding spaces."""
        return self.get(email=normalize_email(username or ""))

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


def normalize_email(email: str) -> str:
    """E-mail addresses are compared whole and case-insensitively."""
    return email.strip().lower()


class Language(models.TextChoices):
    BROWSER = "", _("Browser language")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class User(AbstractBaseUser, PermissionsMixin):
    """An employee. The profile lives on the user row: every page shows it."""

    email = models.EmailField(_("e-mail address"), unique=True)
    # What people type after "@" to mention someone: the e-mail's local part.
    handle = models.CharField(
        _("handle"),
        max_length=64,
        unique=True,
        editable=False,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9._-]*$")],
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    display_name = models.CharField(
        _("display name"),
        max_length=120,
        blank=True,
        help_text=_("How your name appears to colleagues. Empty: first and last name."),
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    department = models.ForeignKey(
        Department, models.SET_NULL, null=True, blank=True, verbose_name=_("department")
    )
    region = models.ForeignKey(
        Region, models.SET_NULL, null=True, blank=True, verbose_name=_("region")
    )
    site = models.CharField(_("site"), max_length=120, blank=True)
    manager = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("manager"),
    )
    phone_work = models.CharField(_("work phone"), max_length=30, blank=True)
    phone_mobile = models.CharField(_("mobile phone"), max_length=30, blank=True)
    bio = models.TextField(_("about me"), max_length=1000, blank=True)
    ask_me_about = models.CharField(_("ask me about"), max_length=300, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    skills = models.ManyToManyField(
        Skill, through="UserSkill", related_name="users", blank=True, verbose_name=_("skills")
    )
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True)
    photo_thumb = models.ImageField(upload_to="photos/", blank=True, editable=False)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, blank=True, default=""
    )
    # Folded name, title and e-mail: accent- and case-insensitive directory search.
    search_key = models.CharField(max_length=400, editable=False, db_index=True, default="")

    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("id")), name="user_not_own_manager"
            ),
        ]
        indexes = [
            # Lists of people by name (directory, members, followers) sort and join on
            # this index alone, never the wide rows: the id makes it covering on
            # PostgreSQL (SQLite's indexes carry it anyway).  A community's 3,000
            # members, a page of their ids: 10.5 -> 3.7 ms on PostgreSQL.
            models.Index(
                fields=["is_active", "last_name", "first_name", "id"], name="user_listing"
            ),
            # Searching people by words reads this index alone, never the wide rows
            # (``cercle.search.selectors.people``: 4 → 2 ms for 10,000 people on SQLite).
            models.Index(fields=["search_key", "is_active"], name="user_search_words"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def initials(self) -> str:
        return initials_of(self.first_name, self.last_name, self.email)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.first_name or self.name

    def get_absolute_url(self) -> str:
        return fast_reverse("accounts:profile", self.pk)  # every person line of every list

    def ensure_handle(self) -> None:
        """Derive a unique handle from the e-mail's local part (``thomas.lefebvre``)."""
        if self.handle:
            return
        base = re.sub(r"[^a-z0-9._-]", "", fold(self.email.split("@")[0]).replace(" ", "-"))
        base = base.strip(".-_")[:56] or "user"
        candidate, n = base, 1
        while User.objects.filter(handle=candidate).exclude(pk=self.pk).exists():
            n += 1
            candidate = f"{base}{n}"
        self.handle = candidate

    def refresh_search_key(self) -> None:
        """Recompute the folded search key (call before a bulk insert or update)."""
        self.email = normalize_email(self.email)
        self.search_key = fold(
            " ".join(
                [self.first_name, self.last_name, self.display_name, self.job_title, self.email]
            )
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_key()
        self.ensure_handle()
        # However the flag is flipped (service, admin form), the date follows it.
        if self.is_active:
            self.deactivated_at = None
        elif self.deactivated_at is None:
            self.deactivated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "search_key",
                "email",
                "deactivated_at",
                "handle",
            }
        super().save(*args, **kwargs)


class UserSkill(models.Model):
    """A skill a person declares; colleagues can endorse it (``Endorsement``)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="user_skills")
    skill = models.ForeignKey(Skill, models.CASCADE, related_name="user_skills")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="userskill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.skill_id}"


class Endorsement(models.Model):
    """A colleague vouches for a skill someone declared ("Recommander").

    Removing the skill from the profile removes its endorsements with it.
    """

    user_skill = models.ForeignKey(UserSkill, models.CASCADE, related_name="endorsements")
    endorser = models.ForeignKey(User, models.CASCADE, related_name="endorsements_given")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_skill", "endorser"], name="endorsement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.endorser_id} endorses {self.user_skill_id}"


class ApiToken(models.Model):
    """A personal access token. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def initials_of(first_name: str, last_name: str, email: str) -> str:
    """What an avatar without a photo shows: "CM" for Claire Martin."""
    parts = [p for p in (first_name, last_name) if p]
    return "".join(p[0] for p in parts).upper() or email[:1].upper()
