"""Photos of a parcel taken at packing (the packer's evidence of what went in the box).

A photo is validated as a real picture (``catalog.imagehashing.image_decode``: at most 5 MB and
40 megapixels, not truncated), turned upright from its EXIF orientation, scaled to at most
``PHOTO_MAX_SIDE`` pixels and re-encoded as JPEG (which also drops EXIF metadata such as the
phone's GPS position), then stored in private storage (``ParcelPhoto``). Links to it are
signed and expire (``orders.parcel_photos.photo_url``); nothing else serves it.

Whether a warehouse requires a photo before a parcel can be packed is
``Warehouse.parcel_photos_required`` (off by default; ``parcel_pack`` enforces it).
"""

import io
import secrets

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import ImageOps

from dropyard.accounts.models import User
from dropyard.catalog.imagehashing import MAX_IMAGE_BYTES, ImageRefused, image_decode
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Parcel, ParcelPhoto

from .state import PS, lock_parcels

PHOTO_MAX_SIDE = 2000
PHOTO_QUALITY = 85
# Photos may be taken while the parcel is at the packing bench, and right after it was packed.
PHOTO_STATUSES = (PS.PICKING, PS.PACKED)


def _jpeg(content: bytes) -> tuple[bytes, int, int]:
    image = ImageOps.exif_transpose(image_decode(content, name=_("The photo")))
    image = image.convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
    return out.getvalue(), image.width, image.height


@transaction.atomic
def parcel_photo_add(*, parcel: Parcel, upload: UploadedFile, actor: User | None) -> ParcelPhoto:
    """Store one photo of ``parcel`` (PARCEL_PHOTO_ADDED audited).

    Refused (``ParcelRefused``, nothing stored) unless the parcel is being picked or is packed,
    when it already has ``ParcelPhoto.MAX_PHOTOS``, or when the file is not a readable picture
    of at most 5 MB.
    """
    (locked,) = lock_parcels([parcel])
    if locked.status not in PHOTO_STATUSES:
        raise ParcelRefused(
            _("parcel %(code)s is %(status)s: photos are taken while it is packed")
            % {"code": locked.code, "status": locked.get_status_display().lower()}
        )
    if locked.photos.count() >= ParcelPhoto.MAX_PHOTOS:
        raise ParcelRefused(
            _("a parcel has at most %(count)s photos") % {"count": ParcelPhoto.MAX_PHOTOS}
        )
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ParcelRefused(
            _("The photo is larger than %(mb)s MB") % {"mb": MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    try:
        content, width, height = _jpeg(upload.read(MAX_IMAGE_BYTES + 1))
    except ImageRefused as exc:
        raise ParcelRefused(exc.message) from exc
    photo = ParcelPhoto(
        parcel=locked,
        width=width,
        height=height,
        size_bytes=len(content),
        taken_by=actor if actor is not None and actor.is_authenticated else None,
    )
    photo.image.save(f"{secrets.token_hex(8)}.jpg", ContentFile(content), save=False)
    # As with catalog images, a rollback after this point leaves an unreferenced file
    # behind (private, never served: links are made from rows).
    photo.save()
    audit_record(
        action=AuditAction.PARCEL_PHOTO_ADDED,
        actor=actor,
        merchant=locked.merchant,
        target=locked,
        details={"photo": photo.public_id, "bytes": len(content), "size": f"{width}x{height}"},
    )
    return photo
