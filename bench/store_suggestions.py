"""Connection suggestions at catalog scale: a page of store variants against N products.

    .venv/bin/python bench/store_suggestions.py --products 1000000 [--database sqlite|postgres]
        [--pages 20] [--fresh] [--name store_suggestions_bench]

1. Into a throwaway database (SQLite ``/tmp/<name>.sqlite3`` or PostgreSQL ``<name>``) load
   the demo accounts and generate ``--products`` products with one variant each from the demo
   vocabulary (``catalog_search``'s generator; skipped when already loaded).
2. Give the demo merchant a store and a pool: 500 saved products (My Products), and a store
   catalog of 25 × ``--pages`` variants whose titles are catalog names (exact, with a word
   dropped, misspelt, re-ordered) or unrelated words, none connected.
3. Time, per page of 25 unconnected variants: ``suggestions_for`` (the selector: pool queries,
   index lookups, rapidfuzz scoring) and the whole connections page through Django's test
   client (``GET /stores/<id>/connections/?show=unconnected&page=N``). Print p50/p95 and the
   share of variants that got at least one suggestion.
"""

import argparse
import random

from _common import Timer, configure, machine, say, summary
from catalog_search import _products_ensure

PAGE = 25
STORE_NAME = "Bench Store v2"
STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--name", default="store_suggestions_bench")
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database first")
    args = parser.parse_args()
    with Timer() as setup:
        version = configure(database=args.database, name=args.name, fresh=args.fresh)
    say(f"{version}; {machine()}; migrate {setup.seconds:.1f} s")
    from dropyard.demo.loader import demo_load  # noqa: PLC0415

    merchant = demo_load(products=0).merchant
    _products_ensure(args.products)
    store = _store_with_catalog(merchant, args.pages)
    _time_pages(merchant, store, args.pages)


def _titles(rng: random.Random, names: list[str], n: int) -> list[tuple[str, str, int]]:
    """Store titles as merchants write them, with the catalog name each came from and its kind:
    0 the name, 1 a word dropped, 2 a typo, 3 words re-ordered, 4 a stranger (no such product).
    """
    out = []
    for i in range(n):
        source = rng.choice(names)
        words = source.split()
        kind = i % 5
        if kind == 1 and len(words) > 2:
            words.pop(rng.randrange(len(words)))  # a word dropped
        elif kind == 2:
            j = rng.randrange(len(words))
            if len(words[j]) > 3:
                words[j] = words[j][:-2] + words[j][-1] + words[j][-2]  # a typo
        elif kind == 3:
            rng.shuffle(words)  # re-ordered
        elif kind == 4:
            words = ["Vintage", "brass", "doorknob", "set"]  # nothing like it is sold
        out.append((" ".join(words), source, kind))
    return out


def _store_with_catalog(merchant, pages: int):
    from dropyard.catalog.models import MyProduct, Product  # noqa: PLC0415
    from dropyard.stores import services  # noqa: PLC0415
    from dropyard.stores.adapters.base import PlatformVariant  # noqa: PLC0415
    from dropyard.stores.models import Store  # noqa: PLC0415

    store = Store.objects.filter(merchant=merchant, name=STORE_NAME).first()
    if store is not None:
        return store
    store = services.store_connect(
        merchant=merchant,
        actor=None,
        platform="shopify",
        name=STORE_NAME,
        domain="bench-store-2.myshopify.com",
        currency="USD",
        credentials={"access_token": "shpat_bench"},
    )
    rng = random.Random(11)
    top = Product.objects.order_by("-pk").values_list("pk", "name")[:200_000]
    sample = rng.sample(list(top), 2000)
    MyProduct.objects.bulk_create(
        [MyProduct(merchant=merchant, product_id=pk) for pk, _ in sample[:500]],
        ignore_conflicts=True,
    )
    names = [name for _, name in sample]
    # The source name rides in platform_product_id and the kind in the SKU, for the hit rate.
    variants = [
        PlatformVariant(
            platform_product_id=source[:100],
            platform_variant_id=f"V{i:05d}",
            sku=f"K{kind}",
            title=title,
            price_minor=1999,
        )
        for i, (title, source, kind) in enumerate(_titles(rng, names, PAGE * pages))
    ]
    services.store_catalog_import(store=store, variants=variants)
    return store


def _time_pages(merchant, store, pages: int) -> None:
    from django.conf import settings  # noqa: PLC0415
    from django.test import Client, override_settings  # noqa: PLC0415

    from dropyard.accounts.models import Membership  # noqa: PLC0415
    from dropyard.stores.models import StoreVariant  # noqa: PLC0415
    from dropyard.stores.suggestions import suggestions_for  # noqa: PLC0415

    rows = list(
        StoreVariant.objects.filter(store=store, connection__isnull=True).order_by(
            "title", "variant_title", "pk"
        )
    )
    selector, page_times = [], []
    kinds: dict[str, list[int]] = {}  # kind → [variants, any suggestion, source in top 3]
    for n in range(pages):
        chunk = rows[n * PAGE : (n + 1) * PAGE]
        with Timer() as t:
            found = suggestions_for(merchant=merchant, store_variants=chunk)
        selector.append(t.seconds)
        for sv in chunk:
            tally = kinds.setdefault(sv.sku, [0, 0, 0])
            names = [s.variant.product.name for s in found[sv.pk]]
            tally[0] += 1
            tally[1] += bool(names)
            tally[2] += sv.platform_product_id in names
    client = Client()
    client.force_login(Membership.objects.get(merchant=merchant, role="owner").user)
    url = f"/stores/{store.public_id}/connections/?show=unconnected"
    # Pages render without collectstatic's manifest (not built for a benchmark run).
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_BACKEND}}
    with override_settings(STORAGES=storages):
        for n in range(pages):
            with Timer() as t:
                response = client.get(f"{url}&page={n + 1}")
            assert response.status_code == 200, response.status_code
            page_times.append(t.seconds)
    for label, timings in (("suggestions_for, 25 variants", selector), ("page", page_times)):
        s = summary(timings)
        say(f"{label}: p50 {s['p50']:.0f} ms, p95 {s['p95']:.0f} ms, max {s['max']:.0f} ms")
    labels = {"K0": "exact", "K1": "word dropped", "K2": "typo", "K3": "re-ordered"}
    labels["K4"] = "stranger"
    for kind, (total, any_, hit) in sorted(kinds.items()):
        say(f"{labels[kind]}: {total} variants, {any_} with a suggestion, source in top 3: {hit}")


if __name__ == "__main__":
    main()
