"""Product pictures at the sizes pages show them: a fixed set of JPEG copies per image.

Each ``ProductImage`` gets JPEG copies ``RENDITION_WIDTHS`` wide (never wider than the original),
made once when the image is saved (``product_image_add``, the demo loader) and by
``renditions_backfill`` (``dropyard picture_backfill``) for images saved before they existed.
``product_picture`` (catalog_pictures template tag) lists them in ``srcset`` so the browser
downloads the smallest copy that is sharp on its screen, instead of stretching a 160 px thumbnail.

Why not easy-thumbnails or sorl-thumbnail: both make thumbnails lazily on the first page view that
asks for a size (a cache table or key-value store, signals, a storage round trip per render); the
pages here need one known set, generated with the image, and four widths are a few lines of Pillow.
JPEG rather than WebP: WebP files are about half the size, but encoding them is 10–30 times slower
with Pillow (about 230 ms against 7 ms for a 640 px picture here), which the demo loader, making
hundreds of copies, would feel; transparent uploads are flattened on white, as shops show them.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from PIL import Image, ImageOps

from .models import Product, ProductImage, Variant

RENDITION_WIDTHS = (64, 160, 320, 640)
JPEG_QUALITY = 84
MATTE = (255, 255, 255)  # what transparent pixels become
BACKFILL_BATCH = 200


@dataclass(frozen=True)
class Rendition:
    """One resized copy: its width and height in px and its encoded JPEG bytes."""

    width: int
    height: int
    content: bytes


def rendition_widths(original_width: int) -> list[int]:
    """The widths made for an original ``original_width`` px wide: each of ``RENDITION_WIDTHS``,
    capped at the original (upscaling only adds bytes), without duplicates."""
    return sorted({min(width, original_width) for width in RENDITION_WIDTHS if original_width > 0})


def renditions_make(image: Image.Image, widths: list[int] | None = None) -> list[Rendition]:
    """The JPEG copies of a decoded ``image`` (EXIF rotation applied), narrowest first: every
    ``rendition_widths`` entry, or only ``widths`` (a subset of them)."""
    picture = _flattened(ImageOps.exif_transpose(image))
    original_width, original_height = picture.size
    out = []
    for width in widths if widths is not None else rendition_widths(original_width):
        height = max(1, round(original_height * width / original_width))
        resized = picture
        if width != original_width:
            # reducing_gap: a fast box reduction first, Lanczos for the last step (same look).
            resized = picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        resized.save(buffer, format="JPEG", quality=JPEG_QUALITY, progressive=width >= 320)
        out.append(Rendition(width=width, height=height, content=buffer.getvalue()))
    return out


def _flattened(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        matte = Image.new("RGB", rgba.size, MATTE)
        matte.paste(rgba, mask=rgba.getchannel("A"))
        return matte
    return image.convert("RGB")


def rendition_name(image_name: str, width: int) -> str:
    """The storage name of the ``width`` copy of the stored image ``image_name``."""
    path = PurePosixPath(image_name)
    return str(path.with_name(f"{path.stem}_w{width}.jpg"))


def renditions_write(
    *, storage: Storage, image_name: str, image: Image.Image, overwrite: bool = False
) -> tuple[dict[str, str], tuple[int, int]]:
    """Write the copies of ``image`` (stored as ``image_name``) beside it; ``(renditions,
    (width, height))`` for the model's fields. Files already there are kept unless ``overwrite``
    (demo pictures are shared by many rows and written once)."""
    renditions = {}
    for rendition in renditions_make(image):
        name = rendition_name(image_name, rendition.width)
        if overwrite or not storage.exists(name):
            if storage.exists(name):
                storage.delete(name)
            name = storage.save(name, ContentFile(rendition.content))
        renditions[str(rendition.width)] = name
    width, height = ImageOps.exif_transpose(image).size
    return renditions, (width, height)


@transaction.atomic
def product_image_renditions_store(*, product_image: ProductImage, image: Image.Image) -> None:
    """Make and store the copies of ``product_image`` (its decoded picture ``image``).

    Invariant: afterwards ``renditions`` names one stored file per ``rendition_widths`` entry.
    Called by ``product_image_add`` in its transaction, so an image is never shown without them.
    """
    storage = product_image.image.storage
    renditions, (width, height) = renditions_write(
        storage=storage, image_name=product_image.image.name, image=image, overwrite=True
    )
    product_image.renditions, product_image.width, product_image.height = renditions, width, height
    if product_image.pk:
        product_image.save(update_fields=["renditions", "width", "height"])


def renditions_backfill(
    *,
    redo: bool = False,
    batch_size: int = BACKFILL_BATCH,
    progress: Callable[[int, int, int], None] | None = None,
) -> tuple[int, int]:
    """Make the copies of every image without them (all images with ``redo``);
    ``(done, unreadable)``.

    Files shared by several rows (the demo's) are decoded and resized once. Each batch is saved
    in one ``bulk_update``, so an interrupted run keeps its work and a re-run continues; missing
    or unreadable files are counted and skipped.
    """
    pending = ProductImage.objects.order_by("pk")
    if not redo:
        pending = pending.filter(renditions={})
    pks = list(pending.values_list("pk", flat=True))
    total, done, unreadable = len(pks), 0, 0
    made: dict[str, tuple[dict[str, str], tuple[int, int]] | None] = {}
    for start in range(0, total, batch_size):
        rows = list(ProductImage.objects.filter(pk__in=pks[start : start + batch_size]))
        for row in rows:
            name = row.image.name
            if name not in made:
                made[name] = _renditions_of_file(row, overwrite=redo)
            result = made[name]
            if result is None:
                unreadable += 1
                continue
            row.renditions, (row.width, row.height) = result
            done += 1
        ProductImage.objects.bulk_update(rows, ["renditions", "width", "height"])
        if progress is not None:
            progress(min(start + batch_size, total), total, unreadable)
    return done, unreadable


def _renditions_of_file(
    row: ProductImage, *, overwrite: bool
) -> tuple[dict[str, str], tuple[int, int]] | None:
    try:
        with row.image.open("rb") as stored:
            image = Image.open(io.BytesIO(stored.read()))
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return renditions_write(
        storage=row.image.storage, image_name=row.image.name, image=image, overwrite=overwrite
    )


def picture_of(subject: object) -> ProductImage | None:
    """The picture to show for a product image, a variant (its own image, else its product's main
    image) or a product (its main image); ``None`` when there is none.

    Reads ``product.images.all()`` so a ``prefetch_related("…images")`` makes it query-free.
    """
    if isinstance(subject, ProductImage):
        return subject
    if isinstance(subject, Variant):
        if subject.image_id is not None:
            return subject.image
        subject = subject.product
    if isinstance(subject, Product):
        images = list(subject.images.all())
        return min(images, key=lambda i: (i.position, i.pk)) if images else None
    return None
