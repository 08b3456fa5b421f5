"""PostgreSQL keyword search on ``search_keys`` (catalog migration 0006): the exact GIN index.

Why (docs/benchmarks.md, "PostgreSQL search redesign"): the ``ORDER BY <tier CASE>`` page read
and ranked every match (114,000 rows for "phone" at a million products), and ``tsvector @@``
is rechecked on the heap row by row. The array keys are exact in the GIN index (no recheck,
no tsquery evaluation per row); PostgreSQL 15 still visits the heap row of each counted match
(measured: the bitmap scan does not skip all-visible pages here), so a capped count costs up
to ``cap`` row visits, and the page costs a short walk of the newest products.

- A keyword token matches the product when one of its lexemes starts with the token: the token
  is expanded into the indexed words with that prefix (``catalog_search_word``), and the product
  must hold one of them (``search_keys && ARRAY[…]``) — exactly what ``token:*`` asks of the
  tsvector. A token of one character, or with more than ``MAX_EXPANSION`` words, keeps the
  tsvector condition (``expansions`` answers None).
- Markers: ``~sale`` (on sale), ``~stock`` (available shared stock), ``~c:<country>`` (shared
  stock in an active warehouse there), kept by a trigger from the product's columns.
- Relevance page (``relevance_page``): the same tiers as SQLite (phrase in name/SKUs, every word
  in name/SKUs, every word anywhere; newest first within a tier), computed on the tsvector for
  the newest ``WALK`` products only; a tier is completed from older products only when the walk
  held too few of it, did not hold every match (the caller's exact count, when it has one) and
  the index says older ones exist (``n:`` name keys, ``p:`` adjacent name-word pairs), so a page
  costs one short index walk plus a few capped counts.
- On-sale searches (every listV2) count on the narrow doc rows instead (``catalog_searchdoc``,
  migration 0009: words and stock / country markers only, ``keys_count``).
- The count and the page are independent reads: outside a transaction the count runs on a
  second connection while the request reads the page (``search_aside``).
"""

from psycopg.pq import TransactionStatus

from .models import Product

MAX_EXPANSION = 100
WALK = 4000
# How many times the expected number of rows a tier completion first looks back for
# (``_older_of_tier``).
RANGE_MARGIN = 2.0
# Past every character a token can hold: the upper bound of a prefix range in C collation.
_TOP = chr(0x10FFFF)
SEARCH_KEYS = "search_keys"


def expansions(cursor, tokens: list[str]) -> list[list[str]] | None:
    """Per token, the indexed words it is a prefix of (possibly none), in one query; None when
    some token cannot be expanded cheaply (one character, or more than ``MAX_EXPANSION``
    words)."""
    if any(len(token) < 2 for token in tokens):
        return None
    cursor.execute(
        "SELECT t.i, w.word FROM unnest(%s::text[]) WITH ORDINALITY AS t(token, i) "
        "CROSS JOIN LATERAL (SELECT word FROM catalog_search_word "
        "WHERE word >= t.token AND word < t.token || %s ORDER BY word LIMIT %s) AS w",
        [tokens, _TOP, MAX_EXPANSION + 1],
    )
    found: list[list[str]] = [[] for _ in tokens]
    for index, word in cursor.fetchall():
        found[index - 1].append(word)
    if any(len(words) > MAX_EXPANSION for words in found):
        return None
    return found


def markers(*, on_sale: bool, in_stock: bool, country: str | None) -> list[str]:
    return (
        (["~sale"] if on_sale else [])
        + (["~stock"] if in_stock else [])
        + ([f"~c:{country}"] if country else [])
    )


def _overlaps(alias: str, keys: list[list[str]]) -> tuple[list[str], list]:
    return [f"{alias}.{SEARCH_KEYS} && %s::text[]" for _ in keys], list(keys)


def word_conditions(words: list[list[str]], marks: list[str], alias: str = "p"):
    """Every token matches somewhere, and every marker is held: (predicates, params)."""
    where, params = _overlaps(alias, words)
    if marks:
        where.append(f"{alias}.{SEARCH_KEYS} @> %s::text[]")
        params.append(marks)
    return where, params


def _tier_keys(tier: int, tokens: list[str], words: list[list[str]]) -> list[list[str]]:
    """Key groups (a product must hold a key of each) held by every product of ``tier`` or
    better: 2 any field (each token's words), 1 every word in the name/SKUs (``n:`` keys), 0
    also each adjacent pair of words there (``p:`` keys). Exact for tiers 2 and 1 and for the
    phrase tier of two words; for three words or more a superset of the phrase tier (adjacent
    pairs do not make a phrase)."""
    if tier == 2:
        return words
    name_keys = [[f"n:{w}" for w in group] for group in words]
    if tier == 0:
        pairs = [[f"p:{a} {b}"] for a, b in zip(tokens[:-2], tokens[1:-1], strict=True)]
        pairs.append([f"p:{tokens[-2]} {w}" for w in words[-1]])
        name_keys += pairs
    return name_keys


# Markers most products hold, as the product-row columns they are made of (migration 0007's
# catalog_search_markers). A GIN condition on one reads a posting list about as long as the
# catalog (every on-sale product) to narrow almost nothing: measured 10.6 of 11.6 ms for a
# name-word + country + stock candidate query at a million products, 3 ms without them.
_ROW_MARKS = {"~sale": "p.is_on_sale", "~stock": "p.stock_available > 0"}


def row_conditions(keys: list[list[str]], marks: list[str]) -> tuple[list[str], list]:
    """``word_conditions`` for a query on the product rows that reads each candidate row anyway:
    the rare markers (countries) in the index, the common ones checked on the row."""
    where, params = word_conditions(keys, [mark for mark in marks if mark not in _ROW_MARKS])
    return where + [_ROW_MARKS[mark] for mark in marks if mark in _ROW_MARKS], params


def tier_case(tokens: list[str], alias: str = "p") -> tuple[str, list[str]]:
    """``CASE`` giving a match's tier (0 phrase, 1 every word in A, 2 anywhere) on the tsvector,
    with its parameters; the tiers of ``search.relevance_tiers``."""
    vector = f"{alias}.search_vector"
    every = " & ".join(f"{token}:*A" for token in tokens)
    if len(tokens) == 1:
        return f"CASE WHEN {vector} @@ to_tsquery('simple', %s) THEN 1 ELSE 2 END", [every]
    phrase = " <-> ".join([*(f"{token}:A" for token in tokens[:-1]), f"{tokens[-1]}:*A"])
    return (
        f"CASE WHEN {vector} @@ to_tsquery('simple', %s) THEN 0 "
        f"WHEN {vector} @@ to_tsquery('simple', %s) THEN 1 ELSE 2 END",
        [phrase, every],
    )


def index_count(
    cursor, where: list[str], params: list, cap: int | None, *, force_bitmap: bool = True
) -> int:
    """``COUNT(*)`` of products meeting the index conditions ``where``, at most ``cap``.

    ``force_bitmap``: read it as a bitmap of the GIN index (then at most ``cap`` heap rows).
    For a keyword the planner otherwise walks the whole table for a common word, cheap by its
    estimate and not in practice (a word matching 1 % of a million products: 600,000 rows
    for 6000 matches). Plain scans are switched off for this statement only (``_counted``).
    Markers alone (no keyword) are left to the planner: "in stock" holds for most products,
    and a sequential scan finds 6000 of them sooner than a bitmap of all of them (measured,
    docs/benchmarks.md). On-sale searches count with ``doc_count`` instead.
    """
    sql = (
        f"SELECT COUNT(*) FROM (SELECT FROM {Product._meta.db_table} p "
        f"WHERE {' AND '.join(where)}{'' if cap is None else ' LIMIT %s'}) AS m"
    )
    arguments = [*params, *([] if cap is None else [cap])]
    return _counted(cursor, sql, arguments, bitmap=force_bitmap)


def keys_count(cursor, words: list[list[str]], marks: list[str], cap: int | None) -> int:
    """``COUNT(*)`` of products holding a key of each group of ``words`` (each token's words;
    none for a markers-only count) and every marker, at most ``cap``: an on-sale search
    (``~sale``) on the doc rows (``doc_count``), any other on the product rows
    (``index_count``). Words force a bitmap; markers alone are left to the planner."""
    if "~sale" in marks:
        return doc_count(cursor, words, marks, cap)
    where, params = word_conditions(words, marks)
    return index_count(cursor, where, params, cap, force_bitmap=bool(words))


DOC_TABLE = "catalog_searchdoc"
# A bitmap of a common word's matches (100,000+ products) outgrows the default 4 MB and turns
# lossy: every row of a lossy page is then rechecked. 32 MB keeps it exact at a million rows.
COUNT_WORK_MEM = "32MB"
# The settings of a bitmap count: no plain scans, exact bitmaps, partitions read in turn.
_COUNT_SETTINGS = {
    "enable_seqscan": "off",
    "enable_indexscan": "off",
    "work_mem": COUNT_WORK_MEM,
    "max_parallel_workers_per_gather": "0",
}


def doc_count(cursor, words: list[list[str]], marks: list[str], cap: int | None) -> int:
    """``COUNT(*)`` of on-sale products whose tokens all match (``words``: each token's indexed
    words) and that hold every marker, at most ``cap``: the ``index_count`` of an on-sale
    search, read from the narrow ``catalog_searchdoc`` rows (migration 0009) instead of the
    product rows. Same number by construction: a doc row exists exactly for each on-sale product
    with keys, and holds its words and stock / country markers (``~sale`` is implied). The
    table's hash partitions are read one after another until the cap is reached (an Append
    under the LIMIT; parallel plans, which would start every partition, are off for it).
    Words force a bitmap of the GIN index, as in ``index_count``; markers alone (no word) are
    left to the planner.
    """
    marks = [mark for mark in marks if mark != "~sale"]
    where = ["d.keys && %s::text[]" for _ in words] + (["d.keys @> %s::text[]"] if marks else [])
    params: list = [*words, *([marks] if marks else [])]
    sql = (
        f"SELECT COUNT(*) FROM (SELECT FROM {DOC_TABLE} d"
        f"{' WHERE ' + ' AND '.join(where) if where else ''}"
        f"{'' if cap is None else ' LIMIT %s'}) AS m"
    )
    return _counted(cursor, sql, [*params, *([] if cap is None else [cap])], bitmap=bool(words))


def _counted(cursor, sql: str, arguments: list, *, bitmap: bool) -> int:
    """Run a ``COUNT`` statement; with ``bitmap``, as a bitmap scan with ``COUNT_WORK_MEM``
    (session settings changed for this statement only and restored: ``SET LOCAL`` would
    outlive it in an outer transaction)."""
    if not bitmap:
        cursor.execute(sql, arguments)
        return cursor.fetchone()[0]
    names = list(_COUNT_SETTINGS)
    swaps = (f"current_setting('{name}'), set_config('{name}', %s, false)" for name in names)
    cursor.execute("SELECT " + ", ".join(swaps), list(_COUNT_SETTINGS.values()))
    saved = cursor.fetchone()[::2]
    try:
        cursor.execute(sql, arguments)
        return cursor.fetchone()[0]
    finally:
        # After an error inside a transaction the settings roll back with it (and no statement
        # may run until then); otherwise put them back.
        if cursor.connection.info.transaction_status != TransactionStatus.INERROR:
            cursor.execute(
                "SELECT " + ", ".join(f"set_config('{name}', %s, false)" for name in names),
                list(saved),
            )


def relevance_page(
    cursor,
    tokens: list[str],
    words: list[list[str]],
    marks: list[str],
    offset: int,
    limit: int,
    *,
    known_total: int | None = None,
) -> list[int]:
    """Product pks of one relevance page (tiers, newest first within a tier) of a keyword search
    whose every condition is in the index (see the module note). ``known_total``: the exact
    number of matches when the caller counted them all (not capped); a walk that met that many
    needs no completion from older products."""
    need = offset + limit
    where, params = word_conditions(words, marks)
    case, case_params = tier_case(tokens)
    tiers = [1, 2] if len(tokens) == 1 else [0, 1, 2]
    keys = {t: _tier_keys(t, tokens, words) for t in tiers}
    candidates = {t: word_conditions(keys[t], marks) for t in tiers if t < 2}
    flags = "".join(f", ({' AND '.join(c[0])}) AS c{t}" for t, c in candidates.items())
    flag_params = [p for c in candidates.values() for p in c[1]]
    # The walk's matches with their tiers and candidate flags, then one row (tier -1) with the
    # oldest pk walked and one (tier -2) with how many products the walk saw.
    cursor.execute(
        f"WITH w AS MATERIALIZED (SELECT id, search_vector, {SEARCH_KEYS} "
        f"FROM {Product._meta.db_table} ORDER BY id DESC LIMIT %s) "
        f"(SELECT p.id, {case} AS tier{flags} FROM w p WHERE {' AND '.join(where)} "
        "ORDER BY p.id DESC) "
        f"UNION ALL SELECT MIN(id), -1{', NULL' * len(candidates)} FROM w "
        f"UNION ALL SELECT COUNT(*), -2{', NULL' * len(candidates)} FROM w",
        [WALK, *case_params, *flag_params, *params],
    )
    rows = cursor.fetchall()
    oldest = next(row[0] for row in rows if row[1] == -1)
    scanned = next(row[0] for row in rows if row[1] == -2)
    walked = [row for row in rows if row[1] >= 0]  # already newest first
    # The walk saw every product, or every match.
    complete = scanned < WALK or (known_total is not None and len(walked) >= known_total)
    found: list[int] = []
    for tier in tiers:
        found += [row[0] for row in walked if row[1] == tier][: need - len(found)]
        if len(found) >= need:
            break
        if complete:
            continue
        # Older products of this tier exist only if the index holds more candidates for it
        # than the walk met (a count capped just past the walk's number: it visits at most that
        # many rows, where the candidates query visits every candidate; measured, dropping it
        # made the filtered keyword forms slower).
        column = 2 + tiers.index(tier) if tier < 2 else None
        in_walk = sum(1 for row in walked if column is None or row[column])
        cand_where, cand_params = row_conditions(keys[tier], marks)
        if tier == 2:  # the search's own conditions: on sale, the doc rows count them
            older = keys_count(cursor, words, marks, in_walk + 1)
        else:
            older = index_count(cursor, cand_where, cand_params, in_walk + 1)
        if older <= in_walk:
            continue
        found += _older_of_tier(
            cursor, (case, case_params), (cand_where, cand_params), tier,
            below=oldest, missing=need - len(found), density=max(in_walk, 1) / scanned,
        )  # fmt: skip
        if len(found) >= need:
            break
    return found[offset:need]


def _older_of_tier(
    cursor, case, candidates, tier: int, *, below: int, missing: int, density: float
) -> list[int]:
    """The newest ``missing`` products of ``tier`` among the candidates older than pk ``below``.

    Computing the tier reads the candidate's row, so reading all of them (thousands for a
    common word with a country) cost more than the rest of the request. The candidates are
    about as dense among older products as in the walk (``density``): first only the pk range
    that should hold ``RANGE_MARGIN`` times the number missing (the planner ANDs that range with
    the GIN bitmap), then, only if it held too few, everything older than that range.
    """
    (case_sql, case_params), (where, params) = case, candidates
    span = int(RANGE_MARGIN * missing / density) + 1
    ranges = [(below - span, below), (None, below - span)] if below - span > 0 else [(None, below)]
    found: list[int] = []
    for low, high in ranges:
        bounds = ["p.id < %s", *([] if low is None else ["p.id >= %s"])]
        cursor.execute(
            f"WITH c AS MATERIALIZED (SELECT p.id, {case_sql} AS tier "
            f"FROM {Product._meta.db_table} p WHERE {' AND '.join([*where, *bounds])}) "
            "SELECT id FROM c WHERE tier = %s ORDER BY id DESC LIMIT %s",
            [*case_params, *params, high, *([] if low is None else [low]), tier,
             missing - len(found)],
        )  # fmt: skip
        found += [row[0] for row in cursor.fetchall()]
        if len(found) >= missing:
            break
    return found
