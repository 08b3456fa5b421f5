"""Forms for the shipping pages inventory serves (freight calculator, cannot-ship check)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dropyard.core.forms import BootstrapFormMixin, BootstrapValidationFormMixin, country_choices

MAX_CART_LINES = 50


class FreightCalculatorForm(BootstrapValidationFormMixin, forms.Form):
    """A cart typed as "SKU quantity" lines, an origin warehouse country and a destination."""

    items = forms.CharField(
        label=_("Variants (SKU and quantity, one per line)"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "DYV00000001 2\nDYV00000002 1"}),
        help_text=_("One variant per line: its SKU, a space and the quantity (1 if left out)."),
    )
    origin_country = forms.ChoiceField(label=_("Ship from (warehouse country)"))
    dest_country = forms.ChoiceField(label=_("Destination country"))
    postcode = forms.CharField(required=False, max_length=20, label=_("Postcode"))

    def __init__(self, *args, origin_countries=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["origin_country"].choices = country_choices(
            origin_countries or None, gettext("Choose")
        )
        self.fields["dest_country"].choices = country_choices()

    def clean_items(self) -> list[tuple[str, int]]:
        """[(sku, quantity)], each SKU once (repeats add up)."""
        cart: dict[str, int] = {}
        for number, raw in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            parts = raw.replace(",", " ").replace("×", " ").split()
            if not parts:
                continue
            if len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
                raise forms.ValidationError(
                    _("Line %(number)s: write the SKU, then a quantity.") % {"number": number}
                )
            quantity = int(parts[1]) if len(parts) == 2 else 1
            if not 1 <= quantity <= 10000:
                raise forms.ValidationError(
                    _("Line %(number)s: quantity must be 1 to 10000.") % {"number": number}
                )
            cart[parts[0]] = cart.get(parts[0], 0) + quantity
        if not cart:
            raise forms.ValidationError(_("Enter at least one SKU."))
        if len(cart) > MAX_CART_LINES:
            raise forms.ValidationError(
                _("At most %(count)s different SKUs.") % {"count": MAX_CART_LINES}
            )
        return list(cart.items())


class CannotShipForm(BootstrapFormMixin, forms.Form):
    """The product picker of the "countries where the default cannot ship" page."""

    product = forms.CharField(
        max_length=60, label=_("Product SKU or id"), help_text=_("e.g. DYP0000001")
    )
