"""Search by image: the on-sale products whose pictures look like a given one (a selector).

See ``catalog.imagehashing`` for the hash, the banded index and the guarantee: every stored
hash within ``GUARANTEED_DISTANCE`` bits of the query is a candidate, found by indexed ``IN``
lookups on the four band columns; candidates are ranked by exact Hamming distance in Python
(at most ``CANDIDATE_CAP`` rows are read, never the whole table; about 0.84% of the rows for
a picture that matches nothing, see ``bench/image_search.py``).

Scope: products on sale (the catalog every merchant sees; an off-sale product answers 1602002
elsewhere, so it is not offered here either). The catalog has no merchant-private products.
"""

from dataclasses import dataclass

from django.db.models import Q
from PIL import Image

from .imagehashing import (
    BANDS,
    MATCH_MAX_DISTANCE,
    band_probes,
    hamming,
    hash_bands,
    phash64,
    similarity,
)
from .models import Product, ProductImageHash

RESULT_LIMIT = 20
# Candidates for an unrelated picture are ~0.84% of the hash rows (4 × 137 / 65536 band values):
# ~2,500 at 100k images (measured, bench/image_search.py). The cap bounds memory and time on
# far larger catalogs, at the price of possibly missing a match beyond it (~2M images).
CANDIDATE_CAP = 50_000


@dataclass(frozen=True)
class ImageMatch:
    """A product whose closest indexed picture is ``distance`` bits from the query."""

    product: Product
    distance: int

    @property
    def similarity(self) -> float:
        return similarity(self.distance)


def _candidates(query: int) -> Q:
    condition = Q()
    for index, band in enumerate(hash_bands(query)):
        condition |= Q(**{f"band{index}__in": band_probes(band)})
    return condition


def products_by_image(
    *, image: Image.Image, limit: int = RESULT_LIMIT, max_distance: int = MATCH_MAX_DISTANCE
) -> list[ImageMatch]:
    """On-sale products with a picture within ``max_distance`` bits, closest first (then oldest
    product first), at most ``limit``; each product once, at its closest picture."""
    return products_by_hash(query=phash64(image), limit=limit, max_distance=max_distance)


def products_by_hash(
    *, query: int, limit: int = RESULT_LIMIT, max_distance: int = MATCH_MAX_DISTANCE
) -> list[ImageMatch]:
    """``products_by_image`` for an already computed 64-bit pHash (unsigned)."""
    rows = (
        ProductImageHash.objects.filter(
            _candidates(query), product__is_on_sale=True, product__private_for__isnull=True
        )
        .values_list("product_id", "value")
        .order_by()[:CANDIDATE_CAP]
    )
    best: dict[int, int] = {}
    for product_id, value in rows:
        distance = hamming(query, value)
        if distance <= max_distance and distance < best.get(product_id, BANDS * 16 + 1):
            best[product_id] = distance
    ranked = sorted(best.items(), key=lambda item: (item[1], item[0]))[:limit]
    products = (
        Product.objects.select_related("category__parent__parent", "supplier")
        .prefetch_related("images")
        .in_bulk([pk for pk, _ in ranked])
    )
    return [ImageMatch(products[pk], distance) for pk, distance in ranked if pk in products]
