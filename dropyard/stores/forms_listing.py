"""Forms of the pricing rules page and the listing wizard: they parse input (decimals into
basis points and minor units); the stores services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dropyard.catalog.models import Category, Product
from dropyard.core.forms import BootstrapValidationFormMixin
from dropyard.core.money import Money

from .choices import PriceRounding, StoreStatus
from .models import PricingRule, Store
from .pricing import BASIS, RuleTerms

CATALOG_CURRENCY = "USD"  # Variant.price_minor: rule money (fixed add, costs) is in it


def _category_label(category: Category) -> str:
    names, node = [], category
    while node is not None:
        names.append(node.name)
        node = node.parent
    return " › ".join(reversed(names))


class _CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _category_label(obj)


def _bp(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * BASIS)


class PricingRuleForm(BootstrapValidationFormMixin, forms.Form):
    """A rule's scope and terms; ``service_kwargs()`` are the pricing services' arguments."""

    store = forms.ModelChoiceField(
        label=_("Store"),
        queryset=Store.objects.none(),
        required=False,
        empty_label=_("All stores"),
        to_field_name="public_id",
    )
    category = _CategoryChoice(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("All categories"),
        to_field_name="public_id",
        help_text=_("A rule for a category also prices its sub-categories."),
    )
    multiplier = forms.DecimalField(
        label=_("Multiply the cost by"),
        min_value=Decimal("0.0001"),
        max_value=Decimal(100),
        max_digits=7,
        decimal_places=4,
        initial=Decimal(2),
    )
    add = forms.DecimalField(
        label=format_lazy("{} ({})", _("Then add"), CATALOG_CURRENCY),
        min_value=Decimal(0),
        max_value=Decimal(1_000_000),
        max_digits=9,
        decimal_places=2,
        initial=Decimal(0),
    )
    rounding = forms.ChoiceField(
        label=_("Round the price"), choices=PriceRounding.choices, initial=PriceRounding.NINETY_NINE
    )
    compare_at = forms.DecimalField(
        label=_("Compare-at price: the price times (optional)"),
        required=False,
        min_value=Decimal("1.0001"),
        max_value=Decimal(100),
        max_digits=7,
        decimal_places=4,
        help_text=_(
            "Shown struck through beside the price on stores that have it; empty for none."
        ),
    )

    def __init__(self, *args: Any, merchant: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.filter(merchant=merchant).exclude(  # type: ignore[attr-defined]
            status=StoreStatus.DISCONNECTED
        )
        self.fields["category"].queryset = Category.objects.select_related(  # type: ignore[attr-defined]
            "parent__parent"
        ).order_by("level", "name")

    @classmethod
    def for_rule(cls, rule: PricingRule, data: Any = None, *, merchant: Any) -> "PricingRuleForm":
        initial = {
            "store": rule.store.public_id if rule.store is not None else None,
            "category": rule.category.public_id if rule.category is not None else None,
            "multiplier": Decimal(rule.multiplier_bp) / BASIS,
            "add": Money(rule.add_minor, CATALOG_CURRENCY).to_decimal(),
            "rounding": rule.rounding,
            "compare_at": Decimal(rule.compare_at_bp) / BASIS if rule.compare_at_bp else None,
        }
        return cls(data, initial=initial, merchant=merchant)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "store": data["store"],
            "category": data["category"],
            "multiplier_bp": _bp(data["multiplier"]),
            "add_minor": Money.from_decimal(data["add"], CATALOG_CURRENCY).amount_minor,
            "rounding": data["rounding"],
            "compare_at_bp": _bp(data.get("compare_at")),
        }

    def terms(self) -> RuleTerms | None:
        """The terms typed so far (for the live preview), None while they are not valid."""
        if not self.is_valid():
            return None
        kwargs = self.service_kwargs()
        return RuleTerms(
            multiplier_bp=kwargs["multiplier_bp"],
            add_minor=kwargs["add_minor"],
            rounding=kwargs["rounding"],
            compare_at_bp=kwargs["compare_at_bp"],
        )

    def add_service_errors(self, errors: dict[str, str], message: str) -> None:
        fields = {
            "multiplier_bp": "multiplier",
            "add_minor": "add",
            "compare_at_bp": "compare_at",
            "rounding": "rounding",
            "store": "store",
        }
        placed = False
        for name, error in errors.items():
            if name in fields:
                self.add_error(fields[name], error)
                placed = True
        if not placed:
            self.add_error(None, message)


class ListingForm(BootstrapValidationFormMixin, forms.Form):
    """The wizard's second step for one product: variants, title, description, images, typed
    prices (``price_<variant pk>``, blank = the rules' price) and the stores."""

    variants = forms.TypedMultipleChoiceField(
        label=_("Variants"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    description_html = forms.CharField(
        label=_("Description (HTML)"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    images = forms.TypedMultipleChoiceField(
        label=_("Images"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    stores = forms.ModelMultipleChoiceField(
        label=_("Stores"),
        queryset=Store.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, product: Product, stores: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.product = product
        self.variant_list = [v for v in product.variants.all() if v.is_on_sale]
        self.fields["variants"].choices = [(v.pk, v.sku) for v in self.variant_list]  # type: ignore[attr-defined]
        self.fields["images"].choices = [(i.pk, str(i.pk)) for i in product.images.all()]  # type: ignore[attr-defined]
        self.fields["stores"].queryset = stores  # type: ignore[attr-defined]
        for v in self.variant_list:
            self.fields[f"price_{v.pk}"] = forms.DecimalField(
                label=gettext("Price of %(sku)s") % {"sku": v.sku},
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(1_000_000),
                max_digits=9,
                decimal_places=2,
            )
            self.fields[f"price_{v.pk}"].widget.attrs.update(
                {"class": "form-control form-control-sm", "placeholder": gettext("rules")}
            )

    def price_field(self, variant_pk: int) -> forms.BoundField:
        return self[f"price_{variant_pk}"]

    def typed_prices(self) -> dict[int, int]:
        """Variant pk → typed price in minor units (store currency), for chosen variants."""
        chosen = set(self.cleaned_data["variants"])
        return {
            v.pk: Money.from_decimal(
                self.cleaned_data[f"price_{v.pk}"], CATALOG_CURRENCY
            ).amount_minor
            for v in self.variant_list
            if v.pk in chosen and self.cleaned_data.get(f"price_{v.pk}") is not None
        }
