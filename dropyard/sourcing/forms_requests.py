"""The merchant's new sourcing request form. It only parses input (money to integer minor units,
the picture's bytes); ``services_requests.sourcing_request_create`` validates and writes."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dropyard.catalog.imagehashing import MAX_IMAGE_BYTES
from dropyard.core.forms import BootstrapFormMixin
from dropyard.core.money import Money
from dropyard.stores.models import StoreVariant

from .services_requests import (
    COUNTRIES_MAX,
    NAME_MAX,
    PRICE_MAX_MINOR,
    QUANTITY_MAX,
    TEXT_MAX,
    URL_MAX,
)

CURRENCY = "USD"
PRICE_MAX = Money(PRICE_MAX_MINOR, CURRENCY).to_decimal()

# The service's field names (in its messages) → this form's fields, so a refusal shows under
# the field it is about.
SERVICE_FIELDS = {
    "productName": "product_name",
    "productUrl": "source_url",
    "description": "description",
    "remark": "notes",
    "price": "target_price",
    "monthlyQuantity": "monthly_quantity",
    "destination countries": "destination_countries",
    "unknown country code": "destination_countries",
    "the picture": "picture",
    "store variant": "store_variant",
}


def service_error_field(message: str) -> str | None:
    """The form field a service refusal names (None: the whole form)."""
    lowered = message.lower()
    for name, field in SERVICE_FIELDS.items():
        if lowered.startswith(name.lower()):
            return field
    return None


def _variant_label(variant: StoreVariant) -> str:
    sku = f" ({variant.sku})" if variant.sku else ""
    return f"{variant.store.name} · {variant}{sku}"


class SourcingRequestForm(BootstrapFormMixin, forms.Form):
    """A product link or a picture (at least one), the product's name and what the merchant
    wants: target price, monthly quantity, destinations, notes, the store variant it is for."""

    source_url = forms.URLField(
        label=_("Product link"),
        required=False,
        max_length=URL_MAX,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "A product page on 1688, Taobao, Tmall, AliExpress, Alibaba, Amazon or any shop."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://detail.1688.com/offer/…"}),
    )
    picture = forms.FileField(
        label=_("Or a picture of the product"),
        required=False,
        help_text=_("JPEG, PNG, GIF, WebP, BMP or TIFF, at most %(mb)s MB.")
        % {"mb": MAX_IMAGE_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    product_name = forms.CharField(label=_("Product name"), max_length=NAME_MAX)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("What the product is, its material, size, colours: helps the agent find it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_price = forms.DecimalField(
        label=_("Target unit price (USD)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(PRICE_MAX)],
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    monthly_quantity = forms.IntegerField(
        label=_("Expected monthly quantity"),
        required=False,
        min_value=1,
        max_value=QUANTITY_MAX,
    )
    destination_countries = forms.MultipleChoiceField(
        label=_("Destination countries"),
        required=False,
        choices=list(countries),
    )
    notes = forms.CharField(
        label=_("Notes for the agent"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    store_variant = forms.TypedChoiceField(
        label=_("For this product of your store (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The published product is connected to it, so its orders route to us."),
    )

    def __init__(self, *args: Any, store_variants: list[StoreVariant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["store_variant"]
        field.choices = [("", _("None")), *((v.pk, _variant_label(v)) for v in store_variants)]
        if store_variants:
            field.widget.attrs["data-searchable"] = ""
        else:
            field.widget = forms.HiddenInput()
        # The shop is recognised as the link is typed (htmx asks the server, which reads it
        # with the same rules as the service).
        self.fields["source_url"].widget.attrs.update(
            {
                "hx-get": reverse("sourcing_requests:platform"),
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": "#platform-hint",
                "hx-swap": "outerHTML",
                "aria-describedby": "platform-hint",
            }
        )

    def clean_picture(self) -> bytes | None:
        """The uploaded picture's bytes (None without one); the size checked before reading."""
        upload = self.cleaned_data.get("picture")
        if not upload:
            return None
        if upload.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(
                _("The picture is larger than %(mb)s MB."),
                params={"mb": MAX_IMAGE_BYTES // (1024 * 1024)},
            )
        return upload.read()

    def clean_target_price(self) -> int | None:
        """The target price in integer minor units (cents)."""
        value = self.cleaned_data.get("target_price")
        if value is None:
            return None
        return Money.from_decimal(value, CURRENCY).amount_minor

    def clean_destination_countries(self) -> list[str]:
        codes = self.cleaned_data.get("destination_countries") or []
        if len(codes) > COUNTRIES_MAX:
            raise forms.ValidationError(
                _("Choose at most %(max)s countries."), params={"max": COUNTRIES_MAX}
            )
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("source_url") and not data.get("picture"):
            raise forms.ValidationError(_("Give a product link or a picture of the product."))
        return data
