"""Columns of the merchant's ticket list and the operator's desk, for ``core.lists``."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dropyard.core.lists import PRIMARY, ListTable

_SMALL = {"td": {"class": "small text-nowrap"}}


class TicketTable(ListTable):
    """The merchant's tickets: status first on a phone card."""

    code = tables.TemplateColumn(
        template_name="aftersales/tickets/_code_cell.html",
        verbose_name=_("Ticket"),
        order_by=("public_id",),
        attrs={"td": {"class": "list-title"}},
    )
    category = tables.Column(verbose_name=_("Category"), orderable=False)
    status = tables.TemplateColumn(
        template_name="aftersales/tickets/_status_cell.html",
        verbose_name=_("Status"),
        order_by=("status",),
        attrs=PRIMARY,
    )
    order = tables.Column(
        accessor="order__code", verbose_name=_("Order"), default="—", orderable=False
    )
    updated_at = tables.DateTimeColumn(
        verbose_name=_("Last activity"), format="Y-m-d H:i", attrs=_SMALL
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "ticket-table"}
        row_attrs = {"data-testid": "ticket-row"}

    def value_code(self, record) -> str:
        return f"{record.code} {record.subject}"

    def value_status(self, record) -> str:
        return record.get_status_display()


class DeskTable(ListTable):
    """The operator's desk: due time (with the overdue badge) and status head a phone card."""

    due = tables.TemplateColumn(
        template_name="aftersales/ops/_due_cell.html",
        accessor="due_at",
        verbose_name=_("Due"),
        order_by=("due_at",),
        attrs={"td": {"class": "small text-nowrap", "data-primary": "1"}},
    )
    code = tables.TemplateColumn(
        template_name="aftersales/ops/_code_cell.html",
        verbose_name=_("Ticket"),
        order_by=("public_id",),
        attrs={"td": {"class": "list-title"}},
    )
    merchant = tables.Column(
        accessor="merchant__business_name", verbose_name=_("Merchant"), orderable=False
    )
    category = tables.Column(verbose_name=_("Category"), orderable=False)
    priority = tables.TemplateColumn(
        template_name="aftersales/ops/_priority_cell.html",
        verbose_name=_("Priority"),
        order_by=("priority_rank",),
    )
    status = tables.TemplateColumn(
        template_name="aftersales/ops/_status_cell.html",
        verbose_name=_("Status"),
        order_by=("status",),
        attrs=PRIMARY,
    )
    assigned_to = tables.Column(
        accessor="assigned_to__email",
        verbose_name=pgettext_lazy("ticket", "Assignee"),
        default="—",
        orderable=False,
        attrs=_SMALL,
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "desk-table"}
        row_attrs = {"data-testid": "desk-row"}

    def value_code(self, record) -> str:
        return f"{record.code} {record.subject}"

    def value_status(self, record) -> str:
        return record.get_status_display()

    def value_priority(self, record) -> str:
        return record.get_priority_display()

    def value_due(self, record) -> str:
        return record.due_at.isoformat(timespec="minutes")
