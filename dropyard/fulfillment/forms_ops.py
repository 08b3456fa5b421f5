"""Back-office forms for warehouse work: queue filters, pack, ship."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dropyard.logistics.models import Carrier
from dropyard.orders.models import Parcel, ParcelLine

from .services.packing import MAX_PARCEL_WEIGHT_G


class PackForm(forms.Form):
    """The scale's reading. A scale or a phone's number pad types it; Enter submits."""

    measured_weight_g = forms.IntegerField(
        label=gettext_lazy("Measured weight (g)"),
        min_value=1,
        max_value=MAX_PARCEL_WEIGHT_G,
        widget=forms.NumberInput(
            attrs={
                "class": "form-control form-control-lg",
                "inputmode": "numeric",
                "autocomplete": "off",
                "enterkeyhint": "done",
            }
        ),
    )
    confirm_weight = forms.BooleanField(
        label=gettext_lazy("I re-weighed the parcel: this weight is right"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh page focuses the SKU scanner above; a weight sent back with an error or a
        # warning takes the focus so the packer can correct it straight away.
        if self.is_bound:
            self.fields["measured_weight_g"].widget.attrs["autofocus"] = True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern); each is cleaned alone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        if isinstance(data, list | tuple):
            data = None  # nothing sent: the field's "required" error
        return [single(data, initial)]


class ParcelPhotoForm(forms.Form):
    """Photos of the parcel: ``capture`` makes phones open the back camera."""

    photo = MultipleFileField(
        label=gettext_lazy("Photos of the parcel"),
        widget=MultipleFileInput(
            attrs={"class": "form-control", "accept": "image/*", "capture": "environment"}
        ),
        error_messages={"required": gettext_lazy("Take or choose at least one photo.")},
        help_text=gettext_lazy(
            "JPEG, PNG or WebP, at most 5 MB each. Show the contents before closing the box."
        ),
    )


class ShipForm(forms.Form):
    """Carrier, tracking number (typed, or asked from the carrier) and units shipped per line.

    ``qty_<line pk>`` fields start at the line's quantity; lowering one ships partially.
    ``confirmed`` is set by the confirmation step, so the first valid POST only shows a summary.
    """

    carrier = forms.ModelChoiceField(
        label=gettext_lazy("Carrier"),
        queryset=Carrier.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    tracking_number = forms.CharField(
        label=gettext_lazy("Tracking number"),
        max_length=64,
        required=False,
        # Scanned from the label: no autocorrect or suggestions; the scanner's Enter submits.
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg font-monospace",
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
            }
        ),
        help_text=gettext_lazy("As printed on the carrier's label."),
    )
    from_carrier = forms.BooleanField(
        label=gettext_lazy("Get the number from the carrier"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=gettext_lazy("Only for carriers connected to Dropyard (such as Sandbox)."),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, parcel: Parcel, carriers, adapter_codes=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parcel = parcel
        self.adapter_codes = adapter_codes
        self.fields["carrier"].queryset = Carrier.objects.filter(
            pk__in=[c.pk for c in carriers]
        ).order_by("name")
        if parcel.line_id:
            self.fields["carrier"].initial = parcel.line.carrier_id
        self.lines: list[tuple[ParcelLine, str]] = []
        for line in parcel.lines.all():
            name = f"qty_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=line.order_line.variant.sku,
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off"}
                ),
            )
            self.lines.append((line, name))

    def clean(self):
        data = super().clean()
        carrier = data.get("carrier")
        typed = (data.get("tracking_number") or "").strip()
        if data.get("from_carrier"):
            if typed:
                self.add_error(
                    "tracking_number", _("Leave this empty to get the carrier's number.")
                )
            elif carrier is not None and carrier.code.upper() not in self.adapter_codes:
                self.add_error(
                    "from_carrier",
                    _("%(carrier)s is not connected: type its tracking number.")
                    % {"carrier": carrier.name},
                )
        elif not typed:
            self.add_error(
                "tracking_number", _("Type the tracking number, or get one from the carrier.")
            )
        return data

    def line_rows(self):
        """(parcel line, its quantity field) pairs for the template."""
        return [(line, self[name]) for line, name in self.lines]

    def shipped_quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[name] for line, name in self.lines}

    def is_partial(self) -> bool:
        return any(self.cleaned_data[name] != line.quantity for line, name in self.lines)
