"""Forms of the return (RMA) pages: the merchant's carrier + tracking number, the warehouse's
receipt and inspection, cancelling, and the returns desk's filters. Forms only parse; the
services in ``returns`` / ``returns_inspect`` decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from dropyard.core.forms import BootstrapValidationFormMixin
from dropyard.core.money import Money

from .choices import ReturnStatus
from .models import ReturnAuthorization, ReturnLine
from .returns import CARRIER_MAX, NOTE_MAX, TRACKING_MAX
from .returns_inspect import InspectResult
from .selectors_returns import desk_warehouses


class ReturnShipForm(BootstrapValidationFormMixin, forms.Form):
    carrier = forms.CharField(
        label=_("Carrier"), max_length=CARRIER_MAX, help_text=_("For example UPS, FedEx, EMS.")
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=TRACKING_MAX)


class ReturnReceiveForm(BootstrapValidationFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=NOTE_MAX,
        required=False,
        help_text=_("For example the state of the parcel on arrival."),
    )


class ReturnCancelForm(BootstrapValidationFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=NOTE_MAX)


class ReturnInspectForm(BootstrapValidationFormMixin, forms.Form):
    """Per line: units restocked to the merchant's private stock, to platform stock, disposed
    (``<kind>_<line pk>``); the refund granted in the return's currency (0: none)."""

    refund_amount = forms.DecimalField(
        label=_("Refund granted"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        initial=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        label=_("Inspection note (optional)"), max_length=NOTE_MAX, required=False
    )

    KINDS = (
        ("restock_private", _("To the merchant's private stock")),
        ("restock_platform", _("To platform stock")),
        ("disposed", _("Disposed of")),
    )

    def __init__(
        self,
        *args: Any,
        rma: ReturnAuthorization,
        lines: list[ReturnLine],
        limit_minor: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rma, self.lines = rma, lines
        limit = Money(limit_minor, rma.currency)
        self.fields["refund_amount"].widget.attrs["max"] = limit.wire()
        self.fields["refund_amount"].help_text = _(
            "At most %(max)s %(currency)s (the dispute's cap minus the return shipping deducted)."
        ) % {"max": limit.wire(), "currency": rma.currency}
        self.fields["refund_amount"].validators.append(MaxValueValidator(limit.to_decimal()))
        for line in lines:
            for kind, label in self.KINDS:
                self.fields[f"{kind}_{line.pk}"] = forms.IntegerField(
                    label=label, min_value=0, max_value=line.quantity, initial=0
                )
        self.order_fields([*self.line_field_names(), "refund_amount", "note"])

    def line_field_names(self) -> list[str]:
        return [f"{kind}_{line.pk}" for line in self.lines for kind, _label in self.KINDS]

    def line_rows(self) -> list[tuple[ReturnLine, list[forms.BoundField]]]:
        """Each line with its three quantity fields (for the template)."""
        return [
            (line, [self[f"{kind}_{line.pk}"] for kind, _l in self.KINDS]) for line in self.lines
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for line in self.lines:
            counts = [cleaned.get(f"{kind}_{line.pk}") for kind, _l in self.KINDS]
            if None not in counts and sum(counts) > line.quantity:
                raise forms.ValidationError(
                    _("%(sku)s: %(inspected)s units inspected but %(returned)s were returned")
                    % {
                        "sku": line.dispute_line.order_line.variant.sku,
                        "inspected": sum(counts),
                        "returned": line.quantity,
                    }
                )
        return cleaned

    def results(self) -> list[InspectResult]:
        data = self.cleaned_data
        return [
            InspectResult(
                line_id=line.pk,
                **{kind: data[f"{kind}_{line.pk}"] for kind, _l in self.KINDS},
            )
            for line in self.lines
        ]

    def refund_minor(self) -> int:
        return Money.from_decimal(
            self.cleaned_data["refund_amount"], self.rma.currency
        ).amount_minor


class ReturnFilterForm(forms.Form):
    """The returns desk: search (RMA…, order, tracking number, account number), status,
    warehouse."""

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *ReturnStatus.choices]
    )
    warehouse = forms.ChoiceField(required=False, label=_("Warehouse"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [
            ("", _("Any warehouse")),
            *((w.code, f"{w.code} {w.name}") for w in desk_warehouses()),
        ]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "warehouse": data.get("warehouse") or "",
        }
