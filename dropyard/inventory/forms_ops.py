"""Forms for the inventory back office (inventory_ops): warehouses, receipts, adjustments.

Forms only parse and check input; views pass ``cleaned_data`` to one service or selector.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_stubs_ext import StrOrPromise

from dropyard.accounts.models import MerchantAccount
from dropyard.accounts.selectors import merchant_get_by_account_number, supplier_list
from dropyard.catalog.models import Variant
from dropyard.catalog.selectors import variant_get
from dropyard.core.errors import NotFound
from dropyard.core.forms import BootstrapValidationFormMixin
from dropyard.logistics.selectors import carrier_list

from .choices import WarehouseKind

ACTIVE_CHOICES = [("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))]


class WarehouseFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    country = forms.ChoiceField(required=False)
    active = forms.ChoiceField(choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]
        for name in ("country", "active"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": (data.get("q") or "").strip(),
            "country": data.get("country") or "",
            "is_active": {"yes": True, "no": False}.get(data.get("active") or ""),
        }


class WarehouseForm(BootstrapValidationFormMixin, forms.Form):
    """Every editable warehouse field (activation has its own button)."""

    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=120)
    country = forms.ChoiceField(label=_("Country"))
    region = forms.CharField(label=_("Region / state"), max_length=120, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    address1 = forms.CharField(label=_("Address"), max_length=200, required=False)
    address2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=120, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=WarehouseKind.choices)
    supplier = forms.ModelChoiceField(
        label=_("Supplier (supplier warehouses only)"),
        queryset=None,
        required=False,
        empty_label=_("None"),
    )
    carriers = forms.ModelMultipleChoiceField(
        label=_("Carriers served"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_verified = forms.BooleanField(label=_("Verified"), required=False, initial=True)
    is_self_pickup = forms.BooleanField(label=_("Self pick-up"), required=False)
    parcel_photos_required = forms.BooleanField(
        label=_("Packers must photograph each parcel"),
        required=False,
        help_text=_(
            "Off: photos are optional at packing. On: a parcel cannot be packed without one."
        ),
    )
    accepts_returns = forms.BooleanField(
        label=_("Accepts returns"),
        required=False,
        help_text=_(
            "Merchants' returns (RMA) may be sent here. Platform warehouses only; usually the "
            "China warehouse. Returns go to the DROPYARD_RETURNS_WAREHOUSE warehouse, or else "
            "to the first active warehouse that accepts them, China first."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country…")), *countries]
        self.fields["supplier"].queryset = supplier_list()
        self.fields["carriers"].queryset = carrier_list()
        self.fields["contact_phone"].widget.attrs["type"] = "tel"


def _strip_required(value: str, message: StrOrPromise) -> str:
    value = (value or "").strip()
    if not value:
        raise forms.ValidationError(message)
    return value


class StockReceiveForm(BootstrapValidationFormMixin, forms.Form):
    """Goods arrived: which variant (by SKU), how many, why, and optionally whose private stock."""

    sku = forms.CharField(label=_("Variant SKU"), max_length=60)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=300, initial="Inbound receipt")
    account_number = forms.CharField(
        label=_("Merchant account number (private stock)"),
        max_length=40,
        required=False,
        help_text=_("Leave empty for platform stock."),
    )

    def clean_sku(self) -> Variant:
        sku = _strip_required(self.cleaned_data["sku"], _("Enter a variant SKU"))
        try:
            return variant_get(sku=sku)
        except NotFound as exc:
            raise forms.ValidationError(_("No variant has the SKU %(sku)s") % {"sku": sku}) from exc

    def clean_reason(self) -> str:
        return _strip_required(self.cleaned_data["reason"], _("Give a reason"))

    def clean_account_number(self) -> MerchantAccount | None:
        number = (self.cleaned_data["account_number"] or "").strip()
        if not number:
            return None
        try:
            return merchant_get_by_account_number(account_number=number)
        except NotFound as exc:
            raise forms.ValidationError(
                _("No merchant account has the number %(number)s") % {"number": number}
            ) from exc

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "variant": data["sku"],
            "quantity": data["quantity"],
            "reason": data["reason"],
            "merchant": data["account_number"],
        }


class StockAdjustForm(BootstrapValidationFormMixin, forms.Form):
    delta = forms.IntegerField(
        label=_("Change in on hand (±)"), help_text=_("Negative to remove units, e.g. -2")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_delta(self) -> int:
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError(_("The change cannot be 0"))
        return delta

    def clean_reason(self) -> str:
        return _strip_required(self.cleaned_data["reason"], _("Give a reason"))
