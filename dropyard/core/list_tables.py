"""Filters and columns of core's own lists (background jobs, the audit log, failed tasks of the
database queue and failed jobs of RQ), for the generic list (``lists``)."""

import json
from typing import Any

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tasks_db.models import DBTaskResult

from .audit_details import audit_details_rows
from .choices import JobStatus
from .forms import AuditFilterForm, OpsAuditFilterForm
from .lists import (
    PRIMARY,
    FormFilter,
    ListFilterSet,
    ListTable,
    Records,
    SelectColumn,
    local_time,
)
from .models import AuditEvent, Job


class JobFilter(ListFilterSet):
    """The job lists' one filter: the status."""

    status = django_filters.ChoiceFilter(choices=JobStatus.choices, empty_label=_("Any status"))


class JobTable(ListTable):
    """Jobs: title (links to ``detail_url_name``), status and progress first on a phone card;
    ``merchant`` is for the back office only (the merchant page excludes it)."""

    title = tables.Column(verbose_name=_("Job"), attrs={"td": {"class": "list-title"}})
    status = tables.TemplateColumn(
        template_code='{% include "core/partials/_job_badge.html" with job=record %}',
        verbose_name=_("Status"),
        attrs=PRIMARY,
    )
    progress = tables.Column(
        accessor="pk",
        verbose_name=_("Progress"),
        orderable=False,
        attrs={"td": {"class": "text-nowrap small", **PRIMARY["td"]}},
    )
    merchant = tables.Column(
        accessor="merchant__business_name", verbose_name=_("Merchant"), default="—"
    )
    created_by = tables.Column(
        accessor="created_by__email", verbose_name=_("Started by"), default="—", orderable=False
    )
    created_at = tables.DateTimeColumn(
        verbose_name=pgettext_lazy("when", "Created"),
        format="Y-m-d H:i",
        attrs={"td": {"class": "text-nowrap small"}},
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


class AuditFilter(FormFilter):
    """The merchant audit log's filters (``forms.AuditFilterForm``) in front of its selector."""

    class Meta:
        form = AuditFilterForm


class OpsAuditFilter(FormFilter):
    """The back-office audit log's filters (with the merchant) in front of its selector."""

    class Meta:
        form = OpsAuditFilterForm


class AuditTable(ListTable):
    """Audit events, newest first; ``merchant`` for the back office only."""

    created_at = tables.DateTimeColumn(
        verbose_name=_("Time"),
        format="Y-m-d H:i",
        orderable=False,
        attrs={"td": {"class": "text-nowrap small"}},
    )
    actor_label = tables.Column(verbose_name=_("Actor"), default="—", orderable=False)
    action = tables.Column(verbose_name=_("Action"), orderable=False, attrs=PRIMARY)
    merchant = tables.Column(verbose_name=_("Merchant"), default="—", orderable=False)
    target = tables.Column(
        accessor="target_label",
        verbose_name=_("Target"),
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "text-break", "data-testid": "audit-target"}},
    )
    details = tables.Column(
        verbose_name=_("Details"),
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "small text-break audit-details"}},
    )
    ip_address = tables.Column(
        verbose_name=_("IP"),
        default="—",
        orderable=False,
        attrs={"td": {"class": "small text-nowrap"}},
    )

    class Meta(ListTable.Meta):
        row_attrs = {"data-testid": "audit-row"}

    def render_merchant(self, value) -> str:  # an accounts.MerchantAccount
        return format_html(
            '{} <span class="text-secondary small">{}</span>',
            value.business_name,
            value.account_number,
        )

    def render_target(self, record: AuditEvent) -> str:
        target = getattr(record, "target", None)  # set by the view's page hook
        if target is None:
            return record.target_label or "—"
        if target.url:
            return format_html('<a href="{}">{}</a>', target.url, target.label)
        return target.label or "—"

    def value_target(self, record: AuditEvent) -> str:
        return record.target_label

    def render_details(self, record: AuditEvent) -> str:
        rows = audit_details_rows(record.details)
        if not rows:
            return "—"
        return format_html_join(
            "",
            '<span class="d-block"><span class="text-secondary">{}:</span> {}</span>',
            rows,
        )

    def value_details(self, record: AuditEvent) -> str:
        return json.dumps(record.details, sort_keys=True) if record.details else ""


class FailedTaskTable(ListTable):
    """Failed tasks of the database queue: what failed and why, and whether it was enqueued
    again (``retried``, set on the page's records by the view's page hook)."""

    select = SelectColumn(accessor="pk", label_accessor="task_path")
    finished_at = tables.DateTimeColumn(
        verbose_name=_("Failed"), format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap small"}}
    )
    task_path = tables.Column(
        verbose_name=_("Task"), attrs={"td": {"class": "list-title font-monospace small"}}
    )
    exception = tables.Column(
        accessor="exception_class_path",
        verbose_name=_("Error"),
        orderable=False,
        attrs={"td": {"class": "small text-break"}},
    )
    arguments = tables.Column(
        accessor="args_kwargs",
        verbose_name=_("Arguments"),
        orderable=False,
        attrs={"td": {"class": "small font-monospace text-break"}},
    )
    queue_name = tables.Column(verbose_name=_("Queue"), orderable=False)
    retried = tables.Column(
        accessor="pk",
        verbose_name=_("Retried"),
        orderable=False,
        empty_values=(),
        attrs=PRIMARY,
    )

    class Meta(ListTable.Meta):
        row_attrs = {"data-testid": "failed-task-row"}

    def render_exception(self, value: str, record: DBTaskResult) -> str:
        # The class, and the traceback's last line (the message), not the whole traceback.
        lines = [line for line in (record.traceback or "").strip().splitlines() if line.strip()]
        return format_html(
            '<span class="font-monospace">{}</span><div class="text-secondary">{}</div>',
            value.rsplit(".", 1)[-1],
            lines[-1][:200] if lines else "",
        )

    def value_exception(self, value: str, record: DBTaskResult) -> str:
        return value

    def render_arguments(self, value: dict) -> str:
        return json.dumps(value.get("kwargs") or value.get("args") or {}, sort_keys=True)[:200]

    def render_retried(self, record: DBTaskResult) -> str:
        if getattr(record, "retried", False):
            return format_html('<span class="badge text-bg-secondary">{}</span>', _("Retried"))
        return "—"

    def value_retried(self, record: DBTaskResult) -> str:
        return "yes" if getattr(record, "retried", False) else ""


class RQFailedJobFilter(ListFilterSet):
    """One search box over the RQ failed jobs already read (``lists.Records`` of
    ``rq_failed.RQFailedJob``): the task's dotted path, the exception's class or the job id."""

    q = django_filters.CharFilter(label=_("Search"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Task, error class or job id")}
        )

    def filter_queryset(self, queryset: Records) -> Records:
        text = (self.form.cleaned_data.get("q") or "").strip().casefold()
        if not text:
            return queryset
        return Records(
            job
            for job in queryset
            if any(text in value.casefold() for value in (job.task, job.exception, job.job_id))
        )


class RQFailedJobTable(ListTable):
    """Failed jobs of the RQ queues: when, what and why (the latest run's traceback behind a
    disclosure), ticked for the bulk Requeue / Delete."""

    select = SelectColumn(accessor="job_id", label_accessor="task")
    ended_at = tables.Column(
        verbose_name=_("Failed"),
        order_by=("ended_at",),
        attrs={"td": {"class": "text-nowrap small"}},
    )
    task = tables.Column(
        verbose_name=_("Task"),
        order_by=("task", "ended_at"),
        attrs={"td": {"class": "list-title font-monospace small text-break"}},
    )
    error = tables.Column(
        accessor="job_id",
        verbose_name=_("Error"),
        orderable=False,
        attrs={"td": {"class": "small text-break", **PRIMARY["td"]}},
    )
    queue = tables.Column(verbose_name=_("Queue"), order_by=("queue", "ended_at"))
    job_id = tables.Column(
        verbose_name=_("Job id"), orderable=False, attrs={"td": {"class": "font-monospace small"}}
    )

    class Meta(ListTable.Meta):
        attrs = {**ListTable.Meta.attrs, "data-testid": "rq-failed-table"}
        row_attrs = {"data-testid": lambda record: f"rq-failed-{record.job_id}"}

    def render_ended_at(self, value: Any) -> str:
        return local_time(value)

    def value_ended_at(self, value: Any) -> str:
        return local_time(value)

    def render_task(self, value: str) -> str:
        return value or "—"

    def render_error(self, record: Any) -> str:
        exception = record.exception.rsplit(".", 1)[-1]
        if not record.traceback:
            return format_html('<span class="font-monospace">{}</span>', exception or "—")
        return format_html(
            '<details><summary><span class="font-monospace">{}</span> {}</summary>'
            '<pre class="small mb-0 mt-1 text-wrap">{}</pre></details>',
            exception,
            record.error[:200],
            record.traceback[-4000:],
        )

    def value_error(self, record: Any) -> str:
        return " ".join(part for part in (record.exception, record.error) if part)
