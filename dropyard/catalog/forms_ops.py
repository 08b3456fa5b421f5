"""Forms for the catalog back office (catalog_ops): products, variants, images, categories, reports.

Forms only parse and check input; views pass ``cleaned_data`` to one service or selector.
Prices are typed as decimal USD and handed over as integer minor units.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dropyard.accounts.selectors import supplier_list
from dropyard.core.forms import BootstrapValidationFormMixin
from dropyard.core.money import Money

from .choices import ProductType, ReportStatus, ShippingProperty
from .models import Category
from .selectors import category_list

ALL = "all"
ON_SALE_CHOICES = [("", _("Any status")), ("yes", _("On sale")), ("no", _("Off sale"))]


def _category_label(category: Category) -> str:
    names = [category.name]
    parent = category.parent
    while parent is not None:
        names.append(parent.name)
        parent = parent.parent
    return " › ".join(reversed(names))


class CategoryChoiceField(forms.ModelChoiceField):
    """A category shown with its full path ("Home › Kitchen › Gadgets")."""

    def label_from_instance(self, obj: Category) -> str:
        return _category_label(obj)


def leaf_categories():
    return category_list(leaves_only=True)


class MoneyField(forms.DecimalField):
    """A non-negative USD amount typed as a decimal ("12.50"); cleans to integer minor units."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("step", "0.01")
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return Money(value).to_decimal()
        return super().prepare_value(value)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else Money.from_decimal(amount).amount_minor


# --- Products ---------------------------------------------------------------------------------


class ProductFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    category = CategoryChoiceField(queryset=None, required=False, empty_label=_("All categories"))
    on_sale = forms.ChoiceField(choices=ON_SALE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()
        for name in ("category", "on_sale"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def filters(self) -> dict:
        """The valid filters (an invalid value filters nothing)."""
        self.is_valid()
        data = self.cleaned_data
        on_sale = {"yes": True, "no": False}.get(data.get("on_sale") or "")
        return {
            "q": (data.get("q") or "").strip(),
            "category": data.get("category"),
            "on_sale": on_sale,
        }


class ProductForm(BootstrapValidationFormMixin, forms.Form):
    """The product's own fields (SPU). ``sku`` is asked for on create only: it never changes."""

    sku = forms.CharField(
        label=_("Product SKU"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to generate one. It never changes."),
    )
    name = forms.CharField(label=_("Name"), max_length=300)
    category = CategoryChoiceField(label=_("Category"), queryset=None, empty_label=_("Choose…"))
    product_type = forms.ChoiceField(label=_("Product type"), choices=ProductType.choices)
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=None, required=False, empty_label=_("None (platform product)")
    )
    description_html = forms.CharField(
        label=_("Description (HTML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sanitised on save: scripts and unsafe attributes are removed."),
    )
    hs_code = forms.CharField(label=_("HS code"), max_length=20, required=False)
    material = forms.CharField(label=_("Material"), max_length=120, required=False)
    packing = forms.CharField(label=_("Packing"), max_length=120, required=False)
    properties = forms.MultipleChoiceField(
        label=_("Shipping properties"),
        choices=ShippingProperty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    video_url = forms.URLField(
        label=_("Video URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Optional. Products with a video answer the API's video filters."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()
        self.fields["supplier"].queryset = supplier_list()
        if editing:
            del self.fields["sku"]


class VariantForm(BootstrapValidationFormMixin, forms.Form):
    """One variant (SKU): option values, weight, dimensions and prices."""

    sku = forms.CharField(
        label=_("Variant SKU"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to generate one."),
    )
    options = forms.CharField(
        label=_("Options"),
        max_length=300,
        required=False,
        help_text=_("Name=value pairs separated by semicolons, e.g. Color=Red; Size=M"),
    )
    weight_g = forms.IntegerField(label=_("Weight (g)"), min_value=0)
    length_mm = forms.IntegerField(label=_("Length (mm)"), min_value=0, initial=0)
    width_mm = forms.IntegerField(label=_("Width (mm)"), min_value=0, initial=0)
    height_mm = forms.IntegerField(label=_("Height (mm)"), min_value=0, initial=0)
    price_minor = MoneyField(label=_("Price to merchants (USD)"))
    suggested_price_minor = MoneyField(label=_("Suggested retail price (USD)"), initial=0)
    barcode = forms.CharField(label=_("Barcode"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        initial = kwargs.get("initial")
        if initial and isinstance(initial.get("options"), dict):
            kwargs["initial"] = {**initial, "options": format_options(initial["options"])}
        super().__init__(*args, **kwargs)

    def clean_sku(self) -> str:
        return self.cleaned_data["sku"].strip()

    def clean_options(self) -> dict[str, str]:
        return parse_options(self.cleaned_data["options"])


def format_options(options: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in options.items())


def parse_options(text: str) -> dict[str, str]:
    """ "Color=Red; Size=M" → {"Color": "Red", "Size": "M"}."""
    options: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise forms.ValidationError(_("“%(part)s” is not a name=value pair") % {"part": part})
        options[name.strip()] = value.strip()
    return options


class ReasonForm(BootstrapValidationFormMixin, forms.Form):
    """Why a product or variant goes off sale (required) or back on sale (optional)."""

    on_sale = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def clean(self) -> dict:
        data = super().clean()
        data["reason"] = (data.get("reason") or "").strip()
        if not data.get("on_sale") and not data["reason"]:
            self.add_error("reason", _("Say why it goes off sale"))
        return data


class ImageUploadForm(BootstrapValidationFormMixin, forms.Form):
    image = forms.ImageField(
        label=_("Image"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("PNG, JPEG or WebP; a thumbnail is generated."),
    )


# --- Categories -------------------------------------------------------------------------------


class CategoryForm(BootstrapValidationFormMixin, forms.Form):
    """A new category: no parent makes a top-level one; level-3 categories take no children."""

    name = forms.CharField(label=_("Name"), max_length=120)
    parent = CategoryChoiceField(
        label=_("Parent"), queryset=None, required=False, empty_label=_("None (top level)")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = category_list(parents_only=True)


# --- Improper-product reports -----------------------------------------------------------------


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[*ReportStatus.choices, (ALL, _("All"))], required=False)

    def status_value(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("status") or ReportStatus.PENDING


class ReportDismissForm(BootstrapValidationFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (shown to the reporter)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportTakeOffSaleForm(BootstrapValidationFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the reporter and on the product)"), max_length=300
    )
