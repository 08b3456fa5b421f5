"""System pages: the audit log and user-visible background jobs (merchant and back-office sides).

Merchant pages read through selectors scoped to ``request.merchant`` (another merchant's job is a
404); the back-office pages are for operator admins and see everything.
"""

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from . import selectors, services, task_recovery
from .access import merchant_view, operator_view, public_view
from .forms import AuditFilterForm, OpsAuditFilterForm
from .htmx import render_page_or_partial
from .list_tables import (
    AuditFilter,
    AuditTable,
    FailedTaskTable,
    JobFilter,
    JobTable,
    OpsAuditFilter,
    RQFailedJobFilter,
    RQFailedJobTable,
)
from .lists import BulkAction, FormFilter, Records, SearchFilter, list_page
from .models import AuditEvent, Job
from .selectors import AuditFilters
from .views_helpers import flash_each

ADMIN_ONLY = {"admin"}


# --- Audit log --------------------------------------------------------------------------------


def _with_targets(events: Sequence[AuditEvent], *, ops: bool) -> None:
    """The page's rows carry their targets (label, and a link on the merchant's pages)."""
    targets = selectors.audit_targets(list(events), links=not ops)
    for event in events:
        event.target = targets[event.pk]


def _audit_page(request: HttpRequest, *, ops: bool) -> HttpResponse:
    if ops:
        select = selectors.audit_event_list_all
        filterset: type[FormFilter] = OpsAuditFilter
    else:
        select = partial(selectors.audit_event_list, merchant=request.merchant)
        filterset = AuditFilter
    return list_page(
        request,
        queryset=select(filters=AuditFilters()),
        filterset_class=filterset,
        filter_kwargs={"select": select},
        table_class=AuditTable,
        table_kwargs={"exclude": () if ops else ("merchant",)},
        page_hook=partial(_with_targets, ops=ops),
        template="core/audit_list.html",
        export_name="audit",
        context={
            "title": gettext("Audit log"),
            "ops": ops,
            "export_url_name": "core:ops_audit_export" if ops else "core:audit_export",
            "results_actions_template": "core/partials/_audit_export.html",
            "noun": gettext_noop("event"),
            "noun_plural": gettext_noop("events"),
            "empty_filtered_text": gettext("No audit events match these filters."),
            "empty_text": gettext("No audit events yet."),
        },
    )


@merchant_view(area="settings")
def audit_list(request: HttpRequest) -> HttpResponse:
    return _audit_page(request, ops=False)


@operator_view(roles=ADMIN_ONLY)
def ops_audit_list(request: HttpRequest) -> HttpResponse:
    return _audit_page(request, ops=True)


def _start_export(request: HttpRequest, form: AuditFilterForm, *, merchant, ops: bool):
    if not form.is_valid():
        messages.error(request, gettext("Fix the filters before exporting."))
        return redirect("core:ops_audit_list" if ops else "core:audit_list")
    job = services.audit_export_start(
        actor=request.user, merchant=merchant, filters=form.filters(), request=request
    )
    messages.success(request, gettext("Export started. This page updates while it runs."))
    return redirect("core:ops_job_detail" if ops else "core:job_detail", pk=job.pk)


@merchant_view(area="settings")
@require_POST
def audit_export(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.POST)
    return _start_export(request, form, merchant=request.merchant, ops=False)


@operator_view(roles=ADMIN_ONLY)
@require_POST
def ops_audit_export(request: HttpRequest) -> HttpResponse:
    form = OpsAuditFilterForm(request.POST)
    return _start_export(request, form, merchant=None, ops=True)


# --- Jobs -------------------------------------------------------------------------------------


def _job_list_page(request: HttpRequest, jobs, *, ops: bool) -> HttpResponse:
    return list_page(
        request,
        queryset=jobs,
        filterset_class=JobFilter,
        table_class=JobTable,
        table_kwargs={
            "detail_url_name": "core:ops_job_detail" if ops else "core:job_detail",
            "exclude": () if ops else ("merchant",),
        },
        template="core/job_list.html",
        export_name="jobs",
        context={
            "title": gettext("Background jobs"),
            "ops": ops,
            "noun": gettext_noop("job"),
            "noun_plural": gettext_noop("jobs"),
            "empty_filtered_text": gettext("No jobs match this filter."),
            "empty_text": gettext(
                "No jobs yet. Exports you start (for example from the audit log) appear here."
            ),
        },
    )


@merchant_view()
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.job_list_for_member(membership=request.membership, status="")
    return _job_list_page(request, jobs, ops=False)


@operator_view(roles=ADMIN_ONLY)
def ops_job_list(request: HttpRequest) -> HttpResponse:
    return _job_list_page(request, selectors.job_list(status=""), ops=True)


def _mark_retried(rows: Sequence) -> None:
    retried = task_recovery.task_retried_ids([row.pk for row in rows])
    for row in rows:
        row.retried = str(row.pk) in retried


def _retry_tasks(request: HttpRequest, rows: QuerySet) -> None:
    """The bulk action: enqueue each ticked failed task again (one service call each)."""
    flash_each(
        request,
        rows,
        lambda row: task_recovery.task_retry(result_id=row.pk, actor=request.user, request=request),
        done=lambda count: (
            ngettext("%(count)d task enqueued again.", "%(count)d tasks enqueued again.", count)
            % {"count": count}
        ),
    )


@operator_view(roles=ADMIN_ONLY)
def ops_task_failed_list(request: HttpRequest) -> HttpResponse:
    """Failed background tasks of the database queue, with a retry for the ticked ones."""
    return list_page(
        request,
        queryset=selectors.task_failed_list(),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": selectors.task_failed_list,
            "placeholder": gettext_lazy("Task or error class"),
        },
        table_class=FailedTaskTable,
        bulk_actions=[
            BulkAction(
                name="retry",
                label=gettext_lazy("Enqueue the ticked tasks again"),
                handler=_retry_tasks,
                style="btn-primary",
                testid="retry-tasks",
            )
        ],
        page_hook=_mark_retried,
        template="core/task_failed_list.html",
        export_name="failed-tasks",
        context={
            "title": gettext_lazy("Failed tasks"),
            "backend": settings.DROPYARD_TASK_BACKEND,
            "noun": gettext_noop("task"),
            "noun_plural": gettext_noop("tasks"),
            "empty_filtered_text": gettext_lazy("No failed task matches."),
            "empty_text": gettext_lazy("No task has failed."),
        },
    )


# --- Failed jobs of the RQ backend --------------------------------------------------------------

MAX_RQ_BULK = 200


@operator_view(roles=ADMIN_ONLY)
def ops_rq_failed_list(request: HttpRequest) -> HttpResponse:
    """Failed jobs of the RQ backend (they live in Redis, not in the database), with Requeue and
    Delete for the ticked ones. On the database backend, or when Redis does not answer, the
    page says so in place of the rows."""
    backend = settings.DROPYARD_TASK_BACKEND
    jobs = None
    page_hook = None
    if backend == "rq":
        # rq and redis are the optional `rq` extra: imported only on that backend.
        from . import rq_failed, rq_health

        jobs = rq_failed.rq_failed_job_list(queue_names=rq_health.task_queue_names())
        page_hook = rq_failed.rq_failed_job_errors
    actions = [
        BulkAction(
            name="requeue",
            label=gettext_lazy("Requeue the ticked jobs"),
            url=reverse("core:ops_rq_failed_requeue"),
            confirm=gettext_lazy("Put the ticked jobs back on their queue? They run again."),
            style="btn-primary",
            testid="rq-requeue",
        ),
        BulkAction(
            name="delete",
            label=gettext_lazy("Delete the ticked jobs"),
            url=reverse("core:ops_rq_failed_delete"),
            confirm=gettext_lazy(
                "Delete the ticked jobs? Their arguments and tracebacks are lost for good."
            ),
            style="btn-outline-danger",
            testid="rq-delete",
        ),
    ]
    return list_page(
        request,
        queryset=Records(jobs or []),
        filterset_class=RQFailedJobFilter,
        table_class=RQFailedJobTable,
        bulk_actions=actions if jobs else [],
        page_hook=page_hook,
        template="core/rq_failed_list.html",
        export_name="rq-failed-jobs",
        context={
            "title": gettext_lazy("Failed RQ jobs"),
            "backend": backend,
            "unreachable": backend == "rq" and jobs is None,
            "noun": gettext_noop("job"),
            "noun_plural": gettext_noop("jobs"),
            "empty_template": "core/partials/_rq_failed_empty.html",
            "results_actions_template": "core/partials/_list_csv_link.html",
        },
    )


def _rq_failed_act(request: HttpRequest, *, delete: bool) -> HttpResponse:
    """Requeue or delete each posted job id (one audited service call each), then back."""
    back = redirect("core:ops_rq_failed_list")
    if settings.DROPYARD_TASK_BACKEND != "rq":
        messages.error(
            request, gettext("The task backend is not RQ: there is no RQ job to act on.")
        )
        return back
    ids = [i for i in request.POST.getlist("ids") if i and len(i) <= 100][:MAX_RQ_BULK]
    if not ids:
        messages.error(request, gettext("Select at least one row."))
        return back
    # rq and redis are the optional `rq` extra: imported only on that backend.
    import redis

    from . import rq_failed, rq_health

    act = rq_failed.rq_failed_job_delete if delete else rq_failed.rq_failed_job_requeue
    try:
        flash_each(
            request,
            ids,
            lambda job_id: act(
                job_id=job_id,
                queue_names=rq_health.task_queue_names(),
                actor=request.user,
                request=request,
            ),
            done=lambda count: (
                (
                    ngettext("%(count)d job deleted.", "%(count)d jobs deleted.", count)
                    if delete
                    else ngettext(
                        "%(count)d job put back on its queue.",
                        "%(count)d jobs put back on their queues.",
                        count,
                    )
                )
                % {"count": count}
            ),
        )
    except redis.RedisError:
        messages.error(request, gettext("Redis does not answer: try again in a moment."))
    return back


@operator_view(roles=ADMIN_ONLY)
@require_POST
def ops_rq_failed_requeue(request: HttpRequest) -> HttpResponse:
    return _rq_failed_act(request, delete=False)


@operator_view(roles=ADMIN_ONLY)
@require_POST
def ops_rq_failed_delete(request: HttpRequest) -> HttpResponse:
    return _rq_failed_act(request, delete=True)


def _job_page(request: HttpRequest, job: Job, *, ops: bool) -> HttpResponse:
    context = {
        "job": job,
        "ops": ops,
        "list_url_name": "core:ops_job_list" if ops else "core:job_list",
        "detail_url_name": "core:ops_job_detail" if ops else "core:job_detail",
        "download_url_name": "core:ops_job_download" if ops else "core:job_download",
    }
    return render_page_or_partial(
        request, "core/job_detail.html", "core/partials/_job_status.html", context
    )


@merchant_view()
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for_member(membership=request.membership, pk=pk)
    return _job_page(request, job, ops=False)


@operator_view(roles=ADMIN_ONLY)
def ops_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_page(request, selectors.job_get(pk=pk), ops=True)


def _download(request: HttpRequest, job: Job, *, ops: bool) -> HttpResponse:
    """The result file as an attachment; back to the job page while there is none."""
    path = selectors.job_result_path(job=job)
    if path is None:
        messages.info(request, gettext("This job has no file to download (yet)."))
        return redirect("core:ops_job_detail" if ops else "core:job_detail", pk=job.pk)
    filename = f"{job.kind.replace('_', '-')}-{job.pk}{path.suffix}"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename)
    # Exports hold personal data (emails, IP addresses): keep them out of shared caches.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@merchant_view()
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for_member(membership=request.membership, pk=pk)
    return _download(request, job, ops=False)


@operator_view(roles=ADMIN_ONLY)
def ops_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, selectors.job_get(pk=pk), ops=True)


@public_view
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Public uploads (product and review images) on the embedded install.

    MEDIA_ROOT is read per request; private uploads live outside it and are never served here.
    """
    return serve(request, path, document_root=settings.MEDIA_ROOT)


FAVICON = Path(__file__).resolve().parent.parent / "static" / "dropyard" / "favicon.ico"


@public_view
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and bots ask for whatever the pages' ``<link rel=icon>``
    says (pages point at the SVG in static); cached for a day."""
    response = FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
