"""Forms for the merchant catalog pages. Forms parse input; selectors and services do the work."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dropyard.catalog.choices import ReportReason
from dropyard.core.forms import BootstrapFormMixin, BootstrapValidationFormMixin
from dropyard.core.money import Money

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("newest", _("Newest")),
    ("listings", _("Most listed")),
]

MAX_PRICE = Decimal("1000000")


@dataclass(frozen=True)
class SearchFilters:
    """The search selector's filter arguments (prices in USD minor units)."""

    keyword: str = ""
    category_id: int | None = None
    warehouse_country: str = ""
    min_price_minor: int | None = None
    max_price_minor: int | None = None
    in_stock: bool = False
    sort: str = "relevance"


def _minor(value: Decimal | None) -> int | None:
    return None if value is None else Money.from_decimal(value, "USD").amount_minor


class ProductSearchForm(BootstrapFormMixin, forms.Form):
    """Catalog search: keyword, category, warehouse country, price range, in stock, sort."""

    q = forms.CharField(required=False, max_length=200, label=_("Keyword"))
    category = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("Category")
    )
    warehouse_country = forms.ChoiceField(required=False, label=_("Ships from"))
    min_price = forms.DecimalField(
        required=False, min_value=0, max_value=MAX_PRICE, decimal_places=2, label=_("Min price ($)")
    )
    max_price = forms.DecimalField(
        required=False, min_value=0, max_value=MAX_PRICE, decimal_places=2, label=_("Max price ($)")
    )
    in_stock = forms.BooleanField(required=False, label=_("In stock only"))
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("Sort by"))

    def __init__(self, *args, categories=(), warehouse_countries=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]
        names = dict(countries)
        self.fields["warehouse_country"].choices = [
            ("", _("Any warehouse")),
            *((code, names.get(code, code)) for code in warehouse_countries),
        ]
        for name in ("min_price", "max_price"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The minimum price must not be above the maximum."))
        return data

    def filters(self) -> SearchFilters:
        """The valid filters; an invalid form filters nothing (its errors are shown)."""
        if not self.is_bound or not self.is_valid():
            return SearchFilters()
        data = self.cleaned_data
        return SearchFilters(
            keyword=data["q"].strip(),
            category_id=data["category"],
            warehouse_country=data["warehouse_country"],
            min_price_minor=_minor(data["min_price"]),
            max_price_minor=_minor(data["max_price"]),
            in_stock=data["in_stock"],
            sort=data["sort"] or "relevance",
        )


class ProductChoiceForm(forms.Form):
    """A product named by its public id (posted by the My Products buttons)."""

    product = forms.CharField(max_length=32)


class FreightEstimateForm(BootstrapValidationFormMixin, forms.Form):
    """The product page's freight estimate: a variant, a quantity, an origin, a destination."""

    variant = forms.ChoiceField(label=_("Variant"))
    quantity = forms.IntegerField(min_value=1, max_value=10000, initial=1, label=_("Quantity"))
    origin_country = forms.ChoiceField(label=_("Ship from"))
    dest_country = forms.ChoiceField(label=_("Destination country"))
    postcode = forms.CharField(required=False, max_length=20, label=_("Postcode"))

    def __init__(self, *args, variants=(), origin_countries=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = dict(countries)
        self.fields["variant"].choices = [(v.public_id, _variant_label(v)) for v in variants]
        self.fields["origin_country"].choices = [
            (code, names.get(code, code)) for code in origin_countries
        ]
        self.fields["dest_country"].choices = [("", _("Choose a country")), *countries]
        self.fields["quantity"].widget.attrs["inputmode"] = "numeric"


def _variant_label(variant) -> str:
    values = " / ".join(str(v) for v in (variant.options or {}).values())
    return f"{variant.sku} {values}".strip()


class ReportForm(BootstrapValidationFormMixin, forms.Form):
    """Report an improper product: a reason and a note."""

    reason = forms.ChoiceField(
        choices=[("", _("Choose a reason")), *ReportReason.choices], label=_("Reason")
    )
    note = forms.CharField(
        required=False,
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is wrong with this product?"),
    )


class ImageSearchForm(BootstrapFormMixin, forms.Form):
    """One picture to search the catalog by; it is decoded and checked by the selector."""

    image = forms.FileField(
        label=_("Picture"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        error_messages={"required": _("Choose a picture to search by.")},
    )
