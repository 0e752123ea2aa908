from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.communities.models import CommunityKind


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is it for? Who should join?"),
    )
    avatar = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=_("A square picture works best (JPEG, PNG, WebP or GIF)."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Who can see it?"),
        choices=[
            (CommunityKind.OPEN, _("Open — everyone can read and join")),
            (
                CommunityKind.PRIVATE,
                _("Private — visible to all, content for members; join on request"),
            ),
            (CommunityKind.SECRET, _("Secret — invisible to non-members; by invitation only")),
        ],
        widget=forms.RadioSelect,
        initial=CommunityKind.OPEN,
    )

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "avatar"}
        upload = self.cleaned_data.get("avatar")
        data["avatar"] = upload.read() if upload else None
        return data
