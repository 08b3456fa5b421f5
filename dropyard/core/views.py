"""System pages: the audit log and user-visible background jobs (merchant and back-office sides).

Merchant pages read through selectors scoped to ``request.merchant`` (another merchant's job is a
404); the back-office pages are for operator admins and see everything.
"""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from . import selectors, services
from .access import merchant_view, operator_view, public_view
from .forms import AuditFilterForm, JobFilterForm, OpsAuditFilterForm
from .htmx import render_page_or_partial
from .models import Job
from .pagination import paginate

ADMIN_ONLY = {"admin"}


# --- Audit log --------------------------------------------------------------------------------


def _audit_page(request: HttpRequest, form: AuditFilterForm, events, *, ops: bool) -> HttpResponse:
    page = paginate(request, events)
    page.object_list = list(page.object_list)  # the rows below carry their targets
    targets = selectors.audit_targets(page.object_list, links=not ops)
    for event in page.object_list:
        event.target = targets[event.pk]
    context = {
        "form": form,
        "page": page,
        "ops": ops,
        "list_url_name": "core:ops_audit_list" if ops else "core:audit_list",
        "export_url_name": "core:ops_audit_export" if ops else "core:audit_export",
    }
    return render_page_or_partial(
        request, "core/audit_list.html", "core/partials/_audit_rows.html", context
    )


@merchant_view(area="settings")
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = selectors.audit_event_list(merchant=request.merchant, filters=form.filters())
    return _audit_page(request, form, events, ops=False)


@operator_view(roles=ADMIN_ONLY)
def ops_audit_list(request: HttpRequest) -> HttpResponse:
    form = OpsAuditFilterForm(request.GET or None)
    events = selectors.audit_event_list_all(filters=form.filters())
    return _audit_page(request, form, events, ops=True)


def _start_export(request: HttpRequest, form: AuditFilterForm, *, merchant, ops: bool):
    if not form.is_valid():
        messages.error(request, "Fix the filters before exporting.")
        return redirect("core:ops_audit_list" if ops else "core:audit_list")
    job = services.audit_export_start(
        actor=request.user, merchant=merchant, filters=form.filters(), request=request
    )
    messages.success(request, "Export started. This page updates while it runs.")
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


def _job_list_page(request: HttpRequest, form: JobFilterForm, jobs, *, ops: bool) -> HttpResponse:
    context = {
        "form": form,
        "page": paginate(request, jobs),
        "ops": ops,
        "list_url_name": "core:ops_job_list" if ops else "core:job_list",
        "detail_url_name": "core:ops_job_detail" if ops else "core:job_detail",
    }
    return render_page_or_partial(
        request, "core/job_list.html", "core/partials/_job_rows.html", context
    )


@merchant_view()
def job_list(request: HttpRequest) -> HttpResponse:
    form = JobFilterForm(request.GET or None)
    jobs = selectors.job_list_for_member(membership=request.membership, status=form.status_value())
    return _job_list_page(request, form, jobs, ops=False)


@operator_view(roles=ADMIN_ONLY)
def ops_job_list(request: HttpRequest) -> HttpResponse:
    form = JobFilterForm(request.GET or None)
    jobs = selectors.job_list(status=form.status_value())
    return _job_list_page(request, form, jobs, ops=True)


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
        messages.info(request, "This job has no file to download (yet).")
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
