"""Forms of the merchant store pages: they parse input; the stores services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.forms import BootstrapValidationFormMixin, country_choices
from dropyard.core.money import Money
from dropyard.logistics.models import ShippingLine

from .adapters.shopify.auth import ShopDomainInvalid, shop_domain_clean
from .models import Store

# The daily auto-pay cap limits what is paid from the wallet, so it is in the wallet's currency
# (``Store.auto_pay_daily_cap_minor``: minor units of the wallet currency), not the store's.
WALLET_CURRENCY = "USD"


class StoreSettingsForm(BootstrapValidationFormMixin, forms.Form):
    """A store's settings; ``changes()`` are ``store_settings_update``'s keyword arguments."""

    store_currency = "USD"  # set by ``for_store``: the hold limit is in the store's currency

    name = forms.CharField(label=_("Store name"), max_length=120)
    order_sync = forms.BooleanField(
        label=_("Import new store orders automatically"), required=False
    )
    paid_orders_only = forms.BooleanField(label=_("Import only paid orders"), required=False)
    inventory_sync = forms.BooleanField(
        label=_("Push stock of connected variants to the store"), required=False
    )
    tracking_push = forms.BooleanField(
        label=_("Push tracking numbers back to the store"), required=False
    )
    reprice_on_change = forms.BooleanField(
        label=_("Re-price listings when Dropyard's cost or availability changes"),
        required=False,
        help_text=_(
            "Listed variants get your pricing rules' new price, or are set to 0 available "
            "when they go off sale."
        ),
    )
    tracking_url_template = forms.CharField(
        label=_("Tracking URL template"),
        max_length=300,
        required=False,
        help_text=_(
            "An https:// address with {number} where the tracking number goes; leave "
            "empty to use the carrier's own tracking page."
        ),
    )
    hold_for_review = forms.BooleanField(
        label=_("Hold every new order for my review before it is imported"), required=False
    )
    hold_above = forms.DecimalField(
        label=_("Hold orders whose total is above (store currency; 0 = no limit)"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    auto_pay = forms.BooleanField(label=_("Pay imported orders from the wallet"), required=False)
    auto_pay_daily_cap = forms.DecimalField(
        label=format_lazy("{} ({})", _("Daily auto-pay cap"), WALLET_CURRENCY),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        help_text=_("The most paid automatically from the wallet per day for this store's orders."),
    )

    @classmethod
    def for_store(cls, store: Store, data: Any = None) -> "StoreSettingsForm":
        initial = {
            name: getattr(store, name)
            for name in cls.base_fields
            if name not in ("auto_pay_daily_cap", "hold_above") and hasattr(store, name)
        }
        initial["hold_above"] = Money(store.hold_above_minor, store.currency).to_decimal()
        initial["auto_pay_daily_cap"] = Money(
            store.auto_pay_daily_cap_minor, WALLET_CURRENCY
        ).to_decimal()
        form = cls(data, initial=initial)
        form.store_currency = store.currency
        return form

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        cap = data.pop("auto_pay_daily_cap")
        data["auto_pay_daily_cap_minor"] = Money.from_decimal(cap, WALLET_CURRENCY).amount_minor
        above = data.pop("hold_above") or Decimal(0)
        data["hold_above_minor"] = Money.from_decimal(above, self.store_currency).amount_minor
        return data

    def add_service_errors(self, errors: dict[str, str], message: str) -> None:
        """A refusal's field errors on their fields (the cap's on the decimal field)."""
        placed = False
        for name, error in errors.items():
            field = {
                "auto_pay_daily_cap_minor": "auto_pay_daily_cap",
                "hold_above_minor": "hold_above",
            }.get(name, name)
            if field in self.fields:
                self.add_error(field, error)
                placed = True
        if not placed:
            self.add_error(None, message)


class DisconnectForm(BootstrapValidationFormMixin, forms.Form):
    """The confirmation step: the hidden ``confirm`` marks a post from the confirmation page."""

    confirm = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        if value != "disconnect":
            raise forms.ValidationError(_("Confirm the disconnection on this page."))
        return value


class ConnectVariantForm(forms.Form):
    """A manual connection: the Dropyard variant by SKU or by its id (vid)."""

    variant = forms.CharField(label=_("Dropyard variant SKU or id"), max_length=60)

    def clean_variant(self) -> str:
        return self.cleaned_data["variant"].strip()


class SandboxConnectForm(BootstrapValidationFormMixin, forms.Form):
    """A new Sandbox store: only its name (it gets a storefront of its own)."""

    name = forms.CharField(label=_("Store name"), max_length=120)


class SandboxListingForm(BootstrapValidationFormMixin, forms.Form):
    """Variants to list on a Sandbox store, one per line: a Dropyard SKU (or variant id) and
    optionally the sale price in the store's currency, e.g. ``DYV00000012 19.99``; without a
    price the merchant's pricing rules price it (``None`` in ``cleaned_data["lines"]``)."""

    lines = forms.CharField(
        label=_("Variants and prices"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "DYV00000012\nDYV00000013 19.99"}),
        max_length=20_000,
    )

    def clean_lines(self) -> list[tuple[str, int | None]]:
        rows: list[tuple[str, int | None]] = []
        for number, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            parts = raw.split()
            if not parts:
                continue
            if len(parts) > 2:
                raise forms.ValidationError(
                    _(
                        "Line %(number)s: write a SKU and optionally a price, "
                        "e.g. DYV00000012 19.99."
                    )
                    % {"number": number}
                )
            if len(parts) == 1:
                rows.append((parts[0], None))
                continue
            try:
                amount = Decimal(parts[1])
            except ArithmeticError:
                raise forms.ValidationError(
                    _("Line %(number)s: %(price)s is not a price.")
                    % {"number": number, "price": parts[1]}
                ) from None
            if not amount.is_finite() or amount < 0 or amount > Decimal("1000000"):
                raise forms.ValidationError(
                    _("Line %(number)s: the price must be between 0 and 1,000,000.")
                    % {"number": number}
                )
            rows.append((parts[0], Money.from_decimal(amount).amount_minor))
        if not rows:
            raise forms.ValidationError(_("Enter at least one SKU and price."))
        if len(rows) > 100:
            raise forms.ValidationError(_("List at most 100 variants at a time."))
        return rows


class StoreAccessForm(BootstrapValidationFormMixin, forms.Form):
    """Which of the merchant's live stores a staff member may open: every store (``all``), or
    the ticked ones (at least one). ``store_ids()`` is ``member_update``'s ``store_ids``."""

    all = forms.BooleanField(
        label=_("Every store, including stores connected later"), required=False
    )
    stores = forms.TypedMultipleChoiceField(
        label=_("Only these stores"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, stores: list[Store], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["stores"].choices = [(s.pk, f"{s.name} ({s.domain})") for s in stores]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("all") and not data.get("stores"):
            raise forms.ValidationError(_("Tick at least one store, or every store."))
        return data

    def store_ids(self) -> list[int]:
        return [] if self.cleaned_data["all"] else sorted(self.cleaned_data["stores"])


class MedusaConnectForm(BootstrapValidationFormMixin, forms.Form):
    """A Medusa v2 store: its address and a secret API key (checked by the service). The key
    field never renders its value back, so a refused form does not echo the secret."""

    base_url = forms.CharField(
        label=_("Store address"),
        max_length=255,
        widget=forms.TextInput(
            attrs={"placeholder": "https://shop.example.com", "inputmode": "url"}
        ),
        help_text=_("The address of your Medusa server (where /admin and /store answer)."),
    )
    api_key = forms.CharField(
        label=_("Secret API key"),
        max_length=300,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "In the Medusa admin: Settings → Secret API Keys → Create (it starts with sk_)."
        ),
    )
    name = forms.CharField(
        label=_("Name in Dropyard (optional)"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to use the store's own name."),
    )


def _shop_field() -> forms.CharField:
    return forms.CharField(
        label=_("Shop address"),
        max_length=255,
        help_text=_("Your shop's address ending in .myshopify.com, e.g. my-shop.myshopify.com"),
        widget=forms.TextInput(attrs={"placeholder": "my-shop.myshopify.com"}),
    )


class ShopifyShopForm(BootstrapValidationFormMixin, forms.Form):
    """The shop to authorize the public app on; ``shop`` comes out as the bare host."""

    shop = _shop_field()

    def clean_shop(self) -> str:
        try:
            return shop_domain_clean(self.cleaned_data["shop"])
        except ShopDomainInvalid as exc:
            raise forms.ValidationError(str(exc)) from None


class ShopifyOwnAppForm(ShopifyShopForm):
    """The merchant's own Dev Dashboard app: its client id and secret (never shown again)."""

    client_id = forms.CharField(label=_("Client ID"), max_length=200)
    client_secret = forms.CharField(
        label=_("Client secret"), max_length=200, widget=forms.PasswordInput(render_value=False)
    )


class ShippingDefaultForm(BootstrapValidationFormMixin, forms.Form):
    """A store's shipping line for one destination; no line clears the store's choice."""

    dest_country = forms.ChoiceField(label=pgettext_lazy("shipping", "Destination"))
    line = forms.ModelChoiceField(
        queryset=ShippingLine.objects.filter(is_active=True).order_by("name"),
        label=_("Shipping line"),
        required=False,
        empty_label=_("Your default (clear the store's)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dest_country"].choices = country_choices()
