"""Supplier applications: submit, approve (creates the supplier), reject."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.mail import branded_mail_on_commit
from dropyard.core.text import clean_line, clean_text

from ..choices import (
    SupplierApplicationStatus,
)
from ..exceptions import (
    AccountsError,
    PermissionDenied,
)
from ..models import (
    Supplier,
    SupplierApplication,
    User,
)
from ..validators import validate_document_upload


@transaction.atomic
def supplier_application_submit(
    *,
    applicant: User,
    company_name: str,
    country: str,
    address: str,
    contact_phone: str,
    legal_representative: str,
    business_licence: UploadedFile,
    legal_rep_id: UploadedFile,
    website: str = "",
    product_categories: str = "",
    request: HttpRequest | None = None,
) -> SupplierApplication:
    """Submit a supplier application with its two documents (type and size checked).

    Refused while the applicant has a pending application or is already a supplier.
    """
    if Supplier.objects.filter(user=applicant).exists():
        raise AccountsError(_("You are already an approved supplier"))
    if SupplierApplication.objects.filter(
        applicant=applicant, status=SupplierApplicationStatus.PENDING
    ).exists():
        raise AccountsError(_("You already have an application waiting for review"))
    country = country.strip().upper()
    if country not in countries:
        raise AccountsError(_("Unknown country code: %(codes)s") % {"codes": country})
    # Names and an address reviewers read and documents print: no control or bidi (core.text).
    company_name, address = clean_line(company_name), clean_line(address)
    contact_phone = clean_line(contact_phone)
    legal_representative = clean_line(legal_representative)
    required = {
        _("company name"): company_name,
        _("address"): address,
        _("contact phone"): contact_phone,
        _("legal representative"): legal_representative,
    }
    missing = [label for label, value in required.items() if not value]
    if missing:
        raise AccountsError(_("Required: %(fields)s") % {"fields": ", ".join(missing)})
    validate_document_upload(business_licence, label=_("Business licence"))
    validate_document_upload(legal_rep_id, label=_("Legal representative ID"))
    try:
        with transaction.atomic():
            application = SupplierApplication.objects.create(
                applicant=applicant,
                company_name=company_name,
                country=country,
                address=address,
                contact_phone=contact_phone,
                legal_representative=legal_representative,
                website=website.strip(),
                product_categories=clean_text(product_categories),
                business_licence=business_licence,
                legal_rep_id=legal_rep_id,
            )
    except IntegrityError as exc:
        raise AccountsError(_("You already have an application waiting for review")) from exc
    audit_record(
        action=AuditAction.SUPPLIER_APPLIED,
        actor=applicant,
        target=application,
        request=request,
    )
    return application


def _lock_pending_application(
    application: SupplierApplication, *, actor: User
) -> SupplierApplication:
    application = SupplierApplication.objects.select_for_update(of=("self",), no_key=True).get(
        pk=application.pk
    )
    if application.status != SupplierApplicationStatus.PENDING:
        raise AccountsError(_("This application has already been reviewed"))
    if application.applicant_id == actor.pk:
        raise PermissionDenied(_("You cannot review your own application"))
    return application


def _notify_applicant(application: SupplierApplication, subject: str, body: str) -> None:
    branded_mail_on_commit(subject=subject, text=body, to=[application.applicant.email])


@transaction.atomic
def supplier_application_approve(
    *, application: SupplierApplication, actor: User, request: HttpRequest | None = None
) -> Supplier:
    """Approve a pending application and create the Supplier. Nobody reviews their own."""
    application = _lock_pending_application(application, actor=actor)
    application.status = SupplierApplicationStatus.APPROVED
    application.reviewed_by = actor
    application.reviewed_at = timezone.now()
    application.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    supplier = Supplier.objects.create(
        user=application.applicant,
        application=application,
        company_name=application.company_name,
        country=application.country,
    )
    audit_record(
        action=AuditAction.SUPPLIER_APPROVED,
        actor=actor,
        target=application,
        request=request,
    )
    _notify_applicant(
        application,
        "Your supplier application was approved",
        f"{application.company_name} is now an approved supplier on "
        f"{settings.DROPYARD_SITE_NAME}.\n\nSign in: {settings.SITE_URL}{reverse('account_login')}",
    )
    return supplier


@transaction.atomic
def supplier_application_reject(
    *,
    application: SupplierApplication,
    actor: User,
    reason: str,
    request: HttpRequest | None = None,
) -> SupplierApplication:
    """Reject a pending application with a reason the applicant will see.

    Nobody reviews their own application.
    """
    reason = (reason or "").strip()
    if not reason:
        raise AccountsError(_("A reason is required to reject an application"))
    application = _lock_pending_application(application, actor=actor)
    application.status = SupplierApplicationStatus.REJECTED
    application.reviewed_by = actor
    application.reviewed_at = timezone.now()
    application.rejection_reason = reason
    application.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"]
    )
    audit_record(
        action=AuditAction.SUPPLIER_REJECTED,
        actor=actor,
        target=application,
        details={"reason": reason},
        request=request,
    )
    _notify_applicant(
        application,
        "Your supplier application was not approved",
        f"Reason: {reason}\n\nYou may correct the application and submit it again.",
    )
    return application
