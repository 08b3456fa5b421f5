"""Connection suggestions: for a store variant that is not connected, the Dropyard variants
whose titles look most like it, each with a similarity score (0-100). Read-only (a selector).

Scoring: rapidfuzz's ``token_sort_ratio`` (the normalised Indel similarity of the two titles'
words, sorted, so word order does not matter but every word counts) between the store title
("title variant-title") and the catalog variant's name (product name + option values), both
lower-cased with punctuation stripped (``default_process``). ``WRatio`` was tried first and
dropped: its partial-token component scores any two titles sharing one word 86 ("Vintage
brass doorknob set" vs "Vintage cat brush"), so no threshold separates matches from strangers;
with ``token_sort_ratio`` the generated benchmark's strangers score 36-47 and its altered
names (a word dropped, a typo, words re-ordered) 83-100. The best ``LIMIT`` variants scoring
at least ``SCORE_MIN`` are kept, one per Dropyard product (its best-scoring on-sale variant).

Fast on a catalog of a million products, because nothing is scored against the whole
catalog: candidates come from the database first, then only they are scored in Python.

1. **The merchant's own pool** (at most ``POOL_SIZE`` products each): the products saved to
   My Products, and the products the merchant has ordered, most recent first. These are what
   a merchant most likely sells, so they are always candidates, whatever the words.
2. **Catalog words**: the store title goes to the catalog's full-text index
   (``catalog.search.product_search_ids``: FTS5 on SQLite, a GIN ``tsvector`` on
   PostgreSQL): every word in order (the exact phrase ranks first), then the
   ``QUERY_WORDS`` longest telling words, then each of the two longest alone, until
   ``PER_QUERY`` products are found; each lookup returns at most ``PER_QUERY`` on-sale
   products by relevance. An index lookup does not scan the catalog, so its cost grows with
   the matches kept, not with the catalog.

Only names and options are read (``values_list``), in one query for the pool and one for all
the page's catalog candidates; the names are processed once and scored in C++. For a page of
25 store variants: at most 100 index lookups of ≤ 30 ids, five other queries, and per store
variant ≤ (1,000 pool + 120 catalog) products' variants scored.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Max
from rapidfuzz import fuzz, process, utils

from dropyard.accounts.models import MerchantAccount
from dropyard.catalog.models import MyProduct, Variant
from dropyard.catalog.search import product_search_ids, search_tokens
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


@dataclass(frozen=True)
class Choice:
    """One on-sale catalog variant to score: its name already processed for scoring."""

    name: str  # default_process(product name + option values)
    product_pk: int
    variant_pk: int
    source: str


def store_title(store_variant: StoreVariant) -> str:
    return f"{store_variant.title} {store_variant.variant_title}".strip()


def variant_name(product_name: str, options: dict | None) -> str:
    values = " ".join(str(v) for v in (options or {}).values())
    return f"{product_name} {values}".strip()


def title_words(title: str) -> list[str]:
    """The words worth looking up: lower-cased, ≥ 3 letters, not stop words nor bare numbers,
    without duplicates, longest first (longer words are rarer, so their lookups are smaller)."""
    words = []
    for word in _WORD.findall(title.lower()):
        if len(word) >= 3 and not word.isdigit() and word not in _STOPWORDS and word not in words:
            words.append(word)
    return sorted(words, key=len, reverse=True)


def choices_for(product_ids: list[int], source: str) -> dict[int, list[Choice]]:
    """The on-sale variants of the on-sale ``product_ids`` as choices, per product (one query,
    names and options only)."""
    rows = (
        Variant.objects.filter(
            product_id__in=product_ids, is_on_sale=True, product__is_on_sale=True
        )
        .order_by()
        .values_list("pk", "product_id", "product__name", "options")
    )
    found: dict[int, list[Choice]] = {}
    for pk, product_pk, name, options in rows:
        processed = utils.default_process(variant_name(name, options))
        found.setdefault(product_pk, []).append(Choice(processed, product_pk, pk, source))
    return found


def best_matches(
    title: str, choices: Sequence[Choice], *, limit: int = LIMIT
) -> list[tuple[Choice, int]]:
    """The ``limit`` best ``choices`` for ``title``, at most one per product (its best variant),
    scoring ≥ ``SCORE_MIN``; best first, ties by product pk. A pure function (no database)."""
    scored = process.extract(
        utils.default_process(title),
        [choice.name for choice in choices],
        scorer=fuzz.token_sort_ratio,
        processor=None,
        score_cutoff=SCORE_MIN,
        limit=None,
    )
    best: dict[int, tuple[float, Choice]] = {}
    for _name, score, index in scored:
        choice = choices[index]
        if choice.product_pk not in best or score > best[choice.product_pk][0]:
            best[choice.product_pk] = (score, choice)
    ranked = sorted(best.values(), key=lambda item: (-item[0], item[1].product_pk))[:limit]
    return [(choice, round(score)) for score, choice in ranked]


def merchant_pool(merchant: MerchantAccount) -> list[Choice]:
    """The merchant's own candidates: saved products, then ordered ones, newest first; a
    product met twice keeps its first source."""
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
    pool: list[Choice] = []
    seen: set[int] = set()
    for ids, source in ((saved, "my products"), (ordered, "ordered")):
        by_product = choices_for([pk for pk in ids if pk not in seen], source)
        for pk in ids:
            if pk not in seen and pk in by_product:
                seen.add(pk)
                pool.extend(by_product[pk])
    return pool


def catalog_lookups(title: str) -> list[str]:
    """The index lookups for a title, most precise first: every word of the title in its
    order (the index ranks the exact phrase first, so the product of that very name comes
    first among many similar ones), then its ``QUERY_WORDS`` longest telling words, then each
    of the two longest alone (a typo or an extra word in the title defeats the first two)."""
    words = title_words(title)
    if not words:
        return []
    lookups = [" ".join(search_tokens(title)), " ".join(words[:QUERY_WORDS]), *words[:2]]
    return list(dict.fromkeys(lookups))


def catalog_candidates(title: str) -> list[int]:
    """Pks of on-sale catalog products found through the full-text index by the title's words
    (``catalog_lookups``, each ≤ ``PER_QUERY`` by relevance, until ``PER_QUERY`` are found;
    no product is loaded: ``product_search_ids``)."""
    found: list[int] = []
    for keyword in catalog_lookups(title):
        _total, ids = product_search_ids(
            keyword=keyword, limit=PER_QUERY, count_cap=1, on_sale_only=True
        )
        found.extend(pk for pk in ids if pk not in found)
        if len(found) >= PER_QUERY:
            break
    return found


def suggestions_for(
    *, merchant: MerchantAccount, store_variants: Iterable[StoreVariant]
) -> dict[int, list[Suggestion]]:
    """Suggestions per store-variant pk, for those of ``store_variants`` not connected (call
    it with one page of them). The caller has scoped the store variants to the merchant.

    Queries: the pool (two id lists, two variant reads), up to three index lookups per store
    variant, one read of the catalog candidates' variants, one of the suggested variants."""
    unconnected = [sv for sv in store_variants if getattr(sv, "connection", None) is None]
    if not unconnected:
        return {}
    pool = merchant_pool(merchant)
    in_pool = {choice.product_pk for choice in pool}
    wanted = {sv.pk: catalog_candidates(store_title(sv)) for sv in unconnected}
    catalog = choices_for(
        sorted({pk for ids in wanted.values() for pk in ids} - in_pool), "catalog"
    )
    matches = {
        sv.pk: best_matches(
            store_title(sv),
            pool + [c for pk in wanted[sv.pk] for c in catalog.get(pk, [])],
        )
        for sv in unconnected
    }
    variants = Variant.objects.select_related("product").in_bulk(
        [choice.variant_pk for found in matches.values() for choice, _score in found]
    )
    return {
        pk: [
            Suggestion(variant=variants[choice.variant_pk], score=score, source=choice.source)
            for choice, score in found
        ]
        for pk, found in matches.items()
    }
