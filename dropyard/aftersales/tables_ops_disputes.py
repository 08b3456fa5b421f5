"""The operator dispute desk's table (django-tables2): one row per dispute, sorted by due
time (most urgent first) or by creation; overdue rows carry a red badge."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from dropyard.core.lists import NUMERIC, PRIMARY, ListTable, local_time
from dropyard.core.money import format_money

from . import selectors
from .choices import DisputeStatus
from .models import Dispute

STATUS_TONES = {
    DisputeStatus.AWAITING_RESPONSE: "text-bg-warning",
    DisputeStatus.UNDER_REVIEW: "text-bg-info",
    DisputeStatus.EVIDENCE_REQUESTED: "text-bg-secondary",
    DisputeStatus.RESOLVED: "text-bg-success",
    DisputeStatus.CANCELLED: "text-bg-light",
}


def due_label(dispute: Dispute) -> Any:
    """ "Overdue" (red) or "due in …" for an open dispute; the due time alone once closed."""
    when = format_html(
        '<time datetime="{}">{}</time>', dispute.due_at.isoformat(), local_time(dispute.due_at)
    )
    if selectors.is_overdue(dispute):
        return format_html(
            '<span class="badge text-bg-danger" data-testid="overdue">{}</span> '
            '<span class="small">{}</span>',
            _("Overdue"),
            when,
        )
    if dispute.is_open:
        return format_html(
            '<span class="small">{}</span><div class="small text-secondary">{}</div>',
            when,
            _("due in %(time)s") % {"time": timeuntil(dispute.due_at, timezone.now(), depth=1)},
        )
    return format_html('<span class="small text-secondary">{}</span>', when)


class DisputeDeskTable(ListTable):
    order = tables.Column(
        accessor="order__code",
        verbose_name=gettext_lazy("Order"),
        orderable=False,
        attrs={"td": {"class": "font-monospace list-title"}},
    )
    merchant = tables.Column(
        accessor="merchant__business_name", verbose_name=gettext_lazy("Merchant"), orderable=False
    )
    reason = tables.Column(verbose_name=gettext_lazy("Reason"), orderable=False)
    expect_type = tables.Column(verbose_name=gettext_lazy("Asks for"), orderable=False)
    requested_amount_minor = tables.Column(
        verbose_name=gettext_lazy("Amount asked"), orderable=False, attrs=NUMERIC
    )
    status = tables.Column(verbose_name=gettext_lazy("Status"), orderable=False, attrs=PRIMARY)
    assigned_to = tables.Column(
        accessor="assigned_to__email", verbose_name=gettext_lazy("Assignee"), orderable=False
    )
    due_at = tables.Column(
        verbose_name=gettext_lazy("Due"), order_by=("due_at", "pk"), attrs=PRIMARY
    )
    created_at = tables.Column(
        verbose_name=pgettext_lazy("when", "Created"), order_by=("created_at", "pk")
    )

    class Meta(ListTable.Meta):
        model = Dispute
        fields = ()
        sequence = (
            "order",
            "merchant",
            "reason",
            "expect_type",
            "requested_amount_minor",
            "status",
            "assigned_to",
            "due_at",
            "created_at",
        )
        order_by = ("due_at",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "dispute-desk"}
        # No row colour: on a phone card it tints each cell; the red badge says "overdue".
        row_attrs = {"data-testid": "dispute-row"}

    def render_order(self, value: str, record: Dispute) -> Any:
        url = reverse("aftersales_ops:dispute", kwargs={"public_id": record.public_id})
        return format_html('<a href="{}">{}</a>', url, value)

    def render_requested_amount_minor(self, value: int, record: Dispute) -> str:
        return format_money(value, record.currency)

    def render_status(self, value: str, record: Dispute) -> Any:
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_TONES.get(record.status, "text-bg-light"),
            record.get_status_display(),
        )

    def render_due_at(self, value: Any, record: Dispute) -> Any:
        return due_label(record)

    def value_due_at(self, value: Any, record: Dispute) -> str:
        overdue = _("overdue") if selectors.is_overdue(record) else ""
        return f"{local_time(value)} {overdue}".strip()

    def render_created_at(self, value: Any) -> str:
        return local_time(value)

    def value_status(self, value: str, record: Dispute) -> str:
        return str(record.get_status_display())
