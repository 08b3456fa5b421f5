"""Connection suggestions: for a store variant that is not connected, the Dropyard variants
whose titles look most like it, each with a similarity score (0-100). Read-only (a selector).

Scoring: rapidfuzz's ``WRatio`` (a weighted mix of plain, partial and token-sorted/-set
Levenshtein ratios) between the store title ("title variant-title") and the catalog variant's
name (product name + option values), both lower-cased with punctuation stripped
(``default_process``). The best ``LIMIT`` variants scoring at least ``SCORE_MIN`` are kept,
one per Dropyard product (its best-scoring on-sale variant).

Fast on a catalog of a million products, because nothing is scored against the whole
catalog: candidates come from the database first, then only they are scored in Python.

1. **The merchant's own pool** (at most ``POOL_SIZE`` products each): the products saved to
   My Products, and the products the merchant has ordered, most recent first. These are what
   a merchant most likely sells, so they are always candidates, whatever the words.
2. **Catalog words**: the store title's words (longest first, at most ``QUERY_WORDS``) go to the
   catalog's full-text index (``catalog.search.product_search``: FTS5 on SQLite, a GIN
   ``tsvector`` on PostgreSQL), first all together, then each of the two longest alone when
   that finds too few; each lookup returns at most ``PER_QUERY`` on-sale products by
   relevance. An index lookup does not scan the catalog, so its cost grows with the matches
   kept, not with the catalog.

For a page of 25 store variants that is at most 75 index lookups of ≤ 30 rows and two pool
queries, then ≤ (2 × 500 + 25 × 90) products' variants scored in C++.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max
from rapidfuzz import fuzz, process, utils

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import MyProduct, Product, Variant
from dropyard.catalog.search import product_search
from dropyard.orders.models import OrderLine

from .models import StoreVariant

LIMIT = 3
SCORE_MIN = 70
POOL_SIZE = 500
PER_QUERY = 30
QUERY_WORDS = 3
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that say nothing about which product it is.
_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "new",
        "hot",
        "sale",
        "free",
        "from",
        "set",
        "pcs",
        "pack",
        "size",
        "color",
        "colour",
        "style",
        "women",
        "men",
        "kids",
        "unisex",
        "one",
    ]
)


@dataclass(frozen=True)
class Suggestion:
    """A Dropyard variant suggested for a store variant, with its score and why it came up."""

    variant: Variant
    score: int
    source: str  # "my products", "ordered" or "catalog"


def store_title(store_variant: StoreVariant) -> str:
    return f"{store_variant.title} {store_variant.variant_title}".strip()


def variant_name(product: Product, variant: Variant) -> str:
    values = " ".join(str(v) for v in (variant.options or {}).values())
    return f"{product.name} {values}".strip()


def title_words(title: str) -> list[str]:
    """The words worth looking up: lower-cased, ≥ 3 letters, not stop words nor bare numbers,
    without duplicates, longest first (longer words are rarer, so their lookups are smaller)."""
    words = []
    for word in _WORD.findall(title.lower()):
        if len(word) >= 3 and not word.isdigit() and word not in _STOPWORDS and word not in words:
            words.append(word)
    return sorted(words, key=len, reverse=True)


def best_matches(
    title: str, candidates: Iterable[tuple[Product, str]], *, limit: int = LIMIT
) -> list[Suggestion]:
    """The ``limit`` best on-sale variants of ``candidates`` (product, source) for ``title``,
    at most one per product, scoring ≥ ``SCORE_MIN``; best first, ties by product pk. The
    first source a product is met under is kept (the pools come first)."""
    sources: dict[int, str] = {}
    choices: dict[tuple[int, int], str] = {}
    variants: dict[tuple[int, int], Variant] = {}
    for product, source in candidates:
        if product.pk in sources or not product.is_on_sale:
            continue
        sources[product.pk] = source
        for variant in product.variants.all():
            if variant.is_on_sale:
                choices[(product.pk, variant.pk)] = variant_name(product, variant)
                variants[(product.pk, variant.pk)] = variant
    scored = process.extract(
        title,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=SCORE_MIN,
        limit=None,
    )
    best: dict[int, tuple[float, int]] = {}
    for _name, score, (product_pk, variant_pk) in scored:
        if product_pk not in best or score > best[product_pk][0]:
            best[product_pk] = (score, variant_pk)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [
        Suggestion(
            variant=variants[(product_pk, variant_pk)],
            score=round(score),
            source=sources[product_pk],
        )
        for product_pk, (score, variant_pk) in ranked
    ]


def _products(ids: list[int]) -> list[Product]:
    by_pk = Product.objects.filter(is_on_sale=True).prefetch_related("variants").in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]


def merchant_pool(merchant: MerchantAccount) -> list[tuple[Product, str]]:
    """The merchant's own candidates: saved products, then ordered ones, newest first."""
    saved = list(
        MyProduct.objects.filter(merchant=merchant, product__is_on_sale=True)
        .order_by("-created_at", "-pk")
        .values_list("product_id", flat=True)[:POOL_SIZE]
    )
    ordered = list(
        OrderLine.objects.filter(order__merchant=merchant)
        .values("variant__product_id")
        .annotate(last=Max("order_id"))
        .order_by("-last")
        .values_list("variant__product_id", flat=True)[:POOL_SIZE]
    )
    pool = [(p, "my products") for p in _products(saved)]
    return pool + [(p, "ordered") for p in _products(ordered)]


def catalog_candidates(title: str) -> list[Product]:
    """On-sale catalog products found through the full-text index by the title's words."""
    words = title_words(title)
    if not words:
        return []
    found: dict[int, Product] = {}
    lookups = [" ".join(words[:QUERY_WORDS])] + (words[:2] if len(words) > 1 else [])
    for keyword in lookups:
        _total, products = product_search(
            keyword=keyword, limit=PER_QUERY, count_cap=PER_QUERY, on_sale_only=True
        )
        for product in products:
            found.setdefault(product.pk, product)
        if len(found) >= PER_QUERY:
            break
    return list(found.values())


def suggestions_for(
    *, merchant: MerchantAccount, store_variants: Iterable[StoreVariant]
) -> dict[int, list[Suggestion]]:
    """Suggestions per store-variant pk, for those of ``store_variants`` not connected (call
    it with one page of them). The caller has scoped the store variants to the merchant."""
    unconnected = [sv for sv in store_variants if getattr(sv, "connection", None) is None]
    if not unconnected:
        return {}
    pool = merchant_pool(merchant)
    result = {}
    for sv in unconnected:
        title = store_title(sv)
        candidates = pool + [(p, "catalog") for p in catalog_candidates(title)]
        result[sv.pk] = best_matches(title, candidates)
    return result
