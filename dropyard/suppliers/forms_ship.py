"""Forms of the supplier-shipped queue, the earnings page and finance's payout decisions."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.core.money import Money
from dropyard.fulfillment.services import MAX_PARCEL_WEIGHT_G
from dropyard.logistics.models import Carrier
from dropyard.wallet.payouts import MAX_BANK_DETAILS

_PHONE_INPUT = {"autocomplete": "off", "enterkeyhint": "go"}


class PackForm(forms.Form):
    """The parcel's weight on the scale; Enter submits."""

    measured_weight_g = forms.IntegerField(
        label=_("Weight (g)"),
        min_value=1,
        max_value=MAX_PARCEL_WEIGHT_G,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", **_PHONE_INPUT}),
    )
    confirm_weight = forms.BooleanField(
        label=_("I re-weighed it: this weight is right"), required=False
    )


class ShipForm(forms.Form):
    """The carrier (those serving the warehouse, and the parcel's line's) and the tracking
    number printed on the label; Enter submits."""

    carrier = forms.ModelChoiceField(queryset=Carrier.objects.none(), label=_("Carrier"))
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", **_PHONE_INPUT}),
    )

    def __init__(self, *args, carriers: list[Carrier], default: Carrier | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["carrier"]
        field.queryset = Carrier.objects.filter(pk__in=[c.pk for c in carriers]).order_by("name")
        # Preselected: the parcel's shipping line's carrier (what the merchant paid for), else
        # the only one, so that typing the number and pressing Enter ships.
        if default is not None and default in carriers:
            field.initial = default.pk
        elif len(carriers) == 1:
            field.initial = carriers[0].pk


class PayoutRequestForm(forms.Form):
    """How much to pay out (a decimal amount), to which bank account, and a note."""

    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    bank_details = forms.CharField(
        label=_("Bank details"),
        max_length=MAX_BANK_DETAILS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Account holder, bank, account number / IBAN, SWIFT."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def amount_minor(self, currency: str) -> int:
        return Money.from_decimal(self.cleaned_data["amount"], currency).amount_minor


class PayoutRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the supplier reads it)"),
        max_length=300,
        widget=forms.TextInput(attrs={"enterkeyhint": "done"}),
    )


class PayoutPayForm(forms.Form):
    reference = forms.CharField(
        label=_("Bank transfer reference"),
        max_length=100,
        widget=forms.TextInput(attrs={"enterkeyhint": "done"}),
    )
