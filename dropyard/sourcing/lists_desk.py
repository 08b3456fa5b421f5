"""The agent desk's table (django-tables2): one row per sourcing request, the longest waiting
first; an open request waiting longer than a working day carries a red "overdue" badge."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from dropyard.core.lists import PRIMARY, ListTable, local_time

from . import selectors_desk
from .choices import OPEN_STATUSES, SourcingStatus
from .models import SourcingRequest

STATUS_TONES = {
    SourcingStatus.SUBMITTED: "text-bg-warning",
    SourcingStatus.CLAIMED: "text-bg-info",
    SourcingStatus.QUOTED: "text-bg-primary",
    SourcingStatus.PUBLISHED: "text-bg-success",
    SourcingStatus.FAILED: "text-bg-danger",
    SourcingStatus.CANCELLED: "text-bg-light",
}


def age_label(request: SourcingRequest) -> Any:
    """How long the request has waited ("3 hours"), red when overdue; "" once closed."""
    if request.status not in OPEN_STATUSES:
        return ""
    waited = timesince(request.created_at, timezone.now(), depth=1)
    if selectors_desk.is_overdue(request):
        return format_html(
            '<span class="badge text-bg-danger" data-testid="overdue">{}</span>',
            _("%(time)s · overdue") % {"time": waited},
        )
    return format_html('<span class="small">{}</span>', waited)


class DeskTable(ListTable):
    code = tables.Column(
        accessor="public_id",
        verbose_name=gettext_lazy("Request"),
        orderable=False,
        attrs={"td": {"class": "font-monospace small"}},
    )
    product_name = tables.Column(
        verbose_name=gettext_lazy("Product"),
        orderable=False,
        attrs={"td": {"class": "list-title text-break"}},
    )
    merchant = tables.Column(
        accessor="merchant__business_name", verbose_name=gettext_lazy("Merchant"), orderable=False
    )
    status = tables.Column(verbose_name=gettext_lazy("Status"), orderable=False, attrs=PRIMARY)
    age = tables.Column(
        accessor="created_at",
        verbose_name=gettext_lazy("Waiting"),
        orderable=False,
        attrs=PRIMARY,
        exclude_from_export=True,
    )
    agent = tables.Column(
        accessor="agent__email", verbose_name=gettext_lazy("Agent"), orderable=False, default=""
    )
    created_at = tables.Column(
        verbose_name=pgettext_lazy("when", "Sent"), order_by=("created_at", "pk")
    )

    class Meta(ListTable.Meta):
        model = SourcingRequest
        fields = ()
        sequence = ("code", "product_name", "merchant", "status", "age", "agent", "created_at")
        attrs = {**ListTable.Meta.attrs, "data-testid": "desk-list"}
        row_attrs = {"data-testid": "desk-row"}

    def render_code(self, value: str, record: SourcingRequest) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("sourcing_desk:detail", args=[record.public_id]),
            record.code,
        )

    def render_product_name(self, value: str, record: SourcingRequest) -> str:
        return format_html(
            '<a class="fw-semibold" href="{}">{}</a>',
            reverse("sourcing_desk:detail", args=[record.public_id]),
            value,
        )

    def render_status(self, value: str, record: SourcingRequest) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_TONES.get(record.status, "text-bg-light"),
            record.get_status_display(),
        )

    def value_status(self, value: str, record: SourcingRequest) -> str:
        return str(record.get_status_display())

    def render_age(self, value: Any, record: SourcingRequest) -> Any:
        return age_label(record)

    def render_created_at(self, value: Any) -> str:
        return local_time(value)
