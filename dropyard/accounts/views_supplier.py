"""Supplier pages: the application form with its history, and the private document download."""

import os

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from dropyard.core.access import login_view
from dropyard.core.errors import DomainError

from . import selectors, services
from .choices import OperatorRole, SupplierApplicationStatus
from .forms_ops import SupplierApplicationForm
from .validators import sniff_document_type

# Operator roles that may read applicants' documents (they review the applications).
DOCUMENT_READER_ROLES = frozenset({OperatorRole.ADMIN, OperatorRole.SUPPORT})
DOCUMENT_FIELDS = {"licence": "business_licence", "id": "legal_rep_id"}
CONTENT_TYPES = {"PDF": "application/pdf", "PNG": "image/png", "JPEG": "image/jpeg"}


def _supplier_state(applications) -> str:
    """approved, pending or open (may apply): derived from the applicant's applications."""
    statuses = {application.status for application in applications}
    if SupplierApplicationStatus.APPROVED in statuses:
        return "approved"
    if SupplierApplicationStatus.PENDING in statuses:
        return "pending"
    return "open"


@login_view
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The applicant's applications and, when allowed, the form to (re-)apply."""
    applications = list(selectors.supplier_application_list(applicant=request.user))
    state = _supplier_state(applications)
    form = SupplierApplicationForm()
    status = 200
    if request.method == "POST":
        form = SupplierApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.supplier_application_submit(
                    applicant=request.user, request=request, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    gettext("Application submitted. We will email you when it has been reviewed."),
                )
                return redirect("supplier:apply")
        status = 400
    context = {
        "applications": applications,
        "state": state,
        "form": form,
        "latest": applications[0] if applications else None,
    }
    return render(request, "accounts/supplier/apply.html", context, status=status)


@login_view
@require_GET
def document(request: HttpRequest, pk: int, which: str) -> FileResponse:
    """Stream one application document to its applicant or a reviewing operator; else 404."""
    field_name = DOCUMENT_FIELDS.get(which)
    if field_name is None:
        raise Http404("Unknown document")
    reviewer = request.user.operator_role in DOCUMENT_READER_ROLES
    application = selectors.supplier_application_get(
        pk=pk, applicant=None if reviewer else request.user
    )
    stored = getattr(application, field_name)
    if not stored or not stored.storage.exists(stored.name):
        raise Http404("Document not found")
    handle = stored.storage.open(stored.name, "rb")
    sniffed = sniff_document_type(handle.read(16))
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=os.path.basename(stored.name),
        content_type=CONTENT_TYPES[sniffed[0]] if sniffed else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
