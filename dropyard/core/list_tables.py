"""Filters and columns of core's own lists (background jobs), for the generic list (``lists``)."""

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .choices import JobStatus
from .lists import PRIMARY, ListFilterSet, ListTable
from .models import Job


class JobFilter(ListFilterSet):
    """The job lists' one filter: the status."""

    status = django_filters.ChoiceFilter(choices=JobStatus.choices, empty_label="Any status")


class JobTable(ListTable):
    """Jobs: title (links to ``detail_url_name``), status and progress first on a phone card;
    ``merchant`` is for the back office only (the merchant page excludes it)."""

    title = tables.Column(verbose_name="Job", attrs={"td": {"class": "list-title"}})
    status = tables.TemplateColumn(
        template_code='{% include "core/partials/_job_badge.html" with job=record %}',
        verbose_name="Status",
        attrs=PRIMARY,
    )
    progress = tables.Column(
        accessor="pk",
        verbose_name="Progress",
        orderable=False,
        attrs={"td": {"class": "text-nowrap small", **PRIMARY["td"]}},
    )
    merchant = tables.Column(
        accessor="merchant__business_name", verbose_name="Merchant", default="—"
    )
    created_by = tables.Column(
        accessor="created_by__email", verbose_name="Started by", default="—", orderable=False
    )
    created_at = tables.DateTimeColumn(
        verbose_name="Created", format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap small"}}
    )

    class Meta(ListTable.Meta):
        row_attrs = {"data-testid": "job-row"}

    def __init__(self, *args, detail_url_name: str = "core:job_detail", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.detail_url_name = detail_url_name

    def render_title(self, value: str, record: Job) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse(self.detail_url_name, args=[record.pk]), value
        )

    def render_progress(self, record: Job) -> str:
        counts = f" ({record.done}/{record.total})" if record.total else ""
        return f"{record.percent}%{counts}"

    def value_progress(self, record: Job) -> str:
        return self.render_progress(record)
