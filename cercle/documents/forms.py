"""The library's forms: what a page sends, checked before a service is called."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.documents.models import MAX_NAME, MAX_NOTE, ReferenceKind


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a file to add."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received: choose it again."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=MAX_NAME,
        strip=True,
        help_text=_("Leave empty to use the file's name."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reference = forms.ChoiceField(
        label=_("Kind of document"), required=False, choices=ReferenceKind.choices
    )
    folder = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class VersionForm(forms.Form):
    file = forms.FileField(
        label=_("New version"),
        error_messages={
            "required": _("Choose the file of the new version."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received: choose it again."),
        },
    )
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
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reference = forms.ChoiceField(
        label=_("Kind of document"), required=False, choices=ReferenceKind.choices
    )
    folder = forms.TypedChoiceField(label=_("Folder"), required=False, coerce=int, empty_value=None)
