"""Filters and columns of the back-office account lists, for the generic list (``core.lists``)."""

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dropyard.core.lists import PRIMARY, ActionColumn, ListFilterSet, ListTable

from . import selectors
from .models import MerchantAccount, SupplierApplication, User

BADGE = '<span class="badge {}">{}</span>'


class MerchantTable(ListTable):
    """Operator merchant list: business (the card's title), account, owner, members, level,
    agent. Rows come from ``selectors.merchant_list`` (``member_count``, ``owner_email``)."""

    business_name = tables.Column(
        verbose_name="Business",
        order_by=("business_name", "pk"),
        attrs={"td": {"class": "list-title"}},
    )
    account_number = tables.Column(
        verbose_name="Account number", attrs={"td": {"class": "text-nowrap font-monospace"}}
    )
    owner_email = tables.Column(verbose_name="Owner email", orderable=False, default="—")
    member_count = tables.Column(
        verbose_name="Members",
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    level = tables.Column(verbose_name="Level", attrs={"td": {"class": "text-nowrap"}})
    agent = tables.Column(verbose_name="Agent", orderable=False, default="—")

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "merchant-table"}

    def render_business_name(self, value: str, record: MerchantAccount) -> str:
        sandbox = (
            format_html(' <span class="badge text-bg-secondary">{}</span>', "Sandbox")
            if record.is_sandbox
            else ""
        )
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("accounts_ops:merchant_detail", args=[record.pk]),
            value,
            sandbox,
        )

    def render_agent(self, value) -> str:
        return value.display_name


class SupplierApplicationTable(ListTable):
    """Operator supplier applications: company (the card's title), applicant, country, dates;
    the status first on a phone card."""

    company_name = tables.Column(verbose_name="Company", attrs={"td": {"class": "list-title"}})
    applicant = tables.Column(accessor="applicant__email", verbose_name="Applicant")
    country = tables.Column(verbose_name="Country")
    created_at = tables.DateTimeColumn(
        verbose_name="Submitted", format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}}
    )
    status = tables.TemplateColumn(
        template_code=(
            '{% include "accounts/ops/partials/_application_status.html" with application=record %}'
        ),
        verbose_name="Status",
        attrs=PRIMARY,
    )
    reviewed_at = tables.Column(
        verbose_name="Reviewed", default="—", attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "supplier-table"}

    def render_company_name(self, value: str, record: SupplierApplication) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("accounts_ops:supplier_detail", args=[record.pk]), value
        )

    def render_reviewed_at(self, value, record: SupplierApplication) -> str:
        day = date_format(timezone.localtime(value), "Y-m-d")
        return f"{day} · {record.reviewed_by.email}" if record.reviewed_by else day


STAFF_STATUSES = (
    (selectors.STAFF_ACTIVE, gettext_lazy("Active")),
    (selectors.STAFF_NO_PASSWORD, gettext_lazy("Password not set")),
    (selectors.STAFF_INACTIVE, gettext_lazy("Inactive")),
)


class StaffFilter(ListFilterSet):
    """Search (email or name) and status, in front of ``selectors.operator_list``; the role is
    the page's tab (``role``)."""

    q = django_filters.CharFilter(label=gettext_lazy("Search"), max_length=100)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=STAFF_STATUSES, empty_label=gettext_lazy("Any status")
    )

    def __init__(self, *args: Any, role: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.form.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Email or name")}
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        return selectors.operator_list(
            role=self.role or None,
            search=(data.get("q") or "").strip(),
            status=data.get("status") or "",
        )


class StaffTable(ListTable):
    """Operator staff: the email heads a phone card (yours marked), the status and the Change…
    button first. Nobody is offered to change their own role (``request.user``)."""

    email = tables.Column(verbose_name=gettext_lazy("Email"), attrs={"td": {"class": "list-title"}})
    full_name = tables.Column(verbose_name=gettext_lazy("Name"), default="—")
    operator_role = tables.Column(verbose_name=gettext_lazy("Role"))
    status = tables.Column(
        accessor="is_active",
        verbose_name=gettext_lazy("Status"),
        orderable=False,
        attrs=PRIMARY,
    )
    action = ActionColumn()

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "staff-table"}
        row_attrs = {"data-testid": "staff-row"}

    def _is_self(self, record: User) -> bool:
        request = getattr(self, "request", None)
        return request is not None and request.user.pk == record.pk

    def render_email(self, value: str, record: User) -> str:
        if self._is_self(record):
            return format_html('{} <span class="badge text-bg-info">{}</span>', value, _("you"))
        return value

    def value_email(self, value: str) -> str:
        return value

    def render_status(self, record: User) -> str:
        if not record.is_active:
            return format_html(BADGE, "text-bg-secondary", _("Inactive"))
        if not record.has_usable_password():
            return format_html(BADGE, "text-bg-warning", _("Password not set"))
        return format_html(BADGE, "text-bg-success", _("Active"))

    def value_status(self, record: User) -> str:
        if not record.is_active:
            return "Inactive"
        return "Active" if record.has_usable_password() else "Password not set"

    def render_action(self, record: User) -> str:
        if self._is_self(record):
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
            reverse("accounts_ops:staff_edit", args=[record.pk]),
            _("Change…"),
        )
