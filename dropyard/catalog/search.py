"""Catalog full-text search behind one selector, on SQLite (FTS5) and PostgreSQL (tsvector +
an exact GIN array index).

Index: one document per product = name, product SKU + variant SKUs, the names of its category
path (all three levels) and material; plus markers for on sale, in stock and the stock
countries (the stock aggregates of ``inventory.aggregates``), so the filters CJ clients always
send stay inside the index.

- SQLite: the FTS5 table ``catalog_product_fts`` (rowid = product pk; columns name, skus,
  categories, material, and ``sale``: "onsale"/"offsale", "instock", the stock countries' codes
  and, for an in-stock product, "instock<country>" per stock country (migration 0011), kept by a
  trigger on the product row; prefix indexes for 2-8 characters so a partial word reads one
  stored doclist).
- PostgreSQL: ``catalog_product.search_vector`` (tsvector, ``simple`` configuration, weights A
  name and SKUs / B categories / C material; GIN) for the tiers, and ``search_keys`` (text[],
  GIN; its lexemes, name lexemes, adjacent name-word pairs and the markers, kept by a trigger
  from the vector and the product's columns) that the keyword and marker conditions, counts and
  pages run on (``search_pg``: exact in the GIN index, no per-row tsquery recheck).

Relevance ("best match") is the same on both: three tiers (``relevance_tiers``: the words as a
phrase in the name or a SKU; every word in the name or SKUs; every word anywhere), newest first
(highest pk) within a tier. It is chosen over a statistical score (bm25 / ts_rank) because a
score has to be computed for every match before the best 20 are known, which at a million
products costs 60-180 ms for a common word; tiers let the page stop early (docs/benchmarks.md).
``test_search_engines`` replays one query set on both databases against a checked-in file.

Created by migrations ``0002_product_search``, ``0004`` and ``0006`` (each guarded by database
vendor), so the ``Product`` model does not declare them. Maintenance is explicit: every catalog
service that changes indexed text calls ``search_index_update(product_ids)`` in its
transaction; bulk loaders call ``search_index_rebuild()`` once after ``bulk_create``; the
markers follow the product row by trigger. No signals.

``product_search_ids`` is the same search without loading the products (their pks only), for
callers that need only which products match (store connection suggestions);
``product_search_pending`` gives the page before the count is known (a keyword search's count
runs on a second connection beside the page, ``search_aside``), for listV2, which reads the
page's products meanwhile.

Query shape: one full-text lookup joined to ``catalog_product`` on its primary key, the other
filters as plain predicates on the product row, ``ORDER BY … LIMIT``; then one ``IN`` fetch of
the page's products. Stock and country filters read the aggregates on the product row
(``stock_available``, ``stock_countries``) or the markers, never the stock table (only the
verified-warehouse and self-pickup filters still do). The count runs the same predicates as
``COUNT(*)``, bounded by ``count_cap`` when the caller only needs to know "up to N" (listV2 caps
totalRecords at 6000), on the index alone when every filter is in it. A relevance page on
SQLite is one query per tier, each ``ORDER BY rowid DESC LIMIT offset + limit``
(``_sqlite_tiered_page``); on PostgreSQL ``search_pg.relevance_page`` (or, with filters outside
the index, one query ordered by the tier ``CASE``).
"""

import re
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field

from django.db import connection, transaction

from . import search_aside, search_pg
from .models import Category, Product

FTS_TABLE = "catalog_product_fts"
SEARCH_VECTOR_COLUMN = "search_vector"
_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TOKENS = 8

SORTS = frozenset(
    {
        "relevance",
        "price_asc",
        "price_desc",
        "newest",
        "oldest",
        "listings",
        "listings_asc",
        "inventory",
        "inventory_asc",
    }
)

# Available shared stock in active warehouses, kept on the product row by the inventory
# services (``inventory.aggregates``), with the countries of those warehouses (",CN,US,").
_AVAILABLE_SQL = "p.stock_available"
_ORDER_BY = {
    "price_asc": "p.min_price_minor ASC, p.id ASC",
    "price_desc": "p.min_price_minor DESC, p.id DESC",
    "newest": "p.created_at DESC, p.id DESC",
    "oldest": "p.created_at ASC, p.id ASC",
    "listings": "p.listed_count DESC, p.id DESC",
    "listings_asc": "p.listed_count ASC, p.id ASC",
    "inventory": f"{_AVAILABLE_SQL} DESC, p.id DESC",
    "inventory_asc": f"{_AVAILABLE_SQL} ASC, p.id ASC",
}


def search_tokens(keyword: str) -> list[str]:
    """The lower-cased word tokens of a keyword (punctuation dropped), at most ``MAX_TOKENS``."""
    return [t.lower() for t in _TOKEN_RE.findall(keyword or "")][:MAX_TOKENS]


# The FTS5 columns a keyword searches (``sale`` holds the onsale/offsale marker, see _build).
TEXT_COLUMNS = "{name skus categories material}"
OFF_SALE = "sale : offsale"


def fts5_query(tokens: list[str]) -> str:
    """An FTS5 MATCH expression: every token as a quoted prefix in a text column, all required."""
    return TEXT_COLUMNS + " : (" + " ".join(f'"{token}"*' for token in tokens) + ")"


def tsquery_text(tokens: list[str]) -> str:
    """A ``to_tsquery('simple', …)`` expression: every token as a prefix, all required."""
    return " & ".join(f"{token}:*" for token in tokens)


def _vendor() -> str:
    return connection.vendor


# --- Index maintenance --------------------------------------------------------------------------

_SQLITE_DOCUMENT_SELECT = """
SELECT p.id, p.name,
       p.sku || ' ' || COALESCE(
           (SELECT group_concat(v.sku, ' ') FROM catalog_variant v WHERE v.product_id = p.id), ''),
       COALESCE(c3.name, '') || ' ' || COALESCE(c2.name, '') || ' ' || COALESCE(c1.name, ''),
       p.material,
       CASE WHEN p.is_on_sale THEN 'onsale' ELSE 'offsale' END
       || CASE WHEN p.stock_available > 0 THEN ' instock' ELSE '' END
       || replace(p.stock_countries, ',', ' ')
       || CASE WHEN p.stock_available > 0
               THEN replace(rtrim(p.stock_countries, ','), ',', ' instock') ELSE '' END
FROM catalog_product p
LEFT JOIN catalog_category c3 ON c3.id = p.category_id
LEFT JOIN catalog_category c2 ON c2.id = c3.parent_id
LEFT JOIN catalog_category c1 ON c1.id = c2.parent_id
WHERE p.private_for_id IS NULL
"""

_PG_UPDATE = f"""
UPDATE catalog_product p SET {SEARCH_VECTOR_COLUMN} = CASE WHEN p.private_for_id IS NOT NULL
    THEN ''::tsvector ELSE
    setweight(to_tsvector('simple', p.name), 'A')
    || setweight(to_tsvector('simple', p.sku || ' ' || COALESCE(
        (SELECT string_agg(v.sku, ' ') FROM catalog_variant v WHERE v.product_id = p.id), '')), 'A')
    || setweight(to_tsvector('simple', COALESCE(c3.name, '') || ' ' || COALESCE(c2.name, '')
        || ' ' || COALESCE(c1.name, '')), 'B')
    || setweight(to_tsvector('simple', p.material), 'C') END
FROM catalog_category c3
LEFT JOIN catalog_category c2 ON c2.id = c3.parent_id
LEFT JOIN catalog_category c1 ON c1.id = c2.parent_id
WHERE c3.id = p.category_id
"""

# The words a prefix expands into (search_pg); search_keys follow search_vector by trigger.
# Words are never removed: a stale one only expands into nothing.
_PG_WORDS = (
    "INSERT INTO catalog_search_word (word) SELECT DISTINCT u.lexeme "
    "FROM catalog_product p, unnest(p.search_vector) u {scope} ON CONFLICT DO NOTHING"
)

_CHUNK = 500


def search_index_update(product_ids: Iterable[int]) -> None:
    """Re-index these products (pks); products that no longer exist leave the index.

    Invariant after the call: each given product's index document matches its current name,
    SKUs, category path and material. Call it inside the writing transaction.
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            if _vendor() == "sqlite":
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE}(rowid, name, skus, categories, material, sale) "
                    f"{_SQLITE_DOCUMENT_SELECT} AND p.id IN ({marks})",
                    chunk,
                )
            elif _vendor() == "postgresql":
                cursor.execute(f"{_PG_UPDATE} AND p.id IN ({marks})", chunk)
                cursor.execute(_PG_WORDS.format(scope=f"WHERE p.id IN ({marks})"), chunk)


@transaction.atomic
def search_index_rebuild() -> None:
    """Rebuild the whole index from the catalog tables (after bulk loads); one statement each.

    Invariant after the call: the index holds exactly one document per product.
    """
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, name, skus, categories, material, sale) "
                f"{_SQLITE_DOCUMENT_SELECT}"
            )
        elif _vendor() == "postgresql":
            cursor.execute(_PG_UPDATE)
            cursor.execute(_PG_WORDS.format(scope=""))
    search_index_merge()


def search_index_merge() -> None:
    """SQLite: merge the full-text index into one segment, after a bulk rebuild or after a
    whole-catalog write that rewrote many documents (the stock markers of
    ``inventory.aggregates.product_stock_rebuild``). FTS5 searches each segment apart. At a
    million products (docs/benchmarks.md, 2026-12-07, session 14): the stock rebuild left 7
    segments, and merging them took capped keyword counts from 0.88 / 7.33 to 0.64 / 2.96 ms
    p50 / p95; a second rewrite of 750,000 documents (catalog migration 0011) left counts twice
    as slow until merged. A no-op on PostgreSQL."""
    if _vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


def search_index_category_update(category: Category) -> None:
    """Re-index every product under ``category`` (any level), e.g. after a rename."""
    ids = category_descendant_ids(category.pk)
    search_index_update(Product.objects.filter(category_id__in=ids).values_list("pk", flat=True))


# --- Query --------------------------------------------------------------------------------------


def category_descendant_ids(category_id: int) -> list[int]:
    """``category_id`` and every category below it (the tree is at most three levels deep)."""
    ids = [category_id]
    frontier = [category_id]
    for _ in range(2):
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        if not frontier:
            break
        ids.extend(frontier)
    return ids


@dataclass(frozen=True)
class _Sql:
    from_clause: str
    where: list[str]
    params: list
    rank: str | None
    # SQLite keyword searches: appended to every MATCH expression (the off-sale exclusion and
    # the stock / country markers).
    match_suffix: str = ""
    # PostgreSQL keyword searches on search_keys: each token's indexed words, and the markers.
    pg_words: list[list[str]] | None = None
    pg_marks: list[str] = field(default_factory=list)
    # The count answered by the index alone, when every filter is in it: an FTS5 MATCH
    # expression (SQLite) or each token's words and the markers (PostgreSQL,
    # ``search_pg.keys_count``: on the doc rows when on sale).
    count_match: str | None = None
    count_keys: tuple[list[list[str]], list[str]] | None = None
    # PostgreSQL, a country without a keyword: (country, on sale only, in stock) counted from
    # the country rows' flag index (``_country_count``).
    count_country: tuple[str, bool, bool] | None = None


def _build(
    *,
    tokens: list[str],
    category_id: int | None,
    warehouse_country: str | None,
    min_price_minor: int | None,
    max_price_minor: int | None,
    in_stock: bool | None,
    on_sale_only: bool,
    product_type: str | None,
    supplier_id: int | None,
    product_types: list[str] | None = None,
    category_any_of: list[int] | None = None,
    has_video: bool | None = None,
    created_from=None,
    created_to=None,
    min_available: int | None = None,
    max_available: int | None = None,
    verified_warehouse: bool | None = None,
    self_pickup: bool = False,
    added_since=None,
    added_min: int = 1,
    idle_since=None,
) -> _Sql:
    """The FROM clause, predicates and rank of one search (see the query shape above).

    Every filter is a predicate on the product row or a correlated (``EXISTS`` / bounded
    aggregate) subquery keyed on ``p.id``; none filters rows in Python. Datetimes are aware.
    - ``product_types``: ``p.product_type`` in the list; ``category_any_of``: in any of these
      categories or their descendants; ``has_video``: ``video_url`` set / empty.
    - ``min_available`` / ``max_available``: total available shared stock (as ``_AVAILABLE_SQL``).
    - ``verified_warehouse`` True: available shared stock in a verified warehouse; False: some
      available shared stock, none of it verified. ``self_pickup``: available shared stock in a
      self-pickup warehouse.
    - ``added_since`` / ``added_min``: saved to My Products at least ``added_min`` times since.
    - ``idle_since``: neither saved to My Products nor ordered (any order line) since.
    """
    where: list[str] = []
    params: list = []
    rank = None
    match_suffix = ""
    pg_words = None
    from_clause = "catalog_product p"
    # Stock and country filters that the index holds as markers (see migration 0006).
    stock_mark = min_available == 1 or (in_stock is True and not warehouse_country)
    country = _country_code(warehouse_country) if in_stock is None else None
    if min_available == 1:
        min_available = None
    if in_stock is True and not warehouse_country:
        in_stock = None
    if country:
        warehouse_country = None
    # In stock and a country together are one SQLite marker (migration 0011): one doclist to
    # intersect with the keyword's instead of two that each span most of the catalog.
    if stock_mark and country:
        sqlite_marks = [f"instock{country.lower()}"]
    else:
        sqlite_marks = (["instock"] if stock_mark else []) + ([country.lower()] if country else [])
    pg_marks = search_pg.markers(on_sale=on_sale_only, in_stock=stock_mark, country=country)
    marks_in_index = False  # the keyword condition carries on-sale and the markers
    if tokens:
        if _vendor() == "sqlite":
            # CROSS JOIN fixes the join order in SQLite: the full-text match drives the loop.
            # Otherwise the planner may walk a product index (is_on_sale, price) and run the
            # MATCH once per product, which is catastrophic at scale.
            from_clause = f"{FTS_TABLE} f CROSS JOIN catalog_product p ON p.id = f.rowid"
            where.append(f"{FTS_TABLE} MATCH %s")
            # On sale, in stock and stock countries are decided inside FTS5 (the ``sale``
            # column's tokens), so a keyword search with only those filters never needs the
            # product row (see _fts_only).
            match_suffix = _fts_marks(sqlite_marks, on_sale_only)
            params.append(f"({fts5_query(tokens)}){match_suffix}")
            rank = "tiers"  # ordered by _sqlite_tiered_page, not by an ORDER BY expression
            marks_in_index = True
        else:
            with connection.cursor() as cursor:
                pg_words = search_pg.expansions(cursor, tokens)
            if pg_words is None:  # a token the keys cannot expand: the tsvector condition
                where.append(f"p.{SEARCH_VECTOR_COLUMN} @@ to_tsquery('simple', %s)")
                params.append(tsquery_text(tokens))
            else:
                key_where, key_params = search_pg.word_conditions(pg_words, pg_marks)
                where.extend(key_where)
                params.extend(key_params)
                marks_in_index = True
            rank = _pg_tier_order(tokens)
    if not marks_in_index:
        if on_sale_only:
            # SQLite (no ANALYZE statistics) would pick the low-selectivity is_on_sale index
            # and then sort every on-sale product; unary + keeps that index out so the sort's
            # index (created_at, price, listed_count) serves ORDER BY … LIMIT directly.
            where.append("+p.is_on_sale = %s" if _vendor() == "sqlite" else "p.is_on_sale = %s")
            params.append(True)
        if stock_mark:
            where.append("p.stock_available > 0")
        if country:
            where.append("p.stock_countries LIKE %s")
            params.append(f"%,{country},%")
    index_predicates = len(where)  # those so far are all in the index (markers, on sale)
    if category_id is not None:
        ids = category_descendant_ids(category_id)
        where.append(f"p.category_id IN ({', '.join(['%s'] * len(ids))})")
        params.extend(ids)
    if min_price_minor is not None:
        where.append("p.min_price_minor >= %s")
        params.append(min_price_minor)
    if max_price_minor is not None:
        where.append("p.min_price_minor <= %s")
        params.append(max_price_minor)
    if product_type:
        where.append("p.product_type = %s")
        params.append(product_type)
    if supplier_id is not None:
        where.append("p.supplier_id = %s")
        params.append(supplier_id)
    if warehouse_country or in_stock is not None:
        where_stock, stock_params = _stock_filter(warehouse_country, in_stock)
        where.append(where_stock)
        params.extend(stock_params)
    when = connection.ops.adapt_datetimefield_value
    if product_types:
        where.append(f"p.product_type IN ({', '.join(['%s'] * len(product_types))})")
        params.extend(product_types)
    if category_any_of:
        ids = sorted({pk for c in category_any_of for pk in category_descendant_ids(c)})
        where.append(f"p.category_id IN ({', '.join(['%s'] * len(ids))})")
        params.extend(ids)
    if has_video is not None:
        where.append("p.video_url <> %s" if has_video else "p.video_url = %s")
        params.append("")
    if created_from is not None:
        where.append("p.created_at >= %s")
        params.append(when(created_from))
    if created_to is not None:
        where.append("p.created_at <= %s")
        params.append(when(created_to))
    if min_available is not None:
        where.append(f"{_AVAILABLE_SQL} >= %s")
        params.append(min_available)
    if max_available is not None:
        where.append(f"{_AVAILABLE_SQL} <= %s")
        params.append(max_available)

    def available_in(condition: str) -> str:
        return (
            "EXISTS (SELECT 1 FROM inventory_stock s "
            "JOIN catalog_variant v ON v.id = s.variant_id "
            "JOIN inventory_warehouse w ON w.id = s.warehouse_id "
            "WHERE v.product_id = p.id AND s.merchant_id IS NULL AND w.is_active = %s "
            f"AND s.on_hand > s.reserved AND {condition})"
        )

    if verified_warehouse is True:
        where.append(available_in("w.is_verified = %s"))
        params.extend([True, True])
    elif verified_warehouse is False:
        where.append(
            f"{available_in('w.is_verified = %s')} AND NOT {available_in('w.is_verified = %s')}"
        )
        params.extend([True, False, True, True])
    if self_pickup:
        where.append(available_in("w.is_self_pickup = %s"))
        params.extend([True, True])
    if added_since is not None:
        where.append(
            "(SELECT COUNT(*) FROM catalog_myproduct m "
            "WHERE m.product_id = p.id AND m.created_at >= %s) >= %s"
        )
        params.extend([when(added_since), added_min])
    if idle_since is not None:
        where.append(
            "NOT EXISTS (SELECT 1 FROM catalog_myproduct m "
            "WHERE m.product_id = p.id AND m.created_at >= %s) "
            "AND NOT EXISTS (SELECT 1 FROM orders_orderline l "
            "JOIN orders_order o ON o.id = l.order_id "
            "JOIN catalog_variant v ON v.id = l.variant_id "
            "WHERE v.product_id = p.id AND o.created_at >= %s)"
        )
        params.extend([when(idle_since), when(idle_since)])
    count_match = count_keys = count_country = None
    if not tokens and len(where) == index_predicates and (stock_mark or country):
        if _vendor() == "sqlite":
            count_match = _fts_marks(sqlite_marks, on_sale_only).removeprefix(" AND ")
        elif country:
            count_country = (country, on_sale_only, stock_mark)
        else:
            count_keys = ([], pg_marks)
    elif pg_words is not None and len(where) == index_predicates:
        count_keys = (pg_words, pg_marks)
    if not tokens:
        # Private products (``Product.private_for``) have no search document, so a keyword
        # never finds them; without a keyword the page reads the product rows, and this
        # predicate keeps them out (after the index-only counts above were chosen: those count
        # the markers, which private products keep, so a bare count may include them).
        # Unary + keeps SQLite off the private_for index (almost every row is NULL there).
        plus = "+" if _vendor() == "sqlite" else ""
        where.append(f"{plus}p.private_for_id IS NULL")
    return _Sql(
        from_clause=from_clause,
        where=where,
        params=params,
        rank=rank,
        match_suffix=match_suffix,
        pg_words=pg_words if len(where) == index_predicates else None,
        pg_marks=pg_marks,
        count_match=count_match,
        count_keys=count_keys,
        count_country=count_country,
    )


def _country_code(country: str | None) -> str | None:
    """The upper-case ISO code, or None when absent or not two ASCII letters."""
    code = (country or "").strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


def _fts_marks(marks: list[str], on_sale_only: bool) -> str:
    """The FTS5 suffix requiring the ``sale`` column's markers (and excluding off-sale)."""
    required = "".join(f' AND (sale : "{mark}")' for mark in marks)
    return required + (f" NOT ({OFF_SALE})" if on_sale_only else "")


def _stock_filter(warehouse_country: str | None, in_stock: bool | None) -> tuple[str, list]:
    """The country / in-stock predicate, read from the stock aggregates (``inventory.aggregates``).

    A country alone is a test on the product row's country list (any shared stock row in an
    active warehouse there, even sold out); with ``in_stock`` it asks the per-country row for
    available units; ``in_stock`` alone compares the product's total.
    """
    if warehouse_country:
        country = _country_code(warehouse_country)
        if country is None:
            return "1 = 0", []  # no such country: no match (and nothing for LIKE to expand)
        if in_stock is None:
            return "p.stock_countries LIKE %s", [f"%,{country},%"]
        exists = (
            "EXISTS (SELECT 1 FROM inventory_productcountrystock c "
            "WHERE c.product_id = p.id AND c.country = %s AND c.available > 0)"
        )
        return (exists if in_stock else f"NOT {exists}"), [country]
    return ("p.stock_available > 0" if in_stock else "p.stock_available = 0"), []


@dataclass(frozen=True)
class PendingSearch:
    """A search's page as read, its count perhaps still running beside it (``search_aside``).

    ``page_ids`` may be used at once (a caller loads those products while the count runs);
    ``result()`` waits for the count and gives ``(total, ids)``: ``ids`` is ``page_ids``, or
    empty when the (capped) count says the page lies past the total. A caller must call it: a
    failed count raises there."""

    page_ids: list[int]
    offset: int
    total: Future[int] | int

    def result(self) -> tuple[int, list[int]]:
        total = self.total if isinstance(self.total, int) else self.total.result()
        return total, (self.page_ids if self.offset < total else [])


def product_search_pending(
    *,
    keyword: str = "",
    category_id: int | None = None,
    warehouse_country: str | None = None,
    min_price_minor: int | None = None,
    max_price_minor: int | None = None,
    in_stock: bool | None = None,
    sort: str = "relevance",
    on_sale_only: bool = True,
    product_type: str | None = None,
    supplier_id: int | None = None,
    product_types: list[str] | None = None,
    category_any_of: list[int] | None = None,
    has_video: bool | None = None,
    created_from=None,
    created_to=None,
    min_available: int | None = None,
    max_available: int | None = None,
    verified_warehouse: bool | None = None,
    self_pickup: bool = False,
    added_since=None,
    added_min: int = 1,
    idle_since=None,
    offset: int = 0,
    limit: int = 20,
    count_cap: int | None = None,
) -> PendingSearch:
    """Search the catalog: the page of product pks in the requested order and the total,
    without loading the products (one or two indexed queries; ``product_search_ids`` waits for
    both, ``product_search`` also loads the products).

    - ``keyword``: every word must match as a word prefix in name, SKUs, category names or
      material ("blue ted" finds "Blue Teddy Bear"); empty means no text condition.
    - ``category_id`` includes its descendants; ``warehouse_country`` keeps products with
      shared (non-private) stock rows in an active warehouse of that country; ``in_stock``
      True/False keeps products with/without available stock (there, if a country is given).
    - price bounds compare the product's lowest variant price (``min_price_minor``).
    - ``sort``: one of ``SORTS``; "relevance" without a keyword falls back to "newest".
    - ``count_cap``: count at most this many matches (the total is then ``min(real, cap)``).
    - listV2 filters (each a predicate, see ``_build``): ``product_types``, ``category_any_of``
      (union of these categories' subtrees, ANDed with ``category_id``), ``has_video``,
      ``created_from``/``created_to`` (aware datetimes, inclusive), ``min_available``/
      ``max_available`` (total available shared stock), ``verified_warehouse``,
      ``self_pickup``, ``added_since``/``added_min`` (My Products saves) and ``idle_since``.
    """
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    tokens = search_tokens(keyword)
    sql = _build(
        tokens=tokens,
        category_id=category_id,
        warehouse_country=warehouse_country,
        min_price_minor=min_price_minor,
        max_price_minor=max_price_minor,
        in_stock=in_stock,
        on_sale_only=on_sale_only,
        product_type=product_type,
        supplier_id=supplier_id,
        product_types=product_types,
        category_any_of=category_any_of,
        has_video=has_video,
        created_from=created_from,
        created_to=created_to,
        min_available=min_available,
        max_available=max_available,
        verified_warehouse=verified_warehouse,
        self_pickup=self_pickup,
        added_since=added_since,
        added_min=added_min,
        idle_since=idle_since,
    )
    where = f" WHERE {' AND '.join(sql.where)}" if sql.where else ""
    order_params: list = []
    if sort == "relevance" and sql.rank:
        order = sql.rank
        if _vendor() == "postgresql":
            order_params.extend(_pg_tier_params(tokens))
    else:
        order = _ORDER_BY["newest" if sort == "relevance" else sort]
    # A keyword page does not need the count: it may run beside it (search_aside).
    aside = (
        search_aside.count_aside(_count, sql, where, count_cap)
        if limit > 0 and tokens and search_aside.count_aside_possible()
        else None
    )
    with connection.cursor() as cursor:
        known = None
        if aside is None:
            counted = _count(cursor, sql, where, count_cap)
            if limit <= 0 or offset >= counted:
                return PendingSearch([], offset, counted)
            # The count is exact when it did not reach the cap.
            known = counted if count_cap is None or counted < count_cap else None
        if sort == "relevance" and sql.rank and _vendor() == "sqlite":
            ids = _sqlite_tiered_page(cursor, sql, tokens, offset, limit, known_total=known)
        elif sort == "relevance" and sql.pg_words is not None:
            ids = search_pg.relevance_page(
                cursor, tokens, sql.pg_words, sql.pg_marks, offset, limit, known_total=known
            )
        else:
            cursor.execute(
                f"SELECT p.id FROM {sql.from_clause}{where} ORDER BY {order} LIMIT %s OFFSET %s",
                [*sql.params, *order_params, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
    return PendingSearch(ids, offset, counted if aside is None else aside)


def _resolved[**P](search: Callable[P, PendingSearch]) -> Callable[P, tuple[int, list[int]]]:
    """``search`` waiting for its count: ``(total, page of product pks)``."""

    def run(*args: P.args, **kwargs: P.kwargs) -> tuple[int, list[int]]:
        return search(*args, **kwargs).result()

    return run


# ``product_search_pending``'s search as ``(total, page of product pks)``.
product_search_ids = _resolved(product_search_pending)


def _count(cursor, sql: _Sql, where: str, cap: int | None) -> int:
    """The number of matches (at most ``cap``): on the full-text index alone when every filter
    is in it, else the search's own predicates."""
    limit = "" if cap is None else " LIMIT %s"
    capped = [] if cap is None else [cap]
    if sql.count_country is not None:
        return _country_count(cursor, *sql.count_country, cap)
    if sql.count_keys is not None:  # PostgreSQL
        return search_pg.keys_count(cursor, *sql.count_keys, cap)
    if sql.count_match is not None:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{limit})",
            [sql.count_match, *capped],
        )
    else:
        count_from = f"{FTS_TABLE} f" if _fts_only(sql) else sql.from_clause
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {count_from}{where}{limit}) AS m",
            [*sql.params, *capped],
        )
    return cursor.fetchone()[0]


def _country_count(cursor, country: str, on_sale: bool, in_stock: bool, cap: int | None) -> int:
    """Products with shared stock in ``country`` (on sale, in stock when asked), at most ``cap``,
    from the country rows' (country, product_on_sale, product_in_stock) index: an index-only
    scan, where the ``~c:`` marker's count visited up to ``cap`` product rows (2.4-3.5x the
    unfiltered listV2 at a million products, docs/benchmarks.md)."""
    where = ["c.country = %s"] + (["c.product_on_sale"] if on_sale else [])
    where += ["c.product_in_stock"] if in_stock else []
    limit = "" if cap is None else " LIMIT %s"
    cursor.execute(
        "SELECT COUNT(*) FROM (SELECT FROM inventory_productcountrystock c "
        f"WHERE {' AND '.join(where)}{limit}) AS m",
        [country, *([] if cap is None else [cap])],
    )
    return cursor.fetchone()[0]


def _products_loaded[**P](
    search: Callable[P, tuple[int, list[int]]],
) -> Callable[P, tuple[int, list[Product]]]:
    """``search`` with its page of product pks loaded as products (same parameters)."""

    def run(*args: P.args, **kwargs: P.kwargs) -> tuple[int, list[Product]]:
        total, ids = search(*args, **kwargs)
        by_pk = _load(ids)
        return total, [by_pk[pk] for pk in ids if pk in by_pk]

    return run


# The catalog search with products loaded: ``product_search_ids``' parameters and rules,
# products in the requested order with category path and supplier loaded and variants/images
# prefetched.
product_search = _products_loaded(product_search_ids)


def relevance_tiers(tokens: list[str]) -> list[str]:
    """The relevance tiers of a keyword as FTS5 ``MATCH`` expressions, best tier first.

    1. (two or more words) the words as a phrase, last one a prefix, in the name or a SKU;
    2. every word (as a prefix) in the name or SKUs;
    3. every word anywhere (name, SKUs, category path, material).

    Each tier contains the ones before it, so excluding the one just before (``NOT``) puts every
    match in exactly one tier.
    """
    words = " ".join(f'"{token}"*' for token in tokens)
    tiers = [f"{{name skus}} : ({words})", fts5_query(tokens)]
    if len(tokens) > 1:
        tiers.insert(0, '{name skus} : "' + " ".join(tokens) + '"*')
    return [
        f"({tier}) NOT ({tiers[index - 1]})" if index else f"({tier})"
        for index, tier in enumerate(tiers)
    ]


def _sqlite_tiered_page(
    cursor, sql: _Sql, tokens: list[str], offset: int, limit: int, *, known_total: int | None
) -> list[int]:
    """The relevance page on SQLite: tier by tier, newest first within a tier.

    Each tier is one FTS5 query ``ORDER BY rowid DESC LIMIT n`` joined to the product row for
    the other filters. FTS5 walks its doclists in rowid order and stops after ``n`` rows pass,
    so a page costs about ``offset + limit`` lookups, however many products match. Scoring
    every match instead (``bm25``) must visit all of them: 60-180 ms for a word matching
    100k+ of a million products (docs/benchmarks.md). A later tier is read only when the
    earlier ones hold fewer than ``offset + limit`` matches, and not at all once every match
    (``known_total``, when the count was exact) has been found.
    """
    need = offset + limit
    rest = sql.where[1:]  # sql.where[0] is the MATCH (see _build); the rest are product filters
    rest_sql = "".join(f" AND {predicate}" for predicate in rest)
    from_clause = f"{FTS_TABLE} f" if _fts_only(sql) else sql.from_clause
    found: list[int] = []
    for index, expression in enumerate(relevance_tiers(tokens)):
        if index == 0 and len(tokens) > 1 and (rest or _MARKED in sql.match_suffix):
            # An empty phrase tier costs a scan of the words' whole intersection; with the
            # markers or product filters added it costs about twice that (measured,
            # docs/benchmarks.md 2026-12-06). The bare phrase answers "none at all" for less,
            # and a phrase that exists is found at once.
            cursor.execute(
                f"SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT 1", [expression]
            )
            if cursor.fetchone() is None:
                continue
        cursor.execute(
            f"SELECT f.rowid FROM {from_clause} WHERE {FTS_TABLE} MATCH %s{rest_sql} "
            "ORDER BY f.rowid DESC LIMIT %s",
            [f"({expression}){sql.match_suffix}", *sql.params[1:], need - len(found)],
        )
        found.extend(row[0] for row in cursor.fetchall())
        if len(found) >= need or (known_total is not None and len(found) >= known_total):
            break
    return found[offset:need]


# The start of a required marker in a SQLite match suffix (``_fts_marks``).
_MARKED = " AND (sale : "


def _fts_only(sql: _Sql) -> bool:
    """True when a SQLite search is its MATCH alone (no predicate needs the product row)."""
    return sql.rank == "tiers" and len(sql.where) == 1


def _pg_tier_order(tokens: list[str]) -> str:
    """PostgreSQL ORDER BY for the same tiers as ``relevance_tiers`` (weight A = name, SKUs)."""
    phrase = f"WHEN p.{SEARCH_VECTOR_COLUMN} @@ to_tsquery('simple', %s) THEN 0 "
    every = f"WHEN p.{SEARCH_VECTOR_COLUMN} @@ to_tsquery('simple', %s) THEN 1 "
    whens = (phrase if len(tokens) > 1 else "") + every
    return f"CASE {whens}ELSE 2 END ASC, p.id DESC"


def _pg_tier_params(tokens: list[str]) -> list[str]:
    every = " & ".join(f"{token}:*A" for token in tokens)
    if len(tokens) == 1:
        return [every]
    phrase = " <-> ".join([*(f"{token}:A" for token in tokens[:-1]), f"{tokens[-1]}:*A"])
    return [phrase, every]


def _load(ids: list[int]) -> dict[int, Product]:
    queryset = Product.objects.select_related(
        "category__parent__parent", "supplier"
    ).prefetch_related("variants", "images")
    return queryset.in_bulk(ids)
