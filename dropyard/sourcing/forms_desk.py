"""The agent desk's forms: the queue's filters and the request page's actions (quote, publish,
fail) and the standing adjustment. Forms only parse input (prices typed as decimals, cleaned to
integer minor units); the services decide. Each action form has its own prefix so the detail
page can hold all of them without clashing ids."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dropyard.accounts.choices import AccountLevel
from dropyard.accounts.models import MerchantAccount, Supplier
from dropyard.catalog.forms_ops import CategoryChoiceField, MoneyField
from dropyard.catalog.selectors import category_list
from dropyard.core.forms import BootstrapFormMixin
from dropyard.core.lists import SelectFilterSet
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Warehouse

from . import selectors_desk
from .authority import MAX_SCORE, MIN_SCORE
from .choices import SourcingStatus
from .models import SourcingQuote, SourcingRequest

STATUS_CHOICES = [
    (selectors_desk.DESK_OPEN, _("Open")),
    (selectors_desk.DESK_ALL, _("Any status")),
    *SourcingStatus.choices,
]


class MerchantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MerchantAccount) -> str:
        return f"{obj.business_name} ({obj.account_number})"


class DeskFilter(SelectFilterSet):
    """Status (open by default, also without any query), merchant, mine only and a search,
    handed to ``selectors_desk.desk_queue`` (which keeps the operator's scope)."""

    q = django_filters.CharFilter(label=_("Search"), max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=None
    )
    merchant = django_filters.ModelChoiceFilter(
        label=_("Merchant"),
        queryset=MerchantAccount.objects.none(),
        empty_label=_("Any merchant"),
    )
    mine = django_filters.BooleanFilter(label=_("Claimed by me"), widget=forms.CheckboxInput)

    class Meta(SelectFilterSet.Meta):
        model = SourcingRequest
        fields = ["q", "status", "merchant", "mine"]

    def __init__(
        self, data: Any = None, *args: Any, merchants: QuerySet | None = None, **kwargs: Any
    ) -> None:
        # Bound even without a query: the desk opens on the open requests.
        super().__init__({} if data is None else data, *args, **kwargs)
        field = self.form.fields["merchant"]
        field.queryset = merchants if merchants is not None else MerchantAccount.objects.none()
        field.label_from_instance = MerchantChoiceField.label_from_instance.__get__(field)
        self.search_box(_("Product, request id, merchant"))

    def selection(self, data: dict[str, Any]) -> dict[str, Any]:
        merchant = data.get("merchant")
        return {
            "status": data.get("status") or selectors_desk.DESK_OPEN,
            "merchant_id": merchant.pk if merchant is not None else None,
            "mine": bool(data.get("mine")),
            "search": data.get("q") or "",
        }


class QuoteForm(BootstrapFormMixin, forms.Form):
    supplier_name = forms.CharField(label=_("Supplier"), max_length=200)
    supplier = forms.ModelChoiceField(
        label=_("Dropyard supplier (ships from its own warehouse)"),
        queryset=Supplier.objects.order_by("company_name"),
        required=False,
        empty_label=_("None"),
    )
    unit_price = MoneyField(label=_("Unit price (USD)"), min_value=0.01)
    moq = forms.IntegerField(label=_("MOQ"), min_value=1, max_value=10**8, initial=1)
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"), min_value=0, max_value=365, initial=0
    )
    weight_g = forms.IntegerField(label=_("Weight (g)"), min_value=0, max_value=10**6, initial=0)
    photo_urls = forms.CharField(
        label=_("Photo addresses (one a line)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_photo_urls(self) -> list[str]:
        lines = self.cleaned_data["photo_urls"].splitlines()
        return [line.strip() for line in lines if line.strip()]


class QuoteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SourcingQuote) -> str:
        return f"{obj.supplier_name} · {obj.unit_price_minor / 100:.2f} {obj.currency}"


class PublishForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Product name"), max_length=300)
    category = CategoryChoiceField(label=_("Category"), queryset=None)
    price = MoneyField(label=_("Price (USD)"), min_value=0.01)
    weight_g = forms.IntegerField(label=_("Weight (g)"), min_value=1, max_value=10**6)
    length_mm = forms.IntegerField(
        label=_("Length (mm)"), min_value=0, max_value=10_000, required=False
    )
    width_mm = forms.IntegerField(
        label=_("Width (mm)"), min_value=0, max_value=10_000, required=False
    )
    height_mm = forms.IntegerField(
        label=_("Height (mm)"), min_value=0, max_value=10_000, required=False
    )
    hs_code = forms.CharField(label=_("HS code"), max_length=20, required=False)
    variant_names = forms.CharField(
        label=_("Variants (optional, comma-separated)"),
        required=False,
        max_length=1200,
        help_text=_("Empty: one variant. Otherwise one variant per name, e.g. Black, White."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=[
            ("private", _("Only this merchant (private)")),
            ("public", _("Every merchant (public catalog)")),
        ],
        initial="private",
        widget=forms.RadioSelect,
    )
    quote = QuoteChoiceField(
        label=_("Supplier quote"), queryset=None, required=False, empty_label=_("None")
    )
    stock_quantity = forms.IntegerField(
        label=_("Initial stock"), min_value=0, max_value=1_000_000, required=False, initial=0
    )
    warehouse = forms.ModelChoiceField(
        label=_("Platform warehouse for the stock"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("Used when the quote's supplier has no warehouse of its own."),
    )

    def __init__(self, *args: Any, request: SourcingRequest, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"name": request.product_name})
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = category_list(leaves_only=True).select_related(
            "parent__parent"
        )
        self.fields["quote"].queryset = selectors_desk.request_quotes(request)
        self.fields["warehouse"].queryset = Warehouse.objects.filter(
            kind=WarehouseKind.PLATFORM, is_active=True
        ).order_by("name")

    def clean_variant_names(self) -> list[str]:
        raw = self.cleaned_data["variant_names"]
        return [name.strip() for name in raw.split(",") if name.strip()]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "category": data["category"],
            "price_minor": data["price"],
            "weight_g": data["weight_g"],
            "length_mm": data["length_mm"] or 0,
            "width_mm": data["width_mm"] or 0,
            "height_mm": data["height_mm"] or 0,
            "hs_code": data["hs_code"],
            "variant_names": data["variant_names"],
            "private": data["visibility"] == "private",
            "quote": data["quote"],
            "stock_quantity": data["stock_quantity"] or 0,
            "warehouse": data["warehouse"],
        }


class FailForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (the merchant reads it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StandingForm(BootstrapFormMixin, forms.Form):
    level = forms.TypedChoiceField(
        label=_("Account level"), choices=AccountLevel.choices, coerce=int
    )
    score = forms.IntegerField(label=_("Authority score"), min_value=MIN_SCORE, max_value=MAX_SCORE)
    note = forms.CharField(label=_("Reason"), max_length=200)
