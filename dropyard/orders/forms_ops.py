"""Forms of the back-office order actions: they check shape only; the services hold the rules
(which statuses allow what) and their refusals become form errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.core.forms import BootstrapFormMixin

from .services.operator import NOTE_MAX, REASON_MAX


class HoldForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the order's history (the merchant sees it too)."),
    )


class ReleaseForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Note"),
        help_text=_("Optional; kept in the order's history."),
    )


class NoteForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Internal note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Operators only: the merchant never sees internal notes."),
    )
