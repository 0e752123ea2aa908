"""The search page's parameters, checked like any other input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.accounts.models import Department, Region

TABS = ("all", "posts", "documents", "people", "communities", "hashtags")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, strip=True)
    tab = forms.ChoiceField(
        required=False,
        choices=[(t, t) for t in TABS],
        error_messages={"invalid_choice": _("Unknown kind of result.")},
    )
    community = forms.SlugField(label=_("Community"), required=False, max_length=120)
    author = forms.IntegerField(label=_("Author"), required=False, min_value=1)
    by = forms.CharField(label=_("Written by"), required=False, max_length=120, strip=True)
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date, e.g. 2026-03-31.")},
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date, e.g. 2026-03-31.")},
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


class ExpertForm(forms.Form):
    """ "Qui sait ?": a subject, and where the expert should be."""

    q = forms.CharField(label=_("Subject"), required=False, max_length=200, strip=True)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name"),
        to_field_name="key",
        required=False,
        empty_label=_("All regions"),
        error_messages={"invalid_choice": _("Unknown region.")},
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        to_field_name="key",
        required=False,
        empty_label=_("All departments"),
        error_messages={"invalid_choice": _("Unknown department.")},
    )
    site = forms.CharField(label=_("Site"), required=False, max_length=120, strip=True)


class HideTopicForm(forms.Form):
    label = forms.CharField(label=_("Subject"), max_length=100, strip=True)
