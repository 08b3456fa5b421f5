"""Back-office forms for warehouse work: queue filters, pack, ship."""

from django import forms

from dropyard.logistics.models import Carrier
from dropyard.orders.models import Parcel, ParcelLine

from .services.packing import MAX_PARCEL_WEIGHT_G


class PackForm(forms.Form):
    measured_weight_g = forms.IntegerField(
        label="Measured weight (g)",
        min_value=1,
        max_value=MAX_PARCEL_WEIGHT_G,
        widget=forms.NumberInput(attrs={"class": "form-control", "autofocus": True}),
    )
    confirm_weight = forms.BooleanField(
        label="I re-weighed the parcel: this weight is right",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


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
        label="Photos of the parcel",
        widget=MultipleFileInput(
            attrs={"class": "form-control", "accept": "image/*", "capture": "environment"}
        ),
        error_messages={"required": "Take or choose at least one photo."},
        help_text="JPEG, PNG or WebP, at most 5 MB each. Show the contents before closing the box.",
    )


class ShipForm(forms.Form):
    """Carrier, tracking number (typed, or asked from the carrier) and units shipped per line.

    ``qty_<line pk>`` fields start at the line's quantity; lowering one ships partially.
    ``confirmed`` is set by the confirmation step, so the first valid POST only shows a summary.
    """

    carrier = forms.ModelChoiceField(
        queryset=Carrier.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    tracking_number = forms.CharField(
        label="Tracking number",
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control font-monospace", "autofocus": True}),
        help_text="As printed on the carrier's label.",
    )
    from_carrier = forms.BooleanField(
        label="Get the number from the carrier",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text="Only for carriers connected to Dropyard (such as Sandbox).",
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
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.lines.append((line, name))

    def clean(self):
        data = super().clean()
        carrier = data.get("carrier")
        typed = (data.get("tracking_number") or "").strip()
        if data.get("from_carrier"):
            if typed:
                self.add_error("tracking_number", "Leave this empty to get the carrier's number.")
            elif carrier is not None and carrier.code.upper() not in self.adapter_codes:
                self.add_error(
                    "from_carrier", f"{carrier.name} is not connected: type its tracking number."
                )
        elif not typed:
            self.add_error(
                "tracking_number", "Type the tracking number, or get one from the carrier."
            )
        return data

    def line_rows(self):
        """(parcel line, its quantity field) pairs for the template."""
        return [(line, self[name]) for line, name in self.lines]

    def shipped_quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[name] for line, name in self.lines}

    def is_partial(self) -> bool:
        return any(self.cleaned_data[name] != line.quantity for line, name in self.lines)
