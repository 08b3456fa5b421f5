"""Writes of the search-by-image index (``ProductImageHash``), see ``catalog.imagehashing``.

``product_image_hashes_store`` is called by every service that saves a product image, inside
its transaction, so an image is searchable exactly when it is committed; the demo loader calls
``image_hashes_bulk_store`` for the rows it bulk-creates. ``image_hashes_backfill`` indexes
images saved before the index existed (``dropyard imagehash_backfill``).
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from PIL import Image

from .imagehashing import ImageRefused, hash_bands, image_decode, index_hashes, to_signed
from .models import ProductImage, ProductImageHash

BACKFILL_BATCH = 200


def hash_rows(product_image: ProductImage, hashes: Iterable[tuple[int, int]]) -> list:
    """Unsaved ``ProductImageHash`` rows of ``product_image`` for ``(crop, hash)`` pairs."""
    rows = []
    for crop, value in hashes:
        band0, band1, band2, band3 = hash_bands(value)
        rows.append(
            ProductImageHash(
                image=product_image,
                product_id=product_image.product_id,
                crop_permille=crop,
                value=to_signed(value),
                band0=band0,
                band1=band1,
                band2=band2,
                band3=band3,
            )
        )
    return rows


@transaction.atomic
def product_image_hashes_store(*, product_image: ProductImage, image: Image.Image) -> int:
    """Replace the image's hashes with those of ``image`` (its decoded picture); how many.

    Invariant: afterwards the image has exactly one row per ``INDEX_CROPS`` entry.
    """
    ProductImageHash.objects.filter(image=product_image).delete()
    rows = ProductImageHash.objects.bulk_create(hash_rows(product_image, index_hashes(image)))
    return len(rows)


@transaction.atomic
def image_hashes_bulk_store(
    *, images: list[ProductImage], hashes_by_file: dict[str, list[tuple[int, int]]]
) -> int:
    """Index freshly bulk-created images whose files were hashed once each (``index_hashes``
    of the file, keyed by the stored file name); images without an entry are skipped."""
    rows = [
        row
        for product_image in images
        if product_image.image.name in hashes_by_file
        for row in hash_rows(product_image, hashes_by_file[product_image.image.name])
    ]
    ProductImageHash.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def image_hashes_backfill(
    *,
    redo: bool = False,
    batch_size: int = BACKFILL_BATCH,
    progress: Callable[[int, int, int], None] | None = None,
) -> tuple[int, int]:
    """Index every image without hashes (all of them with ``redo``); ``(indexed, unreadable)``.

    One transaction per image, so an interrupted run keeps its work and a re-run continues.
    Images whose file is missing or unreadable are counted and skipped (they stay unindexed).
    ``progress(done, total, unreadable)`` is called after each batch.
    """
    pending = ProductImage.objects.order_by("pk")
    if not redo:
        pending = pending.filter(hashes__isnull=True)
    pks = list(pending.values_list("pk", flat=True).distinct())
    total, done, unreadable = len(pks), 0, 0
    cache: dict[str, list[tuple[int, int]]] = {}  # demo images share files
    for start in range(0, total, batch_size):
        for product_image in ProductImage.objects.filter(pk__in=pks[start : start + batch_size]):
            name = product_image.image.name
            if name not in cache:
                try:
                    with product_image.image.open("rb") as stored:
                        cache[name] = index_hashes(image_decode(stored.read()))
                except (ImageRefused, OSError, ValueError):
                    unreadable += 1
                    continue
            with transaction.atomic():
                ProductImageHash.objects.filter(image=product_image).delete()
                ProductImageHash.objects.bulk_create(hash_rows(product_image, cache[name]))
            done += 1
        if progress is not None:
            progress(min(start + batch_size, total), total, unreadable)
    return done, unreadable
