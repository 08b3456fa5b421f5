from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.accounts import services
from dropyard.accounts.choices import SupplierApplicationStatus
from dropyard.accounts.exceptions import AccountsError, PermissionDenied
from dropyard.accounts.models import Supplier, SupplierApplication
from dropyard.accounts.tests.factories import PDF, PNG, make_application, make_operator
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _submit(applicant, **overrides) -> SupplierApplication:
    return make_application(
        applicant=applicant, **{"company_name": "Shenzhen Good Factory Co", **overrides}
    )


def test_submit_stores_documents_in_private_storage(settings, private_root, applicant):
    application = _submit(applicant, country=" cn ", company_name="  Good Factory  ")

    application.refresh_from_db()
    assert application.status == SupplierApplicationStatus.PENDING
    assert application.company_name == "Good Factory"
    assert application.country == "CN"
    assert application.applicant == applicant
    licence = Path(application.business_licence.path)
    rep_id = Path(application.legal_rep_id.path)
    assert licence.read_bytes() == PDF
    assert rep_id.read_bytes() == PNG
    assert licence.is_relative_to(private_root)
    assert rep_id.is_relative_to(private_root)
    assert not licence.is_relative_to(settings.MEDIA_ROOT)
    assert application.business_licence.name.startswith("supplier/licence/")
    assert application.legal_rep_id.name.startswith("supplier/id/")
    assert _stored_files(Path(settings.MEDIA_ROOT)) == []
    events = AuditEvent.objects.filter(action=AuditAction.SUPPLIER_APPLIED)
    assert [(e.actor, e.target_id) for e in events] == [(applicant, str(application.pk))]


def test_submit_refused_while_an_application_is_pending(private_root, applicant):
    first = _submit(applicant)
    files_before = _stored_files(private_root)

    with pytest.raises(AccountsError) as excinfo:
        _submit(applicant, company_name="Second try")

    assert excinfo.value.message == "You already have an application waiting for review"
    assert list(SupplierApplication.objects.values_list("pk", flat=True)) == [first.pk]
    assert _stored_files(private_root) == files_before
    assert AuditEvent.objects.filter(action=AuditAction.SUPPLIER_APPLIED).count() == 1


def test_approved_supplier_cannot_apply_again(private_root, applicant, support):
    services.supplier_application_approve(application=_submit(applicant), actor=support)

    with pytest.raises(AccountsError) as excinfo:
        _submit(applicant)

    assert excinfo.value.message == "You are already an approved supplier"
    assert SupplierApplication.objects.count() == 1


def test_rejected_applicant_may_apply_again(private_root, applicant, support):
    first = _submit(applicant)
    services.supplier_application_reject(application=first, actor=support, reason="Blurry scan")

    second = _submit(applicant, company_name="Good Factory (corrected)")

    assert second.status == SupplierApplicationStatus.PENDING
    assert list(
        SupplierApplication.objects.filter(applicant=applicant).values_list("status", flat=True)
    ) == [SupplierApplicationStatus.PENDING, SupplierApplicationStatus.REJECTED]


@pytest.mark.parametrize("country", ["ZZ", "", "China"])
def test_unknown_country_refused(private_root, applicant, country):
    with pytest.raises(AccountsError) as excinfo:
        _submit(applicant, country=country)

    assert excinfo.value.message == f"Unknown country code: {country.upper()}"
    assert SupplierApplication.objects.count() == 0
    assert _stored_files(private_root) == []


@pytest.mark.parametrize(
    ("blank", "message"),
    [
        ({"company_name": ""}, "Required: company name"),
        ({"address": "   "}, "Required: address"),
        ({"contact_phone": ""}, "Required: contact phone"),
        ({"legal_representative": ""}, "Required: legal representative"),
        (
            {"company_name": "", "contact_phone": " ", "legal_representative": ""},
            "Required: company name, contact phone, legal representative",
        ),
    ],
)
def test_missing_fields_refused(private_root, applicant, blank, message):
    with pytest.raises(AccountsError) as excinfo:
        _submit(applicant, **blank)

    assert excinfo.value.message == message
    assert SupplierApplication.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.SUPPLIER_APPLIED).count() == 0


def test_missing_document_refused(private_root, applicant):
    with pytest.raises(AccountsError) as excinfo:
        _submit(applicant, legal_rep_id=None)

    assert excinfo.value.message == "Legal representative ID: a file is required"
    assert SupplierApplication.objects.count() == 0
    assert _stored_files(private_root) == []


def test_oversized_document_refused_and_nothing_created(settings, private_root, applicant):
    settings.DROPYARD_SUPPLIER_DOC_MAX_BYTES = 1_048_576
    big = SimpleUploadedFile("id.pdf", PDF + b"\x00" * 2_097_152)

    with pytest.raises(AccountsError) as excinfo:
        _submit(applicant, legal_rep_id=big)

    assert excinfo.value.message == (
        "Legal representative ID: the file is 2.0 MB; the limit is 1 MB"
    )
    assert SupplierApplication.objects.count() == 0
    assert _stored_files(private_root) == []
    assert AuditEvent.objects.filter(action=AuditAction.SUPPLIER_APPLIED).count() == 0


def test_document_of_wrong_type_refused(private_root, applicant):
    fake = SimpleUploadedFile(
        "licence.pdf", b"GIF89a" + b"\x00" * 20, content_type="application/pdf"
    )

    with pytest.raises(AccountsError) as excinfo:
        _submit(applicant, business_licence=fake)

    assert excinfo.value.message == "Business licence: only PDF, PNG or JPEG files are accepted"
    assert SupplierApplication.objects.count() == 0


def test_approve_creates_supplier_audit_and_email(
    private_root, applicant, support, django_capture_on_commit_callbacks, mailoutbox
):
    application = _submit(applicant)

    with django_capture_on_commit_callbacks(execute=True):
        supplier = services.supplier_application_approve(application=application, actor=support)

    application.refresh_from_db()
    assert application.status == SupplierApplicationStatus.APPROVED
    assert application.reviewed_by == support
    assert application.reviewed_at is not None
    assert application.rejection_reason == ""
    assert Supplier.objects.get() == supplier
    assert (supplier.user, supplier.application, supplier.company_name, supplier.country) == (
        applicant,
        application,
        "Shenzhen Good Factory Co",
        "CN",
    )
    assert supplier.is_active is True
    events = AuditEvent.objects.filter(action=AuditAction.SUPPLIER_APPROVED)
    assert [(e.actor, e.target_id) for e in events] == [(support, str(application.pk))]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["factory@example.test"], "[Dropyard] Your supplier application was approved")
    ]


def test_reject_records_reason_and_emails_it(
    private_root, applicant, support, django_capture_on_commit_callbacks, mailoutbox
):
    application = _submit(applicant)

    with django_capture_on_commit_callbacks(execute=True):
        services.supplier_application_reject(
            application=application, actor=support, reason="  Licence has expired  "
        )

    application.refresh_from_db()
    assert application.status == SupplierApplicationStatus.REJECTED
    assert application.rejection_reason == "Licence has expired"
    assert application.reviewed_by == support
    assert Supplier.objects.count() == 0
    events = AuditEvent.objects.filter(action=AuditAction.SUPPLIER_REJECTED)
    assert [e.details for e in events] == [{"reason": "Licence has expired"}]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[Dropyard] Your supplier application was not approved"
    assert "Reason: Licence has expired" in mailoutbox[0].body


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_requires_a_reason(
    private_root, applicant, support, reason, django_capture_on_commit_callbacks, mailoutbox
):
    application = _submit(applicant)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AccountsError) as excinfo:
        services.supplier_application_reject(application=application, actor=support, reason=reason)

    assert excinfo.value.message == "A reason is required to reject an application"
    application.refresh_from_db()
    assert application.status == SupplierApplicationStatus.PENDING
    assert application.reviewed_by is None
    assert AuditEvent.objects.filter(action=AuditAction.SUPPLIER_REJECTED).count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("first", ["approve", "reject"])
@pytest.mark.parametrize("second", ["approve", "reject"])
def test_second_review_refused(
    private_root, applicant, support, first, second, django_capture_on_commit_callbacks, mailoutbox
):
    application = _submit(applicant)
    other_reviewer = make_operator(role="admin")
    review = {
        "approve": lambda actor: services.supplier_application_approve(
            application=application, actor=actor
        ),
        "reject": lambda actor: services.supplier_application_reject(
            application=application, actor=actor, reason="No"
        ),
    }
    review[first](support)
    application.refresh_from_db()
    status_after_first = application.status
    events_before = AuditEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AccountsError) as excinfo:
        review[second](other_reviewer)

    assert excinfo.value.message == "This application has already been reviewed"
    application.refresh_from_db()
    assert application.status == status_after_first
    assert application.reviewed_by == support
    assert Supplier.objects.count() == (1 if first == "approve" else 0)
    assert AuditEvent.objects.count() == events_before
    assert mailoutbox == []


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_operator_cannot_review_own_application(private_root, action):
    operator = make_operator(role="support")
    application = _submit(operator)
    review = {
        "approve": lambda: services.supplier_application_approve(
            application=application, actor=operator
        ),
        "reject": lambda: services.supplier_application_reject(
            application=application, actor=operator, reason="Mine"
        ),
    }[action]

    with pytest.raises(PermissionDenied) as excinfo:
        review()

    assert excinfo.value.message == "You cannot review your own application"
    application.refresh_from_db()
    assert application.status == SupplierApplicationStatus.PENDING
    assert Supplier.objects.count() == 0
