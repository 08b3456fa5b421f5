"""Wallet forms: sandbox and wire-transfer top-ups (merchant), wire decisions (finance).

Forms check shape only (a positive amount with at most two decimals, lengths); the services
enforce the rules (minimum, fees, proof type and size) and their refusals become form errors.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.core.forms import BootstrapValidationFormMixin
from dropyard.core.money import Money

from .models import TopUp


class _AmountForm(BootstrapValidationFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (USD)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )

    def amount_minor(self) -> int:
        return Money.from_decimal(self.cleaned_data["amount"], "USD").amount_minor


class SandboxTopUpForm(_AmountForm):
    """Sandbox top-up: an amount; credited at once (no real money moves)."""


class WireTopUpForm(_AmountForm):
    """A wire transfer the merchant has made: amount, the bank reference, proof of transfer."""

    reference = forms.CharField(
        label=_("Bank transfer reference"),
        max_length=TopUp._meta.get_field("wire_reference").max_length,
        help_text=_("The reference shown on your bank's transfer confirmation."),
    )
    proof = forms.FileField(
        label=_("Proof of transfer"),
        help_text=_("PDF, PNG or JPEG of the bank's confirmation, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class WireDecisionForm(forms.Form):
    """Finance: approve (credit the wallet) or reject with a reason shown to the merchant."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the merchant a reason for the rejection."))
        return cleaned
