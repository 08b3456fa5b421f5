"""Forms for the logistics back office (logistics_ops): shipping lines and rate-card files.

Forms only parse and check input; views pass ``cleaned_data`` to one service or selector.
"""

from datetime import UTC

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dropyard.catalog.choices import ShippingProperty
from dropyard.core.forms import BootstrapValidationFormMixin

from .choices import TrackingStatus
from .csv_io import MAX_FILE_BYTES
from .selectors import carrier_list

ACTIVE_CHOICES = [("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))]


class LineFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    active = forms.ChoiceField(choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["active"].widget.attrs["class"] = "form-select"

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": (data.get("q") or "").strip(),
            "is_active": {"yes": True, "no": False}.get(data.get("active") or ""),
        }


class ShippingLineForm(BootstrapValidationFormMixin, forms.Form):
    """A line's fields; ``code`` is asked for on create only (it never changes)."""

    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name (shown to merchants)"), max_length=120)
    carrier = forms.ModelChoiceField(label=_("Carrier"), queryset=None, empty_label=_("Choose…"))
    is_tracked = forms.BooleanField(label=_("Tracked"), required=False, initial=True)
    allowed_properties = forms.MultipleChoiceField(
        label=_("Allowed product properties"),
        choices=ShippingProperty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Products with any other property cannot use this line."),
    )
    max_weight_g = forms.IntegerField(
        label=_("Maximum weight (g)"), min_value=0, initial=0, help_text=_("0 means no limit.")
    )
    volumetric_divisor = forms.IntegerField(
        label=_("Volumetric divisor"),
        min_value=1,
        initial=5000,
        help_text=_("Volumetric weight (g) = L×W×H (mm³) ÷ divisor."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = carrier_list()
        if editing:
            del self.fields["code"]


class RateCardFilterForm(forms.Form):
    origin = forms.CharField(
        label=gettext_lazy("Origin"),
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"class": "text-uppercase", "placeholder": "CN"}),
    )
    dest = forms.CharField(
        label=gettext_lazy("Destination"),
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"class": "text-uppercase", "placeholder": "DE"}),
    )

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "origin": (data.get("origin") or "").strip().upper(),
            "dest": (data.get("dest") or "").strip().upper(),
        }


class RateCardImportForm(BootstrapValidationFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Rate-card CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=format_lazy(
            _(
                "UTF-8 CSV in the export format, at most {mb} MB. "
                "All or nothing: one bad row and nothing is imported."
            ),
            mb=MAX_FILE_BYTES // 1_048_576,
        ),
    )


# --- Tracking ------------------------------------------------------------------------------------

TRACKING_STATUS_FILTER = [("", _("Any status"))] + [
    (str(value), format_lazy("{} · {}", value, label)) for value, label in TrackingStatus.choices
]


class TrackingFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=64)
    status = forms.ChoiceField(choices=TRACKING_STATUS_FILTER, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select"

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or ""
        return {"q": (data.get("q") or "").strip(), "status": int(status) if status else None}


class ManualTrackingEventForm(BootstrapValidationFormMixin, forms.Form):
    """A checkpoint an operator records by hand (shown publicly: city and country only)."""

    status = forms.TypedChoiceField(
        label=_("Status"),
        coerce=int,
        choices=[
            (value, format_lazy("{} · {}", value, label)) for value, label in TrackingStatus.choices
        ],
    )
    activity = forms.CharField(
        label=_("What happened"),
        max_length=255,
        help_text=_("Shown on the public tracking page: no names, addresses or phone numbers."),
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    event_time = forms.DateTimeField(
        label=_("When (UTC)"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—")] + [(c, n) for c, n in countries]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        when = data.get("event_time")
        if when is not None and timezone.is_naive(when):
            when = timezone.make_aware(when, UTC)
        return {
            "status": data["status"],
            "activity": data["activity"],
            "city": data.get("city") or "",
            "country": data.get("country") or "",
            "event_time": when,
        }
