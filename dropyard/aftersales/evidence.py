"""Dispute evidence files: photos re-encoded as JPEG (like parcel photos: a real picture of
at most 10 MB, upright, at most 2,000 px, EXIF dropped), videos accepted by their container's
signature (MP4 / QuickTime ``ftyp``, WebM/Matroska EBML) and size, never by the client's name
or content type. Stored in private storage; shown only through signed links (``links``).
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import ImageOps

from dropyard.catalog.imagehashing import MAX_IMAGE_BYTES, ImageRefused, image_decode

from .choices import EvidenceKind
from .exceptions import EvidenceRefused

PHOTO_MAX_SIDE = 2000
PHOTO_QUALITY = 85
MAX_FILES = 10  # per dispute message
NAME_MAX = 200


@dataclass(frozen=True)
class CheckedFile:
    """A validated upload, ready to store."""

    kind: str
    content: bytes
    extension: str
    content_type: str
    original_name: str
    width: int | None = None
    height: int | None = None


def _video_type(head: bytes) -> tuple[str, str] | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "mov", "video/quicktime"
        return "mp4", "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm", "video/webm"
    return None


def _limit_mb(limit: int) -> int:
    return limit // (1024 * 1024)


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Validate one uploaded file as a photo or a video; ``EvidenceRefused`` otherwise."""
    name = (upload.name or "file")[-NAME_MAX:]
    photo_max = MAX_IMAGE_BYTES
    video_max = settings.DROPYARD_DISPUTE_VIDEO_MAX_BYTES
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    video = _video_type(head)
    if video is not None:
        if upload.size is not None and upload.size > video_max:
            raise EvidenceRefused(
                _("%(name)s is larger than %(mb)s MB") % {"name": name, "mb": _limit_mb(video_max)}
            )
        content = upload.read(video_max + 1)
        if len(content) > video_max:
            raise EvidenceRefused(
                _("%(name)s is larger than %(mb)s MB") % {"name": name, "mb": _limit_mb(video_max)}
            )
        extension, content_type = video
        return CheckedFile(EvidenceKind.VIDEO, content, extension, content_type, name)
    if upload.size is not None and upload.size > photo_max:
        raise EvidenceRefused(
            _("%(name)s is larger than %(mb)s MB") % {"name": name, "mb": _limit_mb(photo_max)}
        )
    try:
        image = ImageOps.exif_transpose(image_decode(upload.read(photo_max + 1), name=name))
    except ImageRefused as exc:
        raise EvidenceRefused(
            _("%(problem)s. Videos are accepted as MP4, MOV or WebM.")
            % {"problem": str(exc.message).rstrip(".")}
        ) from exc
    image = image.convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
    return CheckedFile(
        EvidenceKind.IMAGE, out.getvalue(), "jpg", "image/jpeg", name, image.width, image.height
    )


def check_uploads(uploads: list[UploadedFile]) -> list[CheckedFile]:
    if len(uploads) > MAX_FILES:
        raise EvidenceRefused(_("at most %(count)s files at a time") % {"count": MAX_FILES})
    return [check_upload(upload) for upload in uploads]
