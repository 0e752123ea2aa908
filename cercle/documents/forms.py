"""The library's forms: what a page sends, checked before a service is called."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from cercle.documents.models import MAX_NAME, MAX_NOTE, ReferenceKind


def _file_field(label: StrOrPromise, required: StrOrPromise) -> forms.FileField:
    return forms.FileField(
        label=label,
        error_messages={
            "required": required,
            "empty": _("The file is empty."),
            "invalid": _("No file was received: choose it again."),
        },
    )


def _description_field() -> forms.CharField:
    return forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _reference_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Kind of document"), required=False, choices=ReferenceKind.choices
    )


class UploadForm(forms.Form):
    file = _file_field(_("File"), _("Choose a file to add."))
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=MAX_NAME,
        strip=True,
        help_text=_("Leave empty to use the file's name."),
    )
    description = _description_field()
    reference = _reference_field()
    folder = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class VersionForm(forms.Form):
    file = _file_field(_("New version"), _("Choose the file of the new version."))
    note = forms.CharField(
        label=_("What changed?"),
        required=False,
        max_length=MAX_NOTE,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. prices updated for 2027")}),
    )


class RestoreForm(forms.Form):
    note = forms.CharField(required=False, max_length=MAX_NOTE, strip=True)


class FolderForm(forms.Form):
    name = forms.CharField(
        label=_("Folder name"),
        max_length=MAX_NAME,
        strip=True,
        error_messages={"required": _("Give the folder a name.")},
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_NAME, strip=True)
    description = _description_field()
    reference = _reference_field()
    folder = forms.TypedChoiceField(label=_("Folder"), required=False, coerce=int, empty_value=None)
