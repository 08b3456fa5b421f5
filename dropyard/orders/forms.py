"""Forms of the merchant order pages. They parse input; the services do the work and the
address validator (``orders.address``) gives the per-field messages."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dropyard.catalog.models import Variant
from dropyard.catalog.selectors import KEY_MAX_LENGTH
from dropyard.core.forms import BootstrapFormMixin, BootstrapValidationFormMixin
from dropyard.logistics.models import ShippingLine

from . import csv_io
from .address import address_errors
from .choices import IossType
from .status_labels import status_filter_choices

DATE = forms.DateInput(attrs={"type": "date"})


class OrderFilterForm(BootstrapFormMixin, forms.Form):
    """Filters of the order list (also used by the CSV export of the filtered list)."""

    q = forms.CharField(
        required=False, max_length=100, label=_("Search"), help_text=_("Order number, code or name")
    )
    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *status_filter_choices()], label=_("Status")
    )
    country = forms.ChoiceField(required=False, label=_("Country"))
    store_name = forms.CharField(required=False, max_length=120, label=_("Store"))
    problem = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Any")),
            ("any", _("Any problem")),
            ("exception", _("Delivery exception")),
            ("unroutable", _("No shipping line")),
        ],
        label=_("Problem"),
    )
    date_from = forms.DateField(required=False, label=_("From"), widget=DATE)
    date_to = forms.DateField(required=False, label=_("To"), widget=DATE)
    tab = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries]
        self.fields["q"].widget.attrs["placeholder"] = _("Order number, code or name")

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.order_list`` (empty when the input is invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"],
            "status": data["status"],
            "country": data["country"],
            "store_name": data["store_name"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "problem": data["problem"],
        }


class CancelForm(BootstrapFormMixin, forms.Form):
    """The confirmation step of a cancel: the reason is kept in the order's history."""

    reason = forms.CharField(
        max_length=300,
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in each order's history."),
    )


ADDRESS_LABELS = {
    "shipping_customer_name": _("Recipient name"),
    "shipping_phone": _("Phone"),
    "email": _("E-mail"),
    "shipping_country_code": _("Country"),
    "shipping_province": _("Province / state"),
    "shipping_city": _("City"),
    "shipping_zip": _("Postcode"),
    "shipping_address": _("Address"),
    "shipping_address2": _("Address line 2"),
    "house_number": _("House number"),
}


class AddressForm(BootstrapValidationFormMixin, forms.Form):
    """A shipping address; every message comes from ``orders.address.address_errors``."""

    shipping_customer_name = forms.CharField(required=False, max_length=100)
    shipping_phone = forms.CharField(required=False, max_length=30)
    email = forms.CharField(required=False, max_length=254)
    shipping_country_code = forms.ChoiceField(required=False)
    shipping_province = forms.CharField(required=False, max_length=80)
    shipping_city = forms.CharField(required=False, max_length=80)
    shipping_zip = forms.CharField(required=False, max_length=20)
    shipping_address = forms.CharField(required=False, max_length=200)
    shipping_address2 = forms.CharField(required=False, max_length=200)
    house_number = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipping_country_code"].choices = [("", _("Choose a country")), *countries]
        for name, label in ADDRESS_LABELS.items():
            self.fields[name].label = label

    def clean(self) -> dict:
        data = super().clean()
        for name, message in address_errors(data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def address(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in ADDRESS_LABELS}


class ManualOrderForm(AddressForm):
    """A manual order (source "manual"): address, options; lines come from ``LineFormSet``."""

    order_number = forms.CharField(max_length=50, label=_("Order number"))
    shipping_line = forms.ModelChoiceField(
        queryset=ShippingLine.objects.none(),
        required=False,
        empty_label=_("Default (your default line, else the best fit)"),
        label=_("Shipping line"),
    )
    remark = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea({"rows": 2}), label=_("Remark")
    )
    tax_id = forms.CharField(required=False, max_length=40, label=_("Tax id"))
    ioss_type = forms.TypedChoiceField(
        choices=IossType.choices, coerce=int, initial=IossType.NONE, label=_("IOSS")
    )
    ioss_number = forms.CharField(required=False, max_length=20, label=_("IOSS number"))

    field_order = ["order_number", *ADDRESS_LABELS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipping_line"].queryset = ShippingLine.objects.filter(
            is_active=True
        ).order_by("name")
        self.order_fields(self.field_order)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("ioss_type") == IossType.OWN and not data.get("ioss_number"):
            self.add_error("ioss_number", _("Required with your own IOSS."))
        return data

    def order_kwargs(self) -> dict:
        data = self.cleaned_data
        line = data.get("shipping_line")
        return {
            **self.address(),
            "order_number": data["order_number"],
            "remark": data["remark"],
            "tax_id": data["tax_id"],
            "ioss_type": data["ioss_type"],
            "ioss_number": data["ioss_number"],
            "requested_logistic_name": line.name if line else "",
        }


class LineForm(BootstrapFormMixin, forms.Form):
    """One order line: a SKU or variant id and a quantity."""

    variant = forms.CharField(max_length=64, required=False, label=_("SKU or variant id"))
    quantity = forms.IntegerField(
        min_value=1, max_value=csv_io.MAX_QUANTITY, required=False, label=_("Quantity")
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("variant") and not data.get("quantity") and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter a quantity for this SKU."))
        if data.get("quantity") and not data.get("variant"):
            self.add_error("variant", _("Enter the SKU or variant id to order."))
        return data


LineFormSet = forms.formset_factory(LineForm, extra=2, can_delete=True, max_num=100)


def lines_from_formset(formset) -> list[dict]:
    """``[{vid | sku, quantity}]``: a long number that is no SKU is taken as a variant id."""
    lines = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or not data.get("variant"):
            continue
        value = data["variant"].strip()
        key = "vid" if _looks_like_vid(value) else "sku"
        lines.append({key: value, "quantity": data["quantity"]})
    return lines


def _looks_like_vid(value: str) -> bool:
    if not (value.isdigit() and 16 <= len(value) <= 20):
        return False
    return not Variant.objects.filter(sku=value).exists()


class PickerSearchForm(forms.Form):
    """The product picker's search box: part of a name or SKU (Django refuses NUL characters)."""

    q = forms.CharField(max_length=100, required=False)


class PickForm(forms.Form):
    """A variant picked in the product picker: its SKU (the button's value)."""

    add_variant = forms.CharField(max_length=KEY_MAX_LENGTH)


def lines_data_with(data: QueryDict, *, sku: str = "", max_lines: int = 100) -> QueryDict:
    """The posted line rows plus one: ``sku`` × 1 in the first empty row (a new row when none is
    empty), or one more of ``sku`` where a row already has it; no ``sku``: one empty row more.
    At most ``max_lines`` rows; a full form is returned unchanged."""
    data = data.copy()
    count_text = data.get("lines-TOTAL_FORMS") or "0"
    count = min(int(count_text), max_lines) if count_text.isdigit() else 0
    live = [i for i in range(count) if not data.get(f"lines-{i}-DELETE")]
    if sku:
        for i in live:
            if (data.get(f"lines-{i}-variant") or "").strip() == sku:
                quantity = data.get(f"lines-{i}-quantity") or ""
                current = int(quantity) if quantity.isdigit() and len(quantity) < 7 else 0
                data[f"lines-{i}-quantity"] = str(min(current + 1, csv_io.MAX_QUANTITY))
                return data
        for i in live:
            if not (data.get(f"lines-{i}-variant") or "").strip():
                data[f"lines-{i}-variant"], data[f"lines-{i}-quantity"] = sku, "1"
                return data
    if count >= max_lines:
        return data
    data["lines-TOTAL_FORMS"] = str(count + 1)
    if sku:
        data[f"lines-{count}-variant"], data[f"lines-{count}-quantity"] = sku, "1"
    return data


class ImportForm(forms.Form):
    """The CSV upload: .csv only, at most ``csv_io.MAX_UPLOAD_BYTES``."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV (a byte-order mark is fine), at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() != ".csv":
            raise ValidationError(_("Only .csv files can be imported."))
        if upload.size > csv_io.MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB; split it into smaller files."))
        if upload.size == 0:
            raise ValidationError(_("The file is empty."))
        return upload
