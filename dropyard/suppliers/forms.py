"""Forms of the supplier portal and the operators' review: they only parse input; views hand
``cleaned_data`` to one service. Prices are typed in USD and cleaned to minor units (the
catalog's ``MoneyField``); the variant fields are the catalog's own ``VariantForm``."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dropyard.catalog.forms_ops import CategoryChoiceField, VariantForm, leaf_categories
from dropyard.core.forms import BootstrapValidationFormMixin

IMAGE_ACCEPT = "image/png,image/jpeg,image/webp"
MAX_IMAGES = 8


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several pictures at once; each is checked (real image, ≤ 5 MB) by the catalog service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": IMAGE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [single(item, initial) for item in files]
        if len(cleaned) > MAX_IMAGES:
            raise forms.ValidationError(_("At most %(n)s pictures at a time") % {"n": MAX_IMAGES})
        return cleaned


class SupplierProductForm(BootstrapValidationFormMixin, forms.Form):
    """The product's own fields a supplier sets (product type and SKU stay the operator's)."""

    name = forms.CharField(label=_("Name"), max_length=300)
    category = CategoryChoiceField(label=_("Category"), queryset=None, empty_label=_("Choose…"))
    description_html = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Simple HTML is kept (paragraphs, lists, tables); scripts are removed."),
    )
    hs_code = forms.CharField(label=_("HS code"), max_length=20, required=False)
    material = forms.CharField(label=_("Material"), max_length=120, required=False)
    packing = forms.CharField(label=_("Packing"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()


class SupplierVariantForm(VariantForm):
    """A variant without the SKU field: SKUs are generated for supplier products."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sku"]


class PicturesForm(BootstrapValidationFormMixin, forms.Form):
    images = MultipleImageField(
        label=_("Pictures"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 5 MB each; the first one is the main picture."),
    )


class RejectForm(BootstrapValidationFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (the supplier will see it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("A rejection needs a reason the supplier will see")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("A rejection needs a reason the supplier will see"))
        return reason


class SupplierWarehouseForm(BootstrapValidationFormMixin, forms.Form):
    """The supplier's warehouse: name, country, address and contact."""

    name = forms.CharField(label=_("Name"), max_length=120)
    country = forms.ChoiceField(label=_("Country"))
    region = forms.CharField(label=_("Region / state"), max_length=120, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    address1 = forms.CharField(label=_("Address"), max_length=200, required=False)
    address2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=120, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country…")), *countries]
        self.fields["contact_phone"].widget.attrs["type"] = "tel"


class StockSetForm(BootstrapValidationFormMixin, forms.Form):
    """Set the units on hand of one variant (by its public id) in the supplier's warehouse."""

    variant = forms.CharField(max_length=40, widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Units on hand"), min_value=0, max_value=10_000_000)
    reason = forms.CharField(label=_("Reason"), max_length=300, initial=_("Stock count"))
