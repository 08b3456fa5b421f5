"""Upload checks: size and real file type (magic bytes), not the client's claimed type.

The one document check of the platform: supplier applications (business licence, legal
representative's ID) and wire-transfer proofs (``wallet.topups``) both go through
``validate_document_upload``; each caller names the file, its size limit and its own refusal.
"""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dropyard.core.errors import DomainError

from .exceptions import AccountsError

# Signature → (type name, allowed extensions)
_SIGNATURES: list[tuple[bytes, str, tuple[str, ...]]] = [
    (b"%PDF-", "PDF", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "PNG", (".png",)),
    (b"\xff\xd8\xff", "JPEG", (".jpg", ".jpeg")),
]
ALLOWED_DESCRIPTION = gettext_lazy("PDF, PNG or JPEG")


def sniff_document_type(head: bytes) -> tuple[str, tuple[str, ...]] | None:
    for signature, name, extensions in _SIGNATURES:
        if head.startswith(signature):
            return name, extensions
    return None


def validate_document_upload(
    upload: UploadedFile | None,
    *,
    label: str,
    max_bytes: int | None = None,
    error: type[DomainError] = AccountsError,
) -> str:
    """Refuse a missing, empty, oversized or mis-typed document with a message naming it
    (``label``); return the extension its content calls for (``.pdf``, ``.png``, ``.jpg``).

    ``max_bytes`` defaults to ``DROPYARD_SUPPLIER_DOC_MAX_BYTES``; ``error`` is the refusal
    raised (the caller app's ``DomainError``). The upload is rewound after the check, so the
    whole file is stored afterwards.
    """
    if upload is None:
        raise error(_("%(label)s: a file is required") % {"label": label})
    limit = settings.DROPYARD_SUPPLIER_DOC_MAX_BYTES if max_bytes is None else max_bytes
    if not upload.size:
        raise error(_("%(label)s: the file is empty") % {"label": label})
    if upload.size > limit:
        raise error(
            _("%(label)s: the file is %(size)s MB; the limit is %(limit)s MB")
            % {
                "label": label,
                "size": f"{upload.size / 1_048_576:.1f}",
                "limit": f"{limit / 1_048_576:.0f}",
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    sniffed = sniff_document_type(head)
    if sniffed is None:
        raise error(
            _("%(label)s: only %(types)s files are accepted")
            % {"label": label, "types": ALLOWED_DESCRIPTION}
        )
    name, extensions = sniffed
    if not (upload.name or "").lower().endswith(extensions):
        raise error(
            _("%(label)s: the file is a %(type)s but its name does not end in %(extension)s")
            % {"label": label, "type": name, "extension": extensions[0]}
        )
    return extensions[0]
