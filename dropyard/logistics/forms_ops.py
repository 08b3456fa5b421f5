"""Forms for the logistics back office (logistics_ops): shipping lines and rate-card files.

Forms only parse and check input; views pass ``cleaned_data`` to one service or selector.
"""

from django import forms

from dropyard.catalog.choices import ShippingProperty
from dropyard.core.forms import BootstrapValidationFormMixin

from .csv_io import MAX_FILE_BYTES
from .selectors import carrier_list

ACTIVE_CHOICES = [("", "Active and inactive"), ("yes", "Active"), ("no", "Inactive")]


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

    code = forms.CharField(label="Code", max_length=30)
    name = forms.CharField(label="Name (shown to merchants)", max_length=120)
    carrier = forms.ModelChoiceField(label="Carrier", queryset=None, empty_label="Choose…")
    is_tracked = forms.BooleanField(label="Tracked", required=False, initial=True)
    allowed_properties = forms.MultipleChoiceField(
        label="Allowed product properties",
        choices=ShippingProperty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Products with any other property cannot use this line.",
    )
    max_weight_g = forms.IntegerField(
        label="Maximum weight (g)", min_value=0, initial=0, help_text="0 means no limit."
    )
    volumetric_divisor = forms.IntegerField(
        label="Volumetric divisor",
        min_value=1,
        initial=5000,
        help_text="Volumetric weight (g) = L×W×H (mm³) ÷ divisor.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = carrier_list()
        if editing:
            del self.fields["code"]


class RateCardFilterForm(forms.Form):
    origin = forms.CharField(required=False, max_length=2)
    dest = forms.CharField(required=False, max_length=2)

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "origin": (data.get("origin") or "").strip().upper(),
            "dest": (data.get("dest") or "").strip().upper(),
        }


class RateCardImportForm(BootstrapValidationFormMixin, forms.Form):
    file = forms.FileField(
        label="Rate-card CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=f"UTF-8 CSV in the export format, at most {MAX_FILE_BYTES // 1_048_576} MB. "
        "All or nothing: one bad row and nothing is imported.",
    )
