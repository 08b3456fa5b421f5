"""Order intake: N orders through the service batch path and the CSV import beside raw SQL.

    .venv/bin/python bench/order_intake.py --database sqlite|postgres [--orders 100000]
        [--single 2000] [--round 5000] [--fresh] [--profile]

1. Into a throwaway database (SQLite ``/tmp/dropyard_intake.sqlite3`` or PostgreSQL
   ``dropyard_intake``) load the demo (``demo_load()``: accounts, the 2,000-product catalog,
   stock in 9 warehouses, rate cards for 60 countries) and generate ``--orders`` orders per path
   for the demo merchant: 1-3 lines each from on-sale demo variants (quantities 1-3), addresses
   in 12 countries with valid postcodes (and provinces where required), unique order numbers.
2. In rounds of ``--round`` orders, rotating which path goes first (so every path inserts into
   a table of about the same size), time:
   - **raw SQL**: the same order and line rows (address, number, code, public id, lines with
     variant, quantity and price snapshot) inserted with ``executemany`` (SQLite) or ``COPY``
     (PostgreSQL), ids taken from the sequence in one query; no validation, no routing, no
     parcels, events or audit: the floor for writing those rows;
   - **batch**: ``orders.services.orders_create_batch`` (its default ``chunk_size``, one
     transaction per chunk) with the items as the CSV import builds them;
   - **CSV**: a CSV file in the import layout (one row per line), stored as an upload
     (``core.services.job_create`` + ``csv_io.store_upload``) and imported by
     ``csv_io.import_run`` — the worker task's body: decode, parse, ``orders_create_batch`` in
     calls of ``csv_io.IMPORT_CHUNK`` orders, job progress after each, summary and error report;
   - **single** (``--single`` orders in total, spread over the rounds): ``order_create`` one
     order at a time, each in its own transaction.
   The batch, CSV and single paths do everything order creation does: field and address
   validation, variant look-up (on sale, price snapshot), duplicate-number check, routing
   (stock per warehouse, rate cards, the merchant's default lines, cheapest landed cost within
   the promise, one parcel per warehouse), the cost breakdown snapshot, PLANNED parcels with
   their lines, a "created" history row per order and the audit record (per chunk for the
   batch path, per order for ``order_create``). Stock is reserved at confirmation, not at
   creation, so none is reserved here.
   On PostgreSQL, ``ANALYZE`` runs before the first round and after each (not timed): the
   benchmark server runs with autovacuum off.
3. Print orders/s, ms/order and the ratio to raw SQL per path, and the load average before and
   after. ``--profile`` profiles one extra round of the batch path (cProfile, top functions).
"""

import argparse
import cProfile
import csv
import io
import os
import pstats
import random

from _common import Timer, configure, machine, say

# (country, province choices, city, postcode maker, phone prefix); postcodes match
# orders.address.POSTCODE_PATTERNS.
DESTINATIONS = (
    ("US", ("CA", "NY", "TX", "FL", "WA"), "Springfield", lambda r: f"{r.randint(10000, 99950)}",
     "+1 555"),
    ("US", ("IL", "GA", "OH"), "Riverside",
     lambda r: f"{r.randint(10000, 99950)}-{r.randint(1000, 9999)}", "+1 555"),
    ("GB", ("",), "London", lambda r: f"SW{r.randint(1, 20)} {r.randint(1, 9)}AA", "+44 20"),
    ("DE", ("",), "Berlin", lambda r: f"{r.randint(10115, 14199)}", "+49 30"),
    ("FR", ("",), "Paris", lambda r: f"750{r.randint(1, 20):02d}", "+33 1"),
    ("CA", ("ON", "BC", "QC"), "Toronto",
     lambda r: f"M{r.randint(1, 9)}B {r.randint(1, 9)}K{r.randint(1, 9)}", "+1 416"),
    ("AU", ("NSW", "VIC", "QLD"), "Sydney", lambda r: f"{r.randint(2000, 2999)}", "+61 2"),
    ("NL", ("",), "Amsterdam", lambda r: f"{r.randint(1011, 1109)} AB", "+31 20"),
    ("ES", ("Madrid", "Barcelona"), "Madrid", lambda r: f"280{r.randint(1, 55):02d}", "+34 91"),
    ("IT", ("RM", "MI"), "Roma", lambda r: f"001{r.randint(10, 99)}", "+39 06"),
    ("JP", ("Tokyo",), "Chiyoda", lambda r: f"100-{r.randint(1, 8000):04d}", "+81 3"),
    ("BR", ("SP", "RJ"), "Sao Paulo", lambda r: f"0{r.randint(1000, 9999)}-{r.randint(100, 999)}",
     "+55 11"),
    ("SE", ("",), "Stockholm", lambda r: f"1{r.randint(10, 99)} {r.randint(10, 99)}", "+46 8"),
)  # fmt: skip
FIRST = ("Emma", "Liam", "Sofia", "Noah", "Mia", "Lucas", "Chloe", "Mateo", "Aiko", "Lena")
LAST = ("Smith", "Garcia", "Muller", "Rossi", "Tanaka", "Silva", "Martin", "Jansen", "Berg")
STREETS = ("Main Street", "Oak Avenue", "Station Road", "Hauptstrasse", "Rue de la Paix")
PATHS = ("raw", "batch", "csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--orders", type=int, default=100_000, help="orders per timed path")
    parser.add_argument("--single", type=int, default=2000, help="orders through order_create")
    parser.add_argument("--round", type=int, default=5000, help="orders per path per round")
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database first")
    parser.add_argument("--profile", action="store_true", help="cProfile one batch round")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with Timer() as setup:
        version = configure(database=args.database, name="dropyard_intake", fresh=args.fresh)
    say(f"{version}; {machine()}; migrate {setup.seconds:.1f} s")
    say(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}")

    from django.contrib.auth import get_user_model  # noqa: PLC0415 - after configure()

    from dropyard.demo.loader import OWNER_EMAIL, demo_load  # noqa: PLC0415
    from dropyard.orders.models import Order  # noqa: PLC0415

    with Timer() as load:
        demo = demo_load()
    merchant = demo.merchant
    owner = get_user_model().objects.get(email=OWNER_EMAIL)
    say(f"demo: {demo.catalog_totals} (load {load.seconds:.1f} s)")
    run = f"{Order.objects.filter(merchant=merchant).count():07d}"  # numbers unique per run
    rng = random.Random(args.seed)
    variants = _variant_pool(rng)
    _analyze()
    say(f"variant pool: {len(variants)} on-sale variants with stock")

    totals = dict.fromkeys(PATHS, 0.0)
    counts = dict.fromkeys(PATHS, 0)
    lines_total = 0
    single_s, single_n = 0.0, 0
    rounds = max(1, -(-args.orders // args.round))
    per_round_single = -(-args.single // rounds) if args.single else 0
    for number in range(rounds):
        size = min(args.round, args.orders - number * args.round)
        items = [_item(rng, variants) for _ in range(size)]
        lines_total += sum(len(i["lines"]) for i in items)
        order = PATHS[number % 3 :] + PATHS[: number % 3]
        for path in order:
            prefix = f"{path.upper()}-{run}-{number:03d}-"
            seconds, made = _run_path(path, items=items, prefix=prefix, merchant=merchant,
                                      owner=owner)  # fmt: skip
            if made != size:
                raise SystemExit(f"{path}: {made} of {size} orders created in round {number}")
            totals[path] += seconds
            counts[path] += made
        if per_round_single and single_n < args.single:
            sample = items[: min(per_round_single, args.single - single_n)]
            seconds, made = _single(sample, f"ONE-{run}-{number:03d}-", merchant, owner)
            if made != len(sample):
                raise SystemExit(f"single: {made} of {len(sample)} orders created")
            single_s += seconds
            single_n += made
        _analyze()
        done = (number + 1) * args.round
        say(
            f"round {number + 1}/{rounds} ({min(done, args.orders)} orders per path): "
            + ", ".join(f"{p} {counts[p] / totals[p]:.0f}/s" for p in PATHS)
        )

    if args.profile:
        items = [_item(rng, variants) for _ in range(args.round)]
        _profile(items, f"PROF-{run}-", merchant, owner)

    load_after = os.getloadavg()
    say()
    say(f"{version}; {machine()}")
    say(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    say(
        f"{args.orders} orders per path, {lines_total} lines "
        f"({lines_total / args.orders:.2f} per order), rounds of {args.round}"
    )
    _routed(run, merchant)
    raw_rate = counts["raw"] / totals["raw"]
    say(f"{'path':<8} {'orders':>8} {'seconds':>9} {'orders/s':>9} {'ms/order':>9} {'x raw':>7}")
    for path in PATHS:
        rate = counts[path] / totals[path]
        say(
            f"{path:<8} {counts[path]:>8} {totals[path]:>9.1f} {rate:>9.0f} "
            f"{1000 / rate:>9.3f} {raw_rate / rate:>7.1f}"
        )
    if single_n:
        rate = single_n / single_s
        say(
            f"{'single':<8} {single_n:>8} {single_s:>9.1f} {rate:>9.0f} {1000 / rate:>9.3f} "
            f"{raw_rate / rate:>7.1f}"
        )


def _analyze() -> None:
    """PostgreSQL: refresh planner statistics between rounds (not timed). Autovacuum, which
    does this on a normal server, is off on the benchmark machine's PostgreSQL; without
    statistics the planner reads growing tables sequentially for the batch path's
    ``IN (…)`` look-ups. SQLite plans these look-ups by index without statistics."""
    from django.db import connection  # noqa: PLC0415

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _routed(run: str, merchant) -> None:
    """What routing made of the batch path's orders: parcels per order, logistics misses."""
    from dropyard.orders.models import (
        Order,  # noqa: PLC0415
        Parcel,  # noqa: PLC0415
    )

    orders = Order.objects.filter(merchant=merchant, order_number__startswith=f"BATCH-{run}-")
    total = orders.count()
    misses = orders.filter(logistics_miss=True).count()
    parcels = Parcel.objects.filter(orders__in=orders).distinct().count()
    say(
        f"batch path orders: {total}, {parcels} parcels ({parcels / max(total, 1):.2f} per "
        f"order), {misses} logistics misses"
    )


def _variant_pool(rng: random.Random) -> list:
    """On-sale demo variants of on-sale products that have platform stock somewhere."""
    from dropyard.catalog.models import Variant  # noqa: PLC0415
    from dropyard.inventory.models import Stock  # noqa: PLC0415

    stocked = set(
        Stock.objects.filter(merchant__isnull=True, on_hand__gt=0).values_list(
            "variant_id", flat=True
        )
    )
    pool = [
        (v.pk, v.public_id, v.sku, v.price_minor)
        for v in Variant.objects.filter(is_on_sale=True, product__is_on_sale=True).order_by("pk")
        if v.pk in stocked
    ]
    rng.shuffle(pool)
    return pool[:600]


def _item(rng: random.Random, variants: list) -> dict:
    """One order as the CSV import builds it (``orders_create_batch`` item), numbers left out."""
    country, provinces, city, postcode, phone = rng.choice(DESTINATIONS)
    picked = rng.sample(variants, rng.choice((1, 1, 2, 2, 3)))
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return {
        "shipping_customer_name": name,
        "shipping_phone": f"{phone} {rng.randint(1000000, 9999999)}",
        "email": f"{name.split()[0].lower()}{rng.randint(1, 9999)}@example.com",
        "shipping_country_code": country,
        "shipping_province": rng.choice(provinces),
        "shipping_city": city,
        "shipping_zip": postcode(rng),
        "shipping_address": f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
        "shipping_address2": "",
        "house_number": "",
        "remark": "",
        "tax_id": "",
        "ioss_number": "",
        "store_name": "Demo Shopify",
        "requested_logistic_name": "",
        "lines": [
            {"sku": sku, "quantity": rng.choice((1, 1, 1, 2, 3)), "_variant": (pk, vid, price)}
            for pk, vid, sku, price in picked
        ],
    }


def _service_item(item: dict, number: str) -> dict:
    lines = [{"sku": line["sku"], "quantity": line["quantity"]} for line in item["lines"]]
    return {**item, "order_number": number, "lines": lines}


def _run_path(path: str, *, items: list, prefix: str, merchant, owner) -> tuple[float, int]:
    if path == "raw":
        return _raw(items, prefix, merchant)
    if path == "batch":
        return _batch(items, prefix, merchant, owner)
    return _csv(items, prefix, merchant, owner)


# --- raw SQL -------------------------------------------------------------------------------------


def _raw(items: list, prefix: str, merchant) -> tuple[float, int]:
    """The same order and line rows with executemany (SQLite) / COPY (PostgreSQL)."""
    from django.db import connection, transaction  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from dropyard.orders.bulk import new_public_ids  # noqa: PLC0415
    from dropyard.orders.models import Order, OrderLine  # noqa: PLC0415
    from dropyard.orders.services.creation import new_order_code  # noqa: PLC0415

    order_cols = _columns(Order)
    line_cols = _columns(OrderLine)
    with Timer() as t, transaction.atomic(), connection.cursor() as cursor:
        now = timezone.now()
        ids = _ids(cursor, Order, len(items))
        public_ids = new_public_ids(len(items))
        orders, lines = [], []
        n_lines = sum(len(i["lines"]) for i in items)
        line_ids = iter(_ids(cursor, OrderLine, n_lines))
        line_keys = iter(new_public_ids(n_lines))
        for index, (item, pk, public_id) in enumerate(zip(items, ids, public_ids, strict=True)):
            total = sum(line["_variant"][2] * line["quantity"] for line in item["lines"])
            values = {
                **{k: v for k, v in item.items() if k != "lines"},
                "id": pk,
                "public_id": public_id,
                "code": new_order_code("dropshipping", public_id),
                "merchant_id": merchant.pk,
                "order_number": f"{prefix}{index}",
                "source": "csv",
                "product_amount_minor": total,
                "total_amount_minor": total,
                "created_at": now,
                "updated_at": now,
            }
            orders.append(_row(order_cols, values, connection))
            for line in item["lines"]:
                variant_pk, _vid, price = line["_variant"]
                lines.append(
                    _row(
                        line_cols,
                        {
                            "id": next(line_ids),
                            "order_id": pk,
                            "line_item_id": next(line_keys),
                            "variant_id": variant_pk,
                            "quantity": line["quantity"],
                            "unit_price_minor": price,
                        },
                        connection,
                    )
                )
        _insert(cursor, Order, order_cols, orders)
        _insert(cursor, OrderLine, line_cols, lines)
    made = Order.objects.filter(merchant=merchant, order_number__startswith=prefix).count()
    return t.seconds, made


def _columns(model) -> list:
    return list(model._meta.concrete_fields)


def _row(columns: list, values: dict, connection) -> tuple:
    out = []
    for field in columns:
        value = values[field.attname] if field.attname in values else field.get_default()
        if hasattr(value, "value") and not isinstance(value, (str, int)):
            value = value.value
        out.append(field.get_db_prep_save(value, connection))
    return tuple(out)


def _ids(cursor, model, count: int) -> list[int]:
    """``count`` primary keys: from the sequence (PostgreSQL) or after the largest (SQLite, the
    only writer inside this transaction)."""
    table = model._meta.db_table
    if cursor.db.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
    start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _insert(cursor, model, columns: list, rows: list[tuple]) -> None:
    quote = cursor.db.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    if cursor.db.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


# --- service paths -------------------------------------------------------------------------------


def _batch(items: list, prefix: str, merchant, owner) -> tuple[float, int]:
    from dropyard.orders.services import orders_create_batch  # noqa: PLC0415

    payload = [_service_item(item, f"{prefix}{i}") for i, item in enumerate(items)]
    with Timer() as t:
        results = orders_create_batch(merchant=merchant, actor=owner, items=payload)
    failed = [r for r in results if not r.ok]
    if failed:
        say(f"batch refused {len(failed)}: {failed[0].order_number}: {failed[0].error}")
    return t.seconds, len(results) - len(failed)


def _single(items: list, prefix: str, merchant, owner) -> tuple[float, int]:
    from dropyard.orders.services import order_create  # noqa: PLC0415

    payload = [_service_item(item, f"{prefix}{i}") for i, item in enumerate(items)]
    made = 0
    with Timer() as t:
        for item in payload:
            order_create(merchant=merchant, actor=owner, **item)
            made += 1
    return t.seconds, made


def _csv_text(items: list, prefix: str) -> str:
    from dropyard.orders.csv_io import COLUMNS  # noqa: PLC0415

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for index, item in enumerate(items):
        first = {
            "order_number": f"{prefix}{index}",
            "customer_name": item["shipping_customer_name"],
            "phone": item["shipping_phone"],
            "email": item["email"],
            "country_code": item["shipping_country_code"],
            "province": item["shipping_province"],
            "city": item["shipping_city"],
            "zip": item["shipping_zip"],
            "address": item["shipping_address"],
            "store_name": item["store_name"],
        }
        for position, line in enumerate(item["lines"]):
            row = first if position == 0 else {"order_number": first["order_number"]}
            writer.writerow({**row, "sku": line["sku"], "quantity": line["quantity"]})
    return out.getvalue()


def _csv(items: list, prefix: str, merchant, owner) -> tuple[float, int]:
    """Upload (job + stored file) and ``csv_io.import_run``, as the view and the worker do."""
    from django.db import transaction  # noqa: PLC0415

    from dropyard.core import services as core_services  # noqa: PLC0415
    from dropyard.orders import csv_io  # noqa: PLC0415

    data = _csv_text(items, prefix).encode("utf-8")
    with Timer() as t:
        with transaction.atomic():
            job = core_services.job_create(
                kind=csv_io.IMPORT_KIND,
                title=f"Order import — {prefix}.csv",
                merchant=merchant,
                actor=owner,
                params={"filename": f"{prefix}.csv", "size": len(data)},
                task_path=csv_io.IMPORT_TASK,
            )
            csv_io.store_upload(job=job, chunks=[data])
        csv_io.import_run(job_id=job.pk)
    summary = csv_io.import_summary(job)
    if summary is None or summary.failed or summary.file_error:
        errors = summary.errors[:3] if summary else "no summary"
        say(f"csv import of {prefix}: {errors}")
    return t.seconds, summary.imported if summary else 0


def _profile(items: list, prefix: str, merchant, owner) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    seconds, made = _batch(items, prefix, merchant, owner)
    profiler.disable()
    say()
    say(f"profile: batch path, {made} orders in {seconds:.1f} s under cProfile")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
    stats.print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    say(out.getvalue())


if __name__ == "__main__":
    main()
