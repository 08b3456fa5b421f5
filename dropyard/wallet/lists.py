"""Filters and columns of the invoice lists (the merchant's and finance's), for the generic
list (``core.lists``): the filter form stays in front of ``selectors.invoice_list``. Also the
pieces every money list shares: ``DatedSearchForm`` (a search box and a day range in front of
a selector), ``WhenColumn`` (a time) and ``MoneyColumn`` (minor units shown with ``money``)."""

from datetime import datetime
from typing import Any

import django_tables2 as tables
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.lists import PRIMARY, FormFilter, ListTable
from dropyard.orders.templatetags.orders_tags import money

from .choices import InvoiceKind, Provider
from .models import Invoice
from .providers import selectors as provider_selectors
from .reports import day_bounds

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
WHEN_FORMAT = "Y-m-d H:i"


class DatedSearchForm(forms.Form):
    """A money list's search box and inclusive day range, in front of a selector taking ``q``,
    ``date_from`` and ``date_to`` (a half-open datetime range) plus the subclass's ``passed``
    fields as they are. ``filters()`` is {} for invalid input (the selector's defaults: nothing
    filtered) and the form's errors say why; "from" after "to" is an error."""

    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    date_from = forms.DateField(required=False, label=_("From"), widget=DATE_INPUT)
    date_to = forms.DateField(required=False, label=_("To"), widget=DATE_INPUT)

    passed: tuple[str, ...] = ()
    placeholder: Any = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": self.placeholder})
        self.order_fields(["q", *self.passed, "date_from", "date_to"])

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        start, end = day_bounds(data["date_from"], data["date_to"])
        return {
            "q": data["q"].strip(),
            "date_from": start,
            "date_to": end,
            **{name: data[name] for name in self.passed},
        }


class WhenColumn(tables.DateTimeColumn):
    """A time as "Y-m-d H:i" in the current time zone, on the page and in the CSV alike."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", WHEN_FORMAT)
        kwargs.setdefault("attrs", {"td": {"class": "small text-nowrap"}})
        super().__init__(**kwargs)

    def value(self, value: datetime | None) -> str:
        return dateformat.format(timezone.localtime(value), WHEN_FORMAT) if value else ""


class MoneyColumn(tables.Column):
    """An amount in integer minor units, shown with ``money`` in the record's ``currency`` (on
    the page and in the CSV), right-aligned; ``primary`` puts it on top of the phone card."""

    def __init__(self, *, primary: bool = False, td: dict | None = None, **kwargs: Any) -> None:
        cell = {"class": "text-end text-nowrap", **(PRIMARY["td"] if primary else {}), **(td or {})}
        kwargs.setdefault("attrs", {"td": cell, "th": {"class": "text-end"}})
        super().__init__(**kwargs)

    def render(self, value: int, record: Any) -> str:
        return money(value, record.currency)


class InvoiceFilterForm(forms.Form):
    """Kind and a search over number and reference (and, for finance, the merchant)."""

    q = forms.CharField(
        required=False, max_length=100, label=_("Number, order code or your order number")
    )
    kind = forms.ChoiceField(required=False, choices=[("", _("All kinds")), *InvoiceKind.choices])

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "kind": ""}
        return {"q": self.cleaned_data["q"], "kind": self.cleaned_data["kind"]}


class EventFilterForm(forms.Form):
    """Finance's provider events: provider, event type, processing status."""

    provider = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("All providers")),
            (Provider.STRIPE, "Stripe"),
            (Provider.PAYPAL, "PayPal"),
        ],
    )
    type = forms.CharField(required=False, max_length=100, label=_("Event type"))
    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *provider_selectors.EVENT_STATUSES.items()]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].widget.attrs.update(
            {"type": "search", "placeholder": _("Event type, e.g. payment_intent.succeeded")}
        )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"provider": "", "event_type": "", "status": ""}
        data = self.cleaned_data
        return {
            "provider": data["provider"],
            "event_type": data["type"].strip(),
            "status": data["status"],
        }


class CodeColumn(tables.Column):
    """The record's ``code`` (TU…, RF…, BT…: never a database id), linking to ``url_name``
    with the ``accessor`` value when given; sorted by ``accessor``."""

    def __init__(self, *, url_name: str = "", **kwargs: Any) -> None:
        self.url_name = url_name
        kwargs.setdefault("accessor", "public_id")
        kwargs.setdefault("order_by", (kwargs["accessor"],))
        kwargs.setdefault("attrs", {"td": {"class": "list-title font-monospace text-nowrap"}})
        super().__init__(**kwargs)

    def render(self, value: str, record: Any) -> str:
        if not self.url_name:
            return record.code
        return format_html('<a href="{}">{}</a>', reverse(self.url_name, args=[value]), record.code)

    def value(self, record: Any) -> str:
        return record.code


class MerchantColumn(tables.Column):
    """The record's merchant: the business name, then the account number (finance's lists)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "merchant__business_name")
        kwargs.setdefault("verbose_name", _("Merchant"))
        kwargs.setdefault("attrs", {"td": {"class": "small text-break"}})
        super().__init__(**kwargs)

    def render(self, value: str, record: Any) -> str:
        return format_html(
            '{} <span class="text-secondary font-monospace">{}</span>',
            value,
            record.merchant.account_number,
        )

    def value(self, value: str, record: Any) -> str:
        return f"{value} {record.merchant.account_number}"


class TemplateCell(tables.Column):
    """A cell drawn by ``template`` with the record as ``name`` (a status badge, the row's
    actions); the CSV gets the cell's text."""

    def __init__(self, *, template: str, name: str, **kwargs: Any) -> None:
        self.template, self.name = template, name
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)

    def render(self, record: Any) -> str:
        return render_to_string(self.template, {self.name: record})

    def value(self, record: Any) -> str:
        return " ".join(strip_tags(self.render(record)).split())


class ActionColumn(TemplateCell):
    """The row's actions (no header, not exported), on top of the phone card."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", "")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap", **PRIMARY["td"]}})
        super().__init__(**kwargs)


class EventFilter(FormFilter):
    class Meta:
        form = EventFilterForm


class InvoiceFilter(FormFilter):
    class Meta:
        form = InvoiceFilterForm


class InvoiceTable(ListTable):
    """Billing documents, newest first: the total and the PDF first on a phone card. Give
    ``download_url_name``; ``merchant`` is for finance (the merchant page excludes it)."""

    number = tables.Column(
        verbose_name=pgettext_lazy("document", "Number"),
        orderable=False,
        attrs={"td": {"class": "list-title font-monospace"}},
    )
    kind = tables.Column(verbose_name=_("Kind"), orderable=False)
    issued_at = tables.DateTimeColumn(
        verbose_name=_("Date"),
        format="Y-m-d H:i",
        orderable=False,
        attrs={"td": {"class": "small text-nowrap"}},
    )
    merchant = tables.Column(
        accessor="merchant__business_name", verbose_name=_("Merchant"), orderable=False
    )
    reference = tables.Column(
        verbose_name=_("Orders / reference"),
        orderable=False,
        default="",
        attrs={"td": {"class": "small text-break"}},
    )
    total = tables.Column(
        accessor="total_minor",
        verbose_name=_("Total"),
        orderable=False,
        attrs={
            "td": {"class": "text-end text-nowrap", **PRIMARY["td"]},
            "th": {"class": "text-end"},
        },
    )
    download = tables.Column(
        accessor="public_id",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end", **PRIMARY["td"]}},
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "invoice-table"}
        row_attrs = {"data-testid": "invoice-row"}

    def __init__(self, *args, download_url_name: str = "wallet:invoice_download", **kwargs):
        super().__init__(*args, **kwargs)
        self.download_url_name = download_url_name

    def render_kind(self, record: Invoice) -> str:
        if record.original:
            return format_html(
                '{} <span class="small text-secondary">for {}</span>',
                record.get_kind_display(),
                record.original.number,
            )
        return record.get_kind_display()

    def render_merchant(self, value: str, record: Invoice) -> str:
        return format_html(
            '{} <span class="small text-secondary">{}</span>', value, record.merchant.account_number
        )

    def render_reference(self, record: Invoice) -> str:
        # The orders' codes and the merchant's own order numbers, else the stored reference.
        return render_to_string(
            "wallet/partials/_invoice_reference.html", {"invoice": record, "limit": 80}
        )

    def render_total(self, value: int, record: Invoice) -> str:
        sign = "-" if record.kind == InvoiceKind.CREDIT_NOTE else ""
        return sign + money(value, record.currency)

    def render_download(self, value: str) -> str:
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}" download '
            'data-testid="invoice-download">PDF</a>',
            reverse(self.download_url_name, kwargs={"public_id": value}),
        )


class EventTable(ListTable):
    """Provider events, newest first: the event id heads a phone card, its status first."""

    received_at = tables.DateTimeColumn(
        verbose_name=_("Received"),
        format="Y-m-d H:i:s",
        orderable=False,
        attrs={"td": {"class": "text-nowrap small"}},
    )
    provider = tables.Column(verbose_name=_("Provider"), orderable=False)
    event_type = tables.Column(
        verbose_name=_("Type"), orderable=False, attrs={"td": {"class": "font-monospace small"}}
    )
    event_id = tables.Column(
        verbose_name=_("Event id"),
        orderable=False,
        attrs={"td": {"class": "font-monospace small list-title"}},
    )
    status = tables.Column(accessor="pk", verbose_name=_("Status"), orderable=False, attrs=PRIMARY)

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "event-table"}
        row_attrs = {"data-testid": "event-row"}

    def render_provider(self, record) -> str:
        return record.get_provider_display()

    def render_event_id(self, value: str, record) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("wallet_providers_ops:event_detail", args=[record.pk]),
            value if len(value) <= 40 else value[:39] + "…",
        )

    def render_status(self, record) -> str:
        return render_to_string(
            "wallet/providers/ops/partials/_event_status.html",
            {"event": record, "status": provider_selectors.event_status(record)},
        )

    def value_status(self, record) -> str:
        return provider_selectors.event_status(record)
