"""Forms: parse and validate input for the views; writes go through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cercle.accounts import throttle
from cercle.accounts.models import Language, User, normalize_email
from cercle.accounts.services import PHONE_RE
from cercle.core.images import check_image, too_large


def wait_label(seconds: int) -> str:
    """ "12 seconds", "3 minutes": how long a throttled sign-in must wait, in the reader's words."""
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = -(-seconds // 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


class LoginForm(AuthenticationForm):
    """Django's sign-in form, refusing an attempt while its address and account wait.

    ``retry_after`` is set (seconds) when the attempt was refused that way: the
    view answers 429 with a ``Retry-After``.  No password is checked then.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("This e-mail and password do not match. Check both and try again."),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.retry_after = 0
        self.fields["username"].label = _("Work e-mail")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "inputmode": "email", "autofocus": True}
        )

    def clean(self) -> dict[str, Any]:
        email = normalize_email(self.data.get("username", "") or "")
        address = throttle.client_address(self.request) if self.request else ""
        wait = throttle.retry_after(email=email, address=address)
        if wait:
            self.retry_after = wait
            throttle.refused(email=email, address=address, wait=wait)
            raise ValidationError(
                _(
                    "Too many failed attempts from this connection. For your security, "
                    "wait %(wait)s before trying again, or reset your password."
                )
                % {"wait": wait_label(wait)},
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.record_failure(email=email, address=address)
            raise
        throttle.record_success(email=email, address=address)
        return cleaned


phone_validator = RegexValidator(
    PHONE_RE, _("Enter a phone number with digits, spaces and an optional leading +.")
)


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    display_name = forms.CharField(label=_("Display name"), max_length=120, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    site = forms.CharField(label=_("Site"), max_length=120, required=False)
    manager = forms.EmailField(
        label=_("Manager's e-mail"),
        required=False,
        help_text=_("Only administrators can change the reporting line."),
    )
    phone_work = forms.CharField(
        label=_("Work phone"), max_length=30, required=False, validators=[phone_validator]
    )
    phone_mobile = forms.CharField(
        label=_("Mobile phone"), max_length=30, required=False, validators=[phone_validator]
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=2000,
        help_text=_("Separate skills with commas, e.g. “Appels d'offres, Soudure, Python”."),
    )
    languages = forms.CharField(label=_("Languages spoken"), max_length=200, required=False)
    ask_me_about = forms.CharField(
        label=_("Ask me about"),
        max_length=300,
        required=False,
        help_text=_("Subjects colleagues can ask you about."),
    )
    bio = forms.CharField(
        label=_("About me"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(
        label=_("Interface language"), choices=Language.choices, required=False
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, at most %(max)s.")
        % {"max": filesizeformat(settings.CERCLE_MAX_PHOTO_BYTES)},
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    def __init__(self, *args: Any, can_edit_manager: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_edit_manager:
            del self.fields["manager"]
        else:
            self.fields["manager"].widget.attrs.update(
                {
                    "list": "manager-options",
                    "autocomplete": "off",
                    "hx-get": reverse_lazy("accounts:autocomplete"),
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": "#manager-options",
                }
            )

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": user.display_name,
            "job_title": user.job_title,
            "department": user.department.name if user.department else "",
            "region": user.region.name if user.region else "",
            "site": user.site,
            "manager": user.manager.email if user.manager else "",
            "phone_work": user.phone_work,
            "phone_mobile": user.phone_mobile,
            "skills": ", ".join(s.name for s in user.skills.order_by("name")),
            "languages": user.languages,
            "ask_me_about": user.ask_me_about,
            "bio": user.bio,
            "language": user.language,
        }

    def clean_manager(self) -> User | None:
        email = self.cleaned_data.get("manager") or ""
        if not email:
            return None
        manager = User.objects.filter(email=normalize_email(email)).first()
        if manager is None:
            raise ValidationError(_("Nobody has this e-mail address in Cercle."))
        return manager

    def clean_photo(self) -> Any:
        """Check the picture now, so that every error of the form shows at once."""
        upload = self.cleaned_data.get("photo")
        if upload:
            limit = settings.CERCLE_MAX_PHOTO_BYTES
            if upload.size > limit:  # refused before anything is decoded
                raise too_large(upload.size, limit)
            check_image(upload.read(), max_bytes=limit)
            upload.seek(0)
        return upload

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"photo", "remove_photo"}}
        data["skills"] = data.get("skills", "").split(",")
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What will use it, e.g. “Script de reporting”."),
    )
