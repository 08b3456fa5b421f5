"""Freight quotes per second for a 3-line cart over the demo catalog.

    .venv/bin/python bench/freight_quotes.py --database sqlite|postgres [--quotes 1000] [--fresh]

Loads the demo catalog (2,000 products, rate cards for 60 countries on 9 lines) into a
throwaway database, then calls ``logistics.selectors.freight_quote`` — the selector behind
``logistic/freightCalculate`` — for the same kind of cart again and again: three variants of
three different products (quantities 1, 2, 1), from CN to a rotating list of destinations
with postcodes (so postcode-prefix cards and remote surcharges are exercised too).
"""

import argparse
import time

from _common import Timer, configure, machine, say, summary

DESTINATIONS = (
    ("US", "10001"),
    ("US", "99501"),  # Alaska: remote surcharge
    ("DE", "10115"),
    ("GB", "SW1A 1AA"),
    ("FR", "75001"),
    ("AU", "2000"),
    ("BR", "01310"),
    ("JP", "100-0001"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--quotes", type=int, default=1000)
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database first")
    args = parser.parse_args()
    version = configure(database=args.database, name="dropyard_bench_freight", fresh=args.fresh)

    from dropyard.catalog.models import Variant  # noqa: PLC0415
    from dropyard.demo.catalog import load_catalog  # noqa: PLC0415 - after configure()
    from dropyard.logistics.selectors import freight_quote  # noqa: PLC0415

    with Timer() as load:
        catalog = load_catalog()
    say(f"{version}; {machine()}")
    say(f"demo catalog: {catalog.totals} (load {load.seconds:.1f} s)")

    # Three ordinary products (no battery/liquid) from CN stock, so every CN line is a candidate.
    variants = []
    for variant in Variant.objects.select_related("product").order_by("product__sku", "position"):
        if variant.product.properties or variant.product_id in {v.product_id for v in variants}:
            continue
        variants.append(variant)
        if len(variants) == 3:
            break
    items = list(zip(variants, (1, 2, 1), strict=True))
    for dest, postcode in DESTINATIONS:  # warm-up, and a sanity check of the answers
        quote = freight_quote(
            items=items, origin_country="CN", dest_country=dest, postcode=postcode
        )
        assert quote.available, (dest, quote.unavailable)

    timings = []
    started = time.perf_counter()
    for i in range(args.quotes):
        dest, postcode = DESTINATIONS[i % len(DESTINATIONS)]
        with Timer() as one:
            freight_quote(items=items, origin_country="CN", dest_country=dest, postcode=postcode)
        timings.append(one.seconds)
    elapsed = time.perf_counter() - started
    stats = summary(timings)
    say(f"cart: {[(v.sku, q) for v, q in items]}")
    say(
        f"{args.quotes} quotes in {elapsed:.2f} s: {args.quotes / elapsed:.0f} quotes/s; "
        f"p50 {stats['p50']:.2f} ms, p95 {stats['p95']:.2f} ms, max {stats['max']:.2f} ms"
    )


if __name__ == "__main__":
    main()
