"""Catalog full-text search behind one selector, on SQLite (FTS5) and PostgreSQL (tsvector).

Index: one document per product = name, product SKU + variant SKUs, the names of its category
path (all three levels) and material.

- SQLite: the FTS5 table ``catalog_product_fts`` (rowid = product pk; columns name, skus,
  categories, material; ``prefix='2 3'`` for fast partial words), ranked by ``bm25``.
- PostgreSQL: the column ``catalog_product.search_vector`` (tsvector, ``simple`` configuration,
  weights A name and SKUs / B categories / C material) with a GIN index, ranked by ``ts_rank``.

Both are created by migration ``0002_product_search`` (each guarded by database vendor), so
the ``Product`` model does not declare them. Maintenance is explicit: every catalog service
that changes indexed text calls ``search_index_update(product_ids)`` in its transaction; bulk
loaders call ``search_index_rebuild()`` once after ``bulk_create``. No signals.

Query shape (both databases): one full-text lookup joined to ``catalog_product`` on its primary
key, the other filters as plain predicates on the product row (plus an ``EXISTS`` on stock for
warehouse-country / in-stock filters), ``ORDER BY … LIMIT``; then one ``IN`` fetch of the page's
products. The count runs the same predicates as ``COUNT(*)``, bounded by ``count_cap`` when the
caller only needs to know "up to N" (listV2 caps totalRecords at 6000). On SQLite a relevance
page with no filters beyond on-sale first ranks a bounded prefix of the matches in FTS5 alone
and joins only that prefix (``_sqlite_ranked_prefix``), falling back to the full ranked join
when the prefix may not hold the whole page.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from .models import Category, Product

FTS_TABLE = "catalog_product_fts"
SEARCH_VECTOR_COLUMN = "search_vector"
# bm25 column weights: name, skus, categories, material (FTS5 ranks lower = better).
_BM25 = f"bm25({FTS_TABLE}, 10.0, 8.0, 3.0, 1.0)"
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

_AVAILABLE_SQL = (
    "(SELECT COALESCE(SUM(s.on_hand - s.reserved), 0) FROM inventory_stock s "
    "JOIN catalog_variant v ON v.id = s.variant_id "
    "JOIN inventory_warehouse w ON w.id = s.warehouse_id "
    "WHERE v.product_id = p.id AND s.merchant_id IS NULL AND w.is_active)"
)
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


def fts5_query(tokens: list[str]) -> str:
    """An FTS5 MATCH expression: every token as a quoted prefix, all required."""
    return " ".join(f'"{token}"*' for token in tokens)


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
       p.material
FROM catalog_product p
LEFT JOIN catalog_category c3 ON c3.id = p.category_id
LEFT JOIN catalog_category c2 ON c2.id = c3.parent_id
LEFT JOIN catalog_category c1 ON c1.id = c2.parent_id
"""

_PG_UPDATE = f"""
UPDATE catalog_product p SET {SEARCH_VECTOR_COLUMN} =
    setweight(to_tsvector('simple', p.name), 'A')
    || setweight(to_tsvector('simple', p.sku || ' ' || COALESCE(
        (SELECT string_agg(v.sku, ' ') FROM catalog_variant v WHERE v.product_id = p.id), '')), 'A')
    || setweight(to_tsvector('simple', COALESCE(c3.name, '') || ' ' || COALESCE(c2.name, '')
        || ' ' || COALESCE(c1.name, '')), 'B')
    || setweight(to_tsvector('simple', p.material), 'C')
FROM catalog_category c3
LEFT JOIN catalog_category c2 ON c2.id = c3.parent_id
LEFT JOIN catalog_category c1 ON c1.id = c2.parent_id
WHERE c3.id = p.category_id
"""

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
                    f"INSERT INTO {FTS_TABLE}(rowid, name, skus, categories, material) "
                    f"{_SQLITE_DOCUMENT_SELECT} WHERE p.id IN ({marks})",
                    chunk,
                )
            elif _vendor() == "postgresql":
                cursor.execute(f"{_PG_UPDATE} AND p.id IN ({marks})", chunk)


@transaction.atomic
def search_index_rebuild() -> None:
    """Rebuild the whole index from the catalog tables (after bulk loads); one statement each.

    Invariant after the call: the index holds exactly one document per product.
    """
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, name, skus, categories, material) "
                f"{_SQLITE_DOCUMENT_SELECT}"
            )
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        elif _vendor() == "postgresql":
            cursor.execute(_PG_UPDATE)


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
) -> _Sql:
    where: list[str] = []
    params: list = []
    rank = None
    from_clause = "catalog_product p"
    if tokens:
        if _vendor() == "sqlite":
            # CROSS JOIN fixes the join order in SQLite: the full-text match drives the loop.
            # Otherwise the planner may walk a product index (is_on_sale, price) and run the
            # MATCH once per product, which is catastrophic at scale.
            from_clause = f"{FTS_TABLE} f CROSS JOIN catalog_product p ON p.id = f.rowid"
            where.append(f"{FTS_TABLE} MATCH %s")
            params.append(fts5_query(tokens))
            rank = f"{_BM25} ASC, p.id DESC"
        else:
            from_clause = "catalog_product p"
            where.append(f"p.{SEARCH_VECTOR_COLUMN} @@ to_tsquery('simple', %s)")
            params.append(tsquery_text(tokens))
            rank = f"ts_rank(p.{SEARCH_VECTOR_COLUMN}, to_tsquery('simple', %s)) DESC, p.id DESC"
    if on_sale_only:
        # SQLite (no ANALYZE statistics) would pick the low-selectivity is_on_sale index and
        # then sort every on-sale product; unary + keeps that index out so the sort's index
        # (created_at, price, listed_count) serves ORDER BY … LIMIT directly.
        where.append("+p.is_on_sale = %s" if _vendor() == "sqlite" else "p.is_on_sale = %s")
        params.append(True)
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
        stock_where = [
            "v.product_id = p.id",
            "s.merchant_id IS NULL",
            "w.is_active = %s",
        ]
        stock_params: list = [True]
        if warehouse_country:
            stock_where.append("w.country = %s")
            stock_params.append(warehouse_country.upper())
        if in_stock is not None:
            stock_where.append("s.on_hand > s.reserved")
        exists = (
            "EXISTS (SELECT 1 FROM inventory_stock s "
            "JOIN catalog_variant v ON v.id = s.variant_id "
            "JOIN inventory_warehouse w ON w.id = s.warehouse_id "
            f"WHERE {' AND '.join(stock_where)})"
        )
        where.append(f"NOT {exists}" if in_stock is False else exists)
        params.extend(stock_params)
    return _Sql(from_clause=from_clause, where=where, params=params, rank=rank)


def product_search(
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
    offset: int = 0,
    limit: int = 20,
    count_cap: int | None = None,
) -> tuple[int, list[Product]]:
    """Search the catalog: ``(total, page of products)`` in the requested order.

    - ``keyword``: every word must match as a word prefix in name, SKUs, category names or
      material ("blue ted" finds "Blue Teddy Bear"); empty means no text condition.
    - ``category_id`` includes its descendants; ``warehouse_country`` keeps products with
      shared (non-private) stock rows in an active warehouse of that country; ``in_stock``
      True/False keeps products with/without available stock (there, if a country is given).
    - price bounds compare the product's lowest variant price (``min_price_minor``).
    - ``sort``: one of ``SORTS``; "relevance" without a keyword falls back to "newest".
    - ``count_cap``: count at most this many matches (the total is then ``min(real, cap)``).

    Products come with category path and supplier loaded and variants/images prefetched.
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
    )
    where = f" WHERE {' AND '.join(sql.where)}" if sql.where else ""
    order_params: list = []
    if sort == "relevance" and sql.rank:
        order = sql.rank
        if _vendor() == "postgresql":
            order_params.append(tsquery_text(tokens))
    else:
        order = _ORDER_BY["newest" if sort == "relevance" else sort]
    with connection.cursor() as cursor:
        if count_cap is not None:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {sql.from_clause}{where} LIMIT %s) AS m",
                [*sql.params, count_cap],
            )
        else:
            cursor.execute(f"SELECT COUNT(*) FROM {sql.from_clause}{where}", sql.params)
        total = cursor.fetchone()[0]
        if limit <= 0 or offset >= total:
            return total, []
        ids = None
        if sort == "relevance" and sql.rank and _vendor() == "sqlite" and len(sql.where) <= 2:
            # Keyword-only (plus on-sale) relevance page: rank a bounded prefix in FTS5 alone.
            exact_total = count_cap is None or total < count_cap
            ids = _sqlite_ranked_prefix(cursor, sql, offset, limit, total, exact_total)
        if ids is None:
            cursor.execute(
                f"SELECT p.id FROM {sql.from_clause}{where} ORDER BY {order} LIMIT %s OFFSET %s",
                [*sql.params, *order_params, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
    by_pk = _load(ids)
    return total, [by_pk[pk] for pk in ids if pk in by_pk]


_CANDIDATES_MIN = 200


def _sqlite_ranked_prefix(
    cursor, sql: _Sql, offset: int, limit: int, total: int, exact_total: bool
) -> list[int] | None:
    """The relevance page from a bounded, FTS-only ranked prefix; None when it may be short.

    Ranking with the join to ``catalog_product`` looks up the product row of every match before
    keeping the top N (for a common word, 100k+ primary-key lookups). Here FTS5 ranks its own
    matches and keeps the best ``k`` (ordered by score, then rowid descending — exactly the
    full query's order, since rowid is the product pk); only those ``k`` are joined and
    filtered. Filtering preserves order, so the filtered prefix is the full query's prefix: the
    page is exact when the prefix holds ``offset + limit`` rows, or all matches (``total`` when
    it is an exact count). Otherwise the caller runs the full query.
    """
    need = offset + limit
    k = max(_CANDIDATES_MIN, 4 * need)
    rest = sql.where[1:]  # sql.where[0] is the MATCH (see _build); the rest are product filters
    rest_where = f" WHERE {' AND '.join(rest)}" if rest else ""
    cursor.execute(
        f"SELECT p.id FROM (SELECT rowid AS rid, {_BM25} AS score FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH %s ORDER BY score ASC, rowid DESC LIMIT %s) AS c "
        f"CROSS JOIN catalog_product p ON p.id = c.rid{rest_where} "
        "ORDER BY c.score ASC, p.id DESC LIMIT %s",
        [sql.params[0], k, *sql.params[1:], need],
    )
    found = [row[0] for row in cursor.fetchall()]
    if len(found) >= need or (exact_total and len(found) >= total):
        return found[offset:]
    return None


def _load(ids: list[int]) -> dict[int, Product]:
    queryset = Product.objects.select_related(
        "category__parent__parent", "supplier"
    ).prefetch_related("variants", "images")
    return queryset.in_bulk(ids)
