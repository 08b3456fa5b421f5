"""Forms of the price request pages. They only parse input (decimal prices → integer minor
units); ``sourcing.negotiations`` validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.catalog.forms_ops import MoneyField
from dropyard.catalog.models import Variant
from dropyard.core.forms import BootstrapFormMixin

from .negotiations import NOTE_MAX, QUANTITY_MAX


class AskForm(BootstrapFormMixin, forms.Form):
    """Ask for a better price. With ``variants`` (the product's on-sale variants, from the
    product page) the variant is a select; without, the merchant types a SKU."""

    variant = forms.CharField(
        label=_("Variant SKU"),
        max_length=64,
        help_text=_("The SKU of the variant, as shown on the product page."),
    )
    monthly_quantity = forms.IntegerField(
        label=_("Monthly quantity"),
        min_value=1,
        max_value=QUANTITY_MAX,
        help_text=_("How many units you expect to order each month."),
    )
    target_price = MoneyField(label=_("Target price (USD per unit)"), max_value=10**8)
    note = forms.CharField(
        label=_("Note for your agent"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, variants: list[Variant] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if variants:
            self.fields["variant"] = forms.ChoiceField(
                label=_("Variant"),
                choices=[(v.sku, self.variant_label(v)) for v in variants],
            )
            self.fields["variant"].widget.attrs["class"] = "form-select"

    @staticmethod
    def variant_label(variant: Variant) -> str:
        options = " / ".join(str(v) for v in variant.options.values())
        price = getattr(variant, "your_price_label", "")
        return " · ".join(part for part in (variant.sku, options, price) if part)


class AnswerForm(BootstrapFormMixin, forms.Form):
    """The agent's new price; its fields' ids start with ``answer_`` (the decline form on the
    same page has a note too)."""

    price = MoneyField(label=_("New price for this merchant (USD per unit)"), max_value=10**8)
    note = forms.CharField(
        label=_("Note for the merchant"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "answer_%s")
        super().__init__(*args, **kwargs)


class DeclineForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Why the price cannot be lowered"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "decline_%s")
        super().__init__(*args, **kwargs)
