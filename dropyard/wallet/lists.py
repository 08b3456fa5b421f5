"""Filters and columns of the invoice lists (the merchant's and finance's), for the generic
list (``core.lists``): the filter form stays in front of ``selectors.invoice_list``."""

import django_tables2 as tables
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.lists import PRIMARY, FormFilter, ListTable
from dropyard.orders.templatetags.orders_tags import money

from .choices import InvoiceKind, Provider
from .models import Invoice
from .providers import selectors as provider_selectors


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
