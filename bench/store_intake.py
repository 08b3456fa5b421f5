"""Store order intake: N store orders through the webhook path beside the batch path.

    .venv/bin/python bench/store_intake.py --database sqlite|postgres [--orders 10000]
        [--round 1000] [--fresh]

1. Into a throwaway database (SQLite ``/tmp/dropyard_store_intake.sqlite3`` or PostgreSQL
   ``dropyard_store_intake``) load the demo, create a Sandbox store for the demo merchant
   (``stores.services.sandbox_store_create``) and list 200 on-sale, stocked demo variants on it
   (``store_listing_push``: listed, so connected). Place ``--orders`` shopper orders on the
   Sandbox shop (``sandbox.shop.order_place``: 1-3 lines, addresses in 13 countries) and build
   each one's signed ``orders/create`` webhook (``shop.webhook_request``) — not timed.
2. In rounds of ``--round`` orders, alternating which path goes first, time:
   - **webhook**: each webhook POSTed to ``/stores/webhooks/<store>/`` through Django's
     request handling (test client: middleware, view, no socket): body size check, the
     store's credentials decrypted, HMAC over the raw body, parse, the delivery receipt,
     ``store_order_ingest`` (inbox row, connection look-up, ``order_create``: validation,
     routing, parcels, audit) — one transaction per order, as a platform delivers them;
   - **batch**: the same orders (same lines and addresses, other numbers) through
     ``orders.services.orders_create_batch`` — what the CSV import and ``createOrderV2``'s
     batch do, one transaction per chunk: the floor the webhook path is compared with.
3. Print orders/s, ms/order and webhook ÷ batch; check every webhook answered 200 and made
   one imported Dropyard order.
"""

import argparse
import os
import random

from _common import Timer, configure, machine, say
from order_intake import _analyze, _item, _service_item, _variant_pool

LISTED = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--round", type=int, default=1000)
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database first")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    os.environ["DROPYARD_SANDBOX_STORE_IN_PROCESS"] = "1"
    load_before = os.getloadavg()
    version = configure(database=args.database, name="dropyard_store_intake", fresh=args.fresh)
    say(f"{version}; {machine()}")

    from django.contrib.auth import get_user_model  # noqa: PLC0415 - after configure()

    from dropyard.catalog.models import Variant  # noqa: PLC0415
    from dropyard.demo.loader import OWNER_EMAIL, demo_load  # noqa: PLC0415
    from dropyard.stores import services  # noqa: PLC0415
    from dropyard.stores.models import SandboxShop, SandboxShopVariant  # noqa: PLC0415

    demo = demo_load()
    merchant = demo.merchant
    owner = get_user_model().objects.get(email=OWNER_EMAIL)
    rng = random.Random(args.seed)
    pool = _variant_pool(rng)[:LISTED]
    variants = list(Variant.objects.filter(pk__in=[p[0] for p in pool]))
    store = services.sandbox_store_create(
        merchant=merchant, actor=owner, name=f"Bench shop {rng.randint(1, 10**6)}"
    )
    services.store_listing_push(
        store=store,
        variants=variants,
        prices={v.pk: v.price_minor * 2 for v in variants},
        actor=owner,
    )
    shop = SandboxShop.objects.get(slug=store.domain)
    shop_variant = dict(
        SandboxShopVariant.objects.filter(shop=shop).values_list("sku", "pk")
    )  # catalog SKU → shop variant
    say(f"store {store.public_id}: {len(shop_variant)} variants listed")

    with Timer() as placing:
        items, requests = _place(args.orders, rng, pool, shop, shop_variant)
    say(f"{args.orders} shop orders placed and signed in {placing.seconds:.1f} s (not timed)")
    _analyze()

    totals, counts = {"webhook": 0.0, "batch": 0.0}, {"webhook": 0, "batch": 0}
    url = f"/stores/webhooks/{store.public_id}/"
    rounds = -(-args.orders // args.round)
    for number in range(rounds):
        part = slice(number * args.round, (number + 1) * args.round)
        paths = ("webhook", "batch") if number % 2 == 0 else ("batch", "webhook")
        for path in paths:
            if path == "webhook":
                seconds, made = _webhooks(url, requests[part])
            else:
                seconds, made = _batch(items[part], f"SB-{store.pk}-{number:03d}-", merchant, owner)
            totals[path] += seconds
            counts[path] += made
        _analyze()
        say(
            f"round {number + 1}/{rounds}: "
            + ", ".join(f"{p} {counts[p] / totals[p]:.0f}/s" for p in totals)
        )

    _check(store, args.orders)
    load_after = os.getloadavg()
    say()
    say(f"{version}; {machine()}")
    say(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    lines = sum(len(i["lines"]) for i in items)
    say(f"{args.orders} orders per path, {lines / args.orders:.2f} lines per order")
    say(f"{'path':<8} {'orders':>8} {'seconds':>9} {'orders/s':>9} {'ms/order':>9}")
    for path in totals:
        rate = counts[path] / totals[path]
        say(f"{path:<8} {counts[path]:>8} {totals[path]:>9.1f} {rate:>9.0f} {1000 / rate:>9.2f}")
    ratio = (counts["batch"] / totals["batch"]) / (counts["webhook"] / totals["webhook"])
    say(f"webhook path: {ratio:.2f}x the time per order of the batch path")


def _place(count: int, rng: random.Random, pool: list, shop, shop_variant: dict):
    """Shop orders with their signed webhooks, and the same orders as batch items."""
    from dropyard.stores.sandbox import shop as sandbox_shop  # noqa: PLC0415

    items, requests = [], []
    for _ in range(count):
        item = _item(rng, pool)
        order = sandbox_shop.order_place(
            shop=shop,
            quantities={shop_variant[line["sku"]]: line["quantity"] for line in item["lines"]},
            customer={
                "email": item["email"],
                "customer_name": item["shipping_customer_name"],
                "address": item["shipping_address"],
                "city": item["shipping_city"],
                "province": item["shipping_province"],
                "zip": item["shipping_zip"],
                "country_code": item["shipping_country_code"],
                "phone": item["shipping_phone"],
            },
        )
        items.append(item)
        requests.append(sandbox_shop.webhook_request(order=order, topic="orders/create"))
    return items, requests


def _webhooks(url: str, requests: list) -> tuple[float, int]:
    from django.test import Client  # noqa: PLC0415

    client = Client()
    made = 0
    with Timer() as t:
        for body, headers in requests:
            extra = {k: v for k, v in headers.items() if k != "Content-Type"}
            response = client.post(url, data=body, content_type="application/json", headers=extra)
            if response.status_code != 200:
                raise SystemExit(f"webhook answered {response.status_code}: {response.content!r}")
            made += 1
    return t.seconds, made


def _batch(items: list, prefix: str, merchant, owner) -> tuple[float, int]:
    from dropyard.orders.services import orders_create_batch  # noqa: PLC0415

    payload = [_service_item(item, f"{prefix}{i}") for i, item in enumerate(items)]
    with Timer() as t:
        results = orders_create_batch(merchant=merchant, actor=owner, items=payload)
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(
            f"batch refused {len(failed)}: {failed[0].order_number}: {failed[0].error}"
        )
    return t.seconds, len(results)


def _check(store, expected: int) -> None:
    """Every webhook made one imported store order with its Dropyard order."""
    from dropyard.stores.models import StoreOrder  # noqa: PLC0415

    rows = StoreOrder.objects.filter(store=store)
    imported = rows.filter(status="imported", order__isnull=False).count()
    say(f"store orders: {rows.count()}, imported with a Dropyard order: {imported}")
    if imported != expected or rows.count() != expected:
        raise SystemExit(f"expected {expected} imported store orders")


if __name__ == "__main__":
    main()
