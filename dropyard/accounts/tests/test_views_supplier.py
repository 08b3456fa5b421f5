from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dropyard.accounts import services
from dropyard.accounts.choices import SupplierApplicationStatus
from dropyard.accounts.models import SupplierApplication
from dropyard.accounts.tests.factories import (
    PDF,
    PNG,
    UserFactory,
    application_data,
    make_application,
    make_operator,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_root")]

APPLY = reverse("supplier:apply")


def _form_data(**overrides) -> dict:
    """The apply form's POST data; a ``None`` override leaves that field out."""
    data = application_data(**overrides)
    return {key: value for key, value in data.items() if value is not None}


def _document_url(application, which="licence") -> str:
    return reverse("supplier:document", args=[application.pk, which])


# --- supplier:apply ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, method):
    response = getattr(client, method)(APPLY)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={APPLY}"
    assert SupplierApplication.objects.count() == 0


def test_first_visit_shows_form_and_empty_history(client, applicant):
    client.force_login(applicant)

    response = client.get(APPLY)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="supplier-apply-form"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "You have not applied yet." in html
    assert '<option value="CN">China</option>' in html


def test_submit_creates_application_and_redirects(client, applicant, private_root):
    client.force_login(applicant)

    response = client.post(APPLY, _form_data(), follow=True)

    assert response.redirect_chain == [(APPLY, 302)]
    application = SupplierApplication.objects.get()
    assert (application.applicant, application.company_name, application.status) == (
        applicant,
        "Good Factory Co",
        SupplierApplicationStatus.PENDING,
    )
    assert Path(application.business_licence.path).is_relative_to(private_root)
    html = response.content.decode()
    assert "Application submitted. We will email you when it has been reviewed." in html
    assert "Your application is waiting for review." in html
    assert 'data-testid="supplier-apply-form"' not in html


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        (
            "business_licence",
            SimpleUploadedFile("licence.pdf", b"GIF89a" + b"\x00" * 20),
            "Business licence: only PDF, PNG or JPEG files are accepted",
        ),
        (
            "legal_rep_id",
            SimpleUploadedFile("id.exe", b"MZ\x90\x00" + b"\x00" * 20),
            "Legal representative ID: only PDF, PNG or JPEG files are accepted",
        ),
        (
            "business_licence",
            SimpleUploadedFile("licence.png", PDF),
            "Business licence: the file is a PDF but its name does not end in .pdf",
        ),
        (
            "legal_rep_id",
            SimpleUploadedFile("id.pdf", b""),
            "Legal representative ID: the file is empty",
        ),
    ],
)
def test_bad_upload_shows_error_and_creates_nothing(
    client, applicant, private_root, field, upload, message
):
    client.force_login(applicant)

    response = client.post(APPLY, _form_data(**{field: upload}))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors == {field: [message]}
    assert f'data-testid="field-error-{field}">{message}<' in response.content.decode()
    assert SupplierApplication.objects.count() == 0
    assert not private_root.exists() or list(private_root.rglob("*.*")) == []


def test_oversized_upload_shows_error(client, applicant, settings):
    settings.DROPYARD_SUPPLIER_DOC_MAX_BYTES = 1_048_576
    client.force_login(applicant)
    big = SimpleUploadedFile("licence.pdf", PDF + b"\x00" * 2_097_152)

    response = client.post(APPLY, _form_data(business_licence=big))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "business_licence": ["Business licence: the file is 2.0 MB; the limit is 1 MB"]
    }
    assert SupplierApplication.objects.count() == 0


def test_missing_fields_and_files_show_errors(client, applicant):
    client.force_login(applicant)

    response = client.post(
        APPLY,
        _form_data(company_name="", country="", business_licence=None, legal_rep_id=None),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "company_name": ["This field is required."],
        "country": ["This field is required."],
        "business_licence": ["Business licence: a file is required"],
        "legal_rep_id": ["Legal representative ID: a file is required"],
    }
    assert SupplierApplication.objects.count() == 0


def test_unknown_country_refused_by_form(client, applicant):
    client.force_login(applicant)

    response = client.post(APPLY, _form_data(country="ZZ"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "country": ["Select a valid choice. ZZ is not one of the available choices."]
    }
    assert SupplierApplication.objects.count() == 0


def test_pending_applicant_sees_state_and_cannot_post_again(client, applicant):
    first = make_application(applicant=applicant)
    client.force_login(applicant)

    page = client.get(APPLY)
    response = client.post(APPLY, _form_data(company_name="Again"))

    assert "Your application is waiting for review." in page.content.decode()
    assert 'data-testid="supplier-apply-form"' not in page.content.decode()
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "You already have an application waiting for review"
    ]
    assert list(SupplierApplication.objects.values_list("pk", flat=True)) == [first.pk]


def test_rejected_applicant_sees_reason_and_may_apply_again(client, applicant):
    application = make_application(applicant=applicant)
    services.supplier_application_reject(
        application=application, actor=make_operator(role="support"), reason="Licence expired"
    )
    application.refresh_from_db()
    client.force_login(applicant)

    page = client.get(APPLY)
    response = client.post(APPLY, _form_data(company_name="Good Factory (new licence)"))

    html = page.content.decode()
    assert "Your last application was not approved." in html
    assert "Reason: Licence expired" in html
    assert application.reviewed_at.strftime("%Y-%m-%d") in html
    assert "Apply again" in html
    assert response.status_code == 302
    assert list(
        SupplierApplication.objects.filter(applicant=applicant).values_list("status", flat=True)
    ) == [SupplierApplicationStatus.PENDING, SupplierApplicationStatus.REJECTED]


def test_approved_supplier_sees_state_and_cannot_apply(client, applicant):
    services.supplier_application_approve(
        application=make_application(applicant=applicant), actor=make_operator(role="support")
    )
    client.force_login(applicant)

    page = client.get(APPLY)
    response = client.post(APPLY, _form_data(company_name="Second company"))

    html = page.content.decode()
    assert "You are an approved supplier." in html
    assert 'data-testid="supplier-apply-form"' not in html
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["You are already an approved supplier"]
    assert SupplierApplication.objects.count() == 1


def test_merchant_owner_may_apply(client, owner):
    client.force_login(owner)

    response = client.post(APPLY, _form_data())

    assert response.status_code == 302
    assert SupplierApplication.objects.get().applicant == owner


def test_history_lists_only_own_applications(client, applicant):
    make_application(applicant=UserFactory(), company_name="Someone Else Ltd")
    make_application(applicant=applicant, company_name="Mine Ltd")
    client.force_login(applicant)

    html = client.get(APPLY).content.decode()

    assert "Mine Ltd" in html
    assert "Someone Else Ltd" not in html


# --- supplier:document ------------------------------------------------------------------------


def test_applicant_downloads_own_documents(client, applicant):
    application = make_application(applicant=applicant)
    client.force_login(applicant)

    licence = client.get(_document_url(application, "licence"))
    rep_id = client.get(_document_url(application, "id"))

    assert licence.status_code == 200
    assert b"".join(licence.streaming_content) == PDF
    assert licence["Content-Type"] == "application/pdf"
    assert licence["Content-Disposition"] == 'attachment; filename="licence.pdf"'
    assert licence["X-Content-Type-Options"] == "nosniff"
    assert licence["Cache-Control"] == "private, no-store"
    assert rep_id.status_code == 200
    assert b"".join(rep_id.streaming_content) == PNG
    assert rep_id["Content-Type"] == "image/png"
    assert rep_id["Content-Disposition"] == 'attachment; filename="id.png"'


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_user", 404),
        ("merchant_owner", 404),
        ("agent", 404),
        ("warehouse", 404),
        ("finance", 404),
        ("support", 200),
        ("admin", 200),
    ],
)
def test_document_permission_matrix(client, applicant, merchant, who, status):
    application = make_application(applicant=applicant)
    users = {
        "other_user": lambda: UserFactory(),
        "merchant_owner": lambda: merchant.owner,
        "agent": lambda: make_operator(role="agent"),
        "warehouse": lambda: make_operator(role="warehouse"),
        "finance": lambda: make_operator(role="finance"),
        "support": lambda: make_operator(role="support"),
        "admin": lambda: make_operator(role="admin"),
    }
    client.force_login(users[who]())

    response = client.get(_document_url(application, "id"))

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PNG


def test_document_anonymous_redirected_to_login(client, applicant):
    url = _document_url(make_application(applicant=applicant))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("which", ["passport", "business_licence", "LICENCE"])
def test_unknown_document_kind_is_404(client, applicant, which):
    application = make_application(applicant=applicant)
    client.force_login(applicant)

    response = client.get(_document_url(application, which))

    assert response.status_code == 404


def test_unknown_application_is_404_even_for_support(client):
    client.force_login(make_operator(role="support"))

    response = client.get(reverse("supplier:document", args=[987654, "licence"]))

    assert response.status_code == 404


def test_document_missing_on_disk_is_404(client, applicant):
    application = make_application(applicant=applicant)
    Path(application.business_licence.path).unlink()
    client.force_login(applicant)

    response = client.get(_document_url(application, "licence"))

    assert response.status_code == 404


def test_document_is_not_under_the_public_media_url(client, applicant, settings):
    application = make_application(applicant=applicant)
    client.force_login(applicant)

    response = client.get(f"{settings.MEDIA_URL}{application.business_licence.name}")

    assert response.status_code == 404
    assert not Path(settings.MEDIA_ROOT, application.business_licence.name).exists()


def test_document_download_refuses_post(client, applicant):
    application = make_application(applicant=applicant)
    client.force_login(applicant)

    response = client.post(_document_url(application))

    assert response.status_code == 405
