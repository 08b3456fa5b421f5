"""Listing N products to the fake Shopify through the Shopify adapter (``listing_upsert`` →
``productSet``), with Shopify's cost-based rate limit enforced by the fake.

Reports, per run:
- API cost units per product (the fake's calculated query cost, charged to the bucket);
- products/s in wall time: Dropyard's adapter plus the fake (which validates and executes
  every document with graphql-core against Shopify's published schema), the bucket's waits
  skipped (the fake runs on a simulated clock);
- products/s in Shopify time: what the bucket allows at the plan's restore rate (the waits
  the client made, on the simulated clock), i.e. what a real Standard-plan shop would give;
- THROTTLED answers (the client should wait before the bucket runs dry: expected 0 after the
  first call of each document).

No database: the adapter never touches the ORM. Needs ``peers/shopify-schema`` installed
(``./run test`` does it, or ``cd peers/shopify-schema && npm ci``).

    .venv/bin/python bench/shopify_listing.py --products 1000 --variants 2
    .venv/bin/python bench/shopify_listing.py --products 1000 --variants 2 --restore-rate 1000
"""

import argparse
import os
import time

from _common import say


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--variants", type=int, default=2, help="variants per product")
    parser.add_argument("--bucket", type=float, default=1000.0, help="maximumAvailable")
    parser.add_argument(
        "--restore-rate", type=float, default=100.0, help="points/s (Standard plan: 100)"
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dropyard.config.settings_test")
    import django  # noqa: PLC0415 - settings first

    django.setup()
    import logging  # noqa: PLC0415

    import httpx  # noqa: PLC0415

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise

    from dropyard.stores.adapters.base import (  # noqa: PLC0415
        PlatformProduct,
        PlatformVariant,
        StoreContext,
    )
    from dropyard.stores.adapters.shopify import ShopifyAdapter, auth  # noqa: PLC0415
    from dropyard.stores.adapters.shopify import client as gql  # noqa: PLC0415
    from dropyard.stores.tests.shopify_fake import FakeClock, FakeShopify  # noqa: PLC0415
    from dropyard.stores.tests.shopify_schema import _load, schema_path  # noqa: PLC0415

    if not schema_path().exists():
        raise SystemExit(f"Shopify's schema is not installed: {schema_path()}")
    clock = FakeClock()
    fake = FakeShopify(
        schema=_load(schema_path()),
        clock=clock,
        maximum=args.bucket,
        restore_rate=args.restore_rate,
    )
    gql.TRANSPORT = httpx.WSGITransport(app=fake)
    auth.CLOCK = clock
    credentials = auth.client_credentials(
        shop=fake.shop, client_id=fake.client_id, client_secret=fake.client_secret
    )
    adapter = ShopifyAdapter(
        StoreContext("shopify", fake.shop, "USD", credentials), sleep=clock.sleep, clock=clock
    )
    colors = ["Red", "Blue", "Green", "Black", "White", "Grey", "Navy", "Pink"]
    products = [
        PlatformProduct(
            platform_product_id="",
            title=f"Bench tee {n}",
            description_html=f"<p>Bench product {n}</p>",
            image_urls=(f"https://img.example/{n}.jpg",),
            variants=tuple(
                PlatformVariant(
                    platform_product_id="",
                    platform_variant_id="",
                    sku=f"BENCH-{n}-{v}",
                    title=f"Bench tee {n}",
                    variant_title=f"{colors[v % len(colors)]} / {'SML'[v // len(colors) % 3]}",
                    price_minor=1999 + v,
                    image_url=f"https://img.example/{n}-{v}.jpg",
                )
                for v in range(args.variants)
            ),
        )
        for n in range(args.products)
    ]

    spent_before, calls_before = adapter.gql.spent, adapter.gql.calls
    simulated_start, wall_start = clock(), time.perf_counter()
    for product in products:
        adapter.listing_upsert(product)
    wall = time.perf_counter() - wall_start
    simulated = clock() - simulated_start
    spent = adapter.gql.spent - spent_before
    calls = adapter.gql.calls - calls_before

    assert len(fake.products) == args.products
    assert len(fake.variants) == args.products * args.variants
    n = args.products
    say(
        f"Shopify listing bench: {n} products × {args.variants} variants, bucket "
        f"{args.bucket:.0f} points, restore {args.restore_rate:.0f} points/s"
    )
    say(f"  API calls              {calls} ({calls / n:.2f} per product)")
    say(f"  API cost units         {spent:.0f} ({spent / n:.1f} per product)")
    say(f"  THROTTLED answers      {fake.throttled}")
    say(f"  wall time              {wall:.2f} s → {n / wall:.1f} products/s (waits skipped)")
    rate = f"{n / simulated:.1f} products/s" if simulated else "no wait: within one bucket"
    say(f"  Shopify (bucket) time  {simulated:.1f} s → {rate}")


if __name__ == "__main__":
    main()
