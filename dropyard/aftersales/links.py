"""Signed, expiring links to after-sales files (dispute evidence; ticket attachments reuse
``signed_url`` with their own kind). Like parcel photos: the token is the file's public id
signed with the site's secret (salted per kind) and a timestamp, valid for
``DROPYARD_PARCEL_PHOTO_URL_MAX_AGE`` seconds. Links are only made after a scoped lookup (the
merchant's own dispute, or an operator's scope), so a link is the permission.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import DisputeEvidence

SALT = "dropyard.aftersales.file"
MAX_AGE_DEFAULT = 24 * 3600


def signed_url(*, kind: str, public_id: str) -> str:
    token = signing.dumps({"k": kind, "p": public_id}, salt=SALT, compress=True)
    return reverse("aftersales_files:file", kwargs={"token": token})


def token_target(token: str) -> tuple[str, str] | None:
    """(kind, public id) a link names, or None when forged, altered or expired."""
    max_age = getattr(settings, "DROPYARD_PARCEL_PHOTO_URL_MAX_AGE", MAX_AGE_DEFAULT)
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    kind, public_id = payload.get("k"), payload.get("p")
    if not isinstance(kind, str) or not isinstance(public_id, str):
        return None
    return kind, public_id


def evidence_url(evidence: DisputeEvidence) -> str:
    """Where to see a piece of evidence: its signed link, or the URL the merchant sent."""
    if evidence.url:
        return evidence.url
    return signed_url(kind="evidence", public_id=evidence.public_id)
