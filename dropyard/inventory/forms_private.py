"""Forms of the merchant's private stock pages: filters, the purchase cart."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.core.forms import BootstrapFormMixin

from .purchases import MAX_LINE_QUANTITY


class CartAddForm(BootstrapFormMixin, forms.Form):
    """A variant by SKU (or vid from the product page), a quantity, optionally a warehouse."""

    sku = forms.CharField(label=_("Variant SKU"), required=False, max_length=60)
    vid = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY, initial=1
    )
    storage = forms.ChoiceField(label=_("Warehouse"), required=False)

    def __init__(self, *args, warehouses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["storage"].choices = [("", _("Any (most stock)"))] + [
            (w.public_id, f"{w.code} · {w.name}") for w in warehouses
        ]

    def clean(self):
        data = super().clean()
        if not (data.get("sku") or "").strip() and not (data.get("vid") or "").strip():
            self.add_error("sku", _("Enter a variant SKU."))
        return data


class CartQuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=0, max_value=MAX_LINE_QUANTITY)
