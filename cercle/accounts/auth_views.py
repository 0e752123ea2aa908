"""Sign-in and password pages: Django's views, with Cercle's throttling and clean-up.

- A sign-in refused by the throttle (``cercle.accounts.throttle``) answers 429
  with ``Retry-After`` and says how long to wait.
- Changing or resetting a password signs out every other session (Django's
  session hash) and revokes every personal API token; the person is told.
- A password reset also clears the sign-in counts of the account: the owner
  who proved themselves by e-mail is never held back by an attacker's failures.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cercle.accounts import services, throttle
from cercle.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "retry_after", 0):
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


def _tell(request: Any, revoked: int) -> None:
    text = _("Your password was changed. Every other session was signed out.")
    if revoked:
        text += " " + ngettext(
            "%(n)d API token was revoked: create a new one in your settings.",
            "%(n)d API tokens were revoked: create new ones in your settings.",
            revoked,
        ) % {"n": revoked}
    messages.success(request, text)


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session (update_session_auth_hash)
        _tell(self.request, services.password_changed(user=form.user))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        revoked = services.password_changed(user=form.user)
        throttle.forget_account(email=form.user.email)
        _tell(self.request, revoked)
        return response
