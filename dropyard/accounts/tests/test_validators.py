import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.accounts.exceptions import AccountsError
from dropyard.accounts.validators import sniff_document_type, validate_document_upload

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
GIF = b"GIF89a" + b"\x00" * 16


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, ("PDF", (".pdf",))),
        (PNG, ("PNG", (".png",))),
        (JPEG, ("JPEG", (".jpg", ".jpeg"))),
        (GIF, None),
        (b"<html><body>hi</body></html>", None),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_sniff_recognises_only_pdf_png_jpeg(head, expected):
    assert sniff_document_type(head) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("licence.pdf", PDF),
        ("LICENCE.PDF", PDF),
        ("scan.png", PNG),
        ("photo.jpg", JPEG),
        ("photo.jpeg", JPEG),
    ],
)
def test_accepts_matching_type_and_extension(name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    validate_document_upload(upload, label="Business licence")

    assert upload.tell() == 0  # rewound, so the whole file is stored afterwards


def test_type_is_sniffed_not_taken_from_the_client():
    upload = SimpleUploadedFile("licence.pdf", GIF, content_type="application/pdf")

    with pytest.raises(AccountsError) as excinfo:
        validate_document_upload(upload, label="Business licence")

    assert excinfo.value.message == "Business licence: only PDF, PNG or JPEG files are accepted"


def test_html_disguised_as_pdf_refused():
    upload = SimpleUploadedFile("id.pdf", b"<script>alert(1)</script>", content_type="text/html")

    with pytest.raises(AccountsError) as excinfo:
        validate_document_upload(upload, label="Legal representative ID")

    assert excinfo.value.message == (
        "Legal representative ID: only PDF, PNG or JPEG files are accepted"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "licence.png",
            PDF,
            "Business licence: the file is a PDF but its name does not end in .pdf",
        ),
        ("scan.pdf", PNG, "Business licence: the file is a PNG but its name does not end in .png"),
        (
            "photo.png",
            JPEG,
            "Business licence: the file is a JPEG but its name does not end in .jpg",
        ),
        ("licence", PDF, "Business licence: the file is a PDF but its name does not end in .pdf"),
    ],
)
def test_extension_must_match_the_real_type(name, content, message):
    upload = SimpleUploadedFile(name, content)

    with pytest.raises(AccountsError) as excinfo:
        validate_document_upload(upload, label="Business licence")

    assert excinfo.value.message == message


def test_empty_file_refused():
    upload = SimpleUploadedFile("licence.pdf", b"")

    with pytest.raises(AccountsError) as excinfo:
        validate_document_upload(upload, label="Business licence")

    assert excinfo.value.message == "Business licence: the file is empty"


def test_missing_file_refused():
    with pytest.raises(AccountsError) as excinfo:
        validate_document_upload(None, label="Legal representative ID")

    assert excinfo.value.message == "Legal representative ID: a file is required"


def test_file_over_the_size_limit_refused(settings):
    settings.DROPYARD_SUPPLIER_DOC_MAX_BYTES = 1_048_576
    upload = SimpleUploadedFile("licence.pdf", PDF + b"\x00" * (1_572_864 - len(PDF)))

    with pytest.raises(AccountsError) as excinfo:
        validate_document_upload(upload, label="Business licence")

    assert excinfo.value.message == "Business licence: the file is 1.5 MB; the limit is 1 MB"


def test_file_exactly_at_the_size_limit_accepted(settings):
    settings.DROPYARD_SUPPLIER_DOC_MAX_BYTES = 1_048_576
    upload = SimpleUploadedFile("licence.pdf", PDF + b"\x00" * (1_048_576 - len(PDF)))

    validate_document_upload(upload, label="Business licence")

    assert upload.size == 1_048_576


def test_size_is_checked_before_type(settings):
    settings.DROPYARD_SUPPLIER_DOC_MAX_BYTES = 1_048_576
    upload = SimpleUploadedFile("huge.gif", GIF + b"\x00" * 2_097_152)

    with pytest.raises(AccountsError) as excinfo:
        validate_document_upload(upload, label="Business licence")

    assert excinfo.value.message == "Business licence: the file is 2.0 MB; the limit is 1 MB"
