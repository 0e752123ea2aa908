from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cercle.accounts.models import ApiToken, Department, Region, Skill, User, UserSkill
from cercle.accounts.services import user_deactivate


class UserSkillInline(admin.TabularInline[UserSkill, User]):
    model = UserSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "name", "job_title", "department", "region", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "department", "region"]
    search_fields = ["email", "first_name", "last_name", "display_name", "job_title"]
    autocomplete_fields = ["manager"]
    list_select_related = ["department", "region"]
    inlines = [UserSkillInline]
    actions = ["deactivate"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "display_name",
                    "job_title",
                    "department",
                    "region",
                    "site",
                    "manager",
                    "phone_work",
                    "phone_mobile",
                    "bio",
                    "ask_me_about",
                    "languages",
                    "photo",
                    "language",
                )
            },
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.action(description=_("Deactivate the selected people (their content stays)"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        done = 0
        for person in queryset.filter(is_active=True).exclude(pk=actor.pk):
            user_deactivate(actor=actor, user=person)
            done += 1
        self.message_user(
            request, _("%(count)d account(s) deactivated.") % {"count": done}, messages.SUCCESS
        )

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )


@admin.register(Department, Region)
class NamedAdmin(admin.ModelAdmin[Department]):
    search_fields = ["name"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin[Skill]):
    search_fields = ["name", "key"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    list_select_related = ["user"]
