"""Upload checks: size and real file type (magic bytes), not the client's claimed type."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from .exceptions import AccountsError

# Signature → (type name, allowed extensions)
_SIGNATURES: list[tuple[bytes, str, tuple[str, ...]]] = [
    (b"%PDF-", "PDF", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "PNG", (".png",)),
    (b"\xff\xd8\xff", "JPEG", (".jpg", ".jpeg")),
]
ALLOWED_DESCRIPTION = "PDF, PNG or JPEG"


def sniff_document_type(head: bytes) -> tuple[str, tuple[str, ...]] | None:
    for signature, name, extensions in _SIGNATURES:
        if head.startswith(signature):
            return name, extensions
    return None


def validate_document_upload(upload: UploadedFile | None, *, label: str) -> None:
    """Refuse a missing, empty, oversized or mis-typed document with a message naming it."""
    if upload is None:
        raise AccountsError(f"{label}: a file is required")
    limit = settings.DROPYARD_SUPPLIER_DOC_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise AccountsError(f"{label}: the file is empty")
    if upload.size > limit:
        raise AccountsError(
            f"{label}: the file is {upload.size / 1_048_576:.1f} MB; the limit is "
            f"{limit / 1_048_576:.0f} MB"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    sniffed = sniff_document_type(head)
    if sniffed is None:
        raise AccountsError(f"{label}: only {ALLOWED_DESCRIPTION} files are accepted")
    name, extensions = sniffed
    if not (upload.name or "").lower().endswith(extensions):
        raise AccountsError(
            f"{label}: the file is a {name} but its name does not end in {extensions[0]}"
        )
