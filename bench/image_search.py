"""Search by image at scale: the banded pHash lookup beside a full scan of the hash table.

    .venv/bin/python bench/image_search.py --images 100000 --database sqlite|postgres
        [--queries 200] [--fresh]

1. Into a throwaway database, generate ``--images`` products with one image each and the
   image's three hashes (``INDEX_CROPS``) as seeded random 64-bit values (plain
   ``bulk_create``; skipped when the database already holds them).
2. For ``--queries`` targets, a query hash = a target's stored hash with k random bits flipped
   (k cycling 0…10, within ``MATCH_MAX_DISTANCE``), timed in the same run, interleaved:
   - **lookup**: ``catalog.image_search.products_by_hash`` (the four indexed band ``IN``
     lookups, exact ranking, product load);
   - **scan**: what the index avoids: read every stored hash and rank them in Python.
   Recall: how often the target product is in the lookup's answer (must be 100%: every hash
   within 11 bits is a candidate). Also the time to hash one 800×800 picture (pHash).
"""

import argparse
import random
import time

from _common import Timer, configure, machine, say, summary

BATCH = 5_000


def _load(images: int, seed: int) -> None:
    from dropyard.catalog.image_index import hash_rows
    from dropyard.catalog.imagehashing import INDEX_CROPS
    from dropyard.catalog.models import Category, Product, ProductImage, ProductImageHash

    have = Product.objects.filter(sku__startswith="IMGB").count()
    if have >= images:
        return
    rng = random.Random(seed)
    top = Category.objects.create(name=f"Bench {time.time_ns()}", level=1)
    middle = Category.objects.create(name="B", parent=top, level=2)
    leaf = Category.objects.create(name="C", parent=middle, level=3)
    for start in range(have, images, BATCH):
        stop = min(start + BATCH, images)
        products = Product.objects.bulk_create(
            [
                Product(sku=f"IMGB{n:09d}", name=f"Bench {n}", category=leaf)
                for n in range(start, stop)
            ]
        )
        rows = ProductImage.objects.bulk_create(
            [ProductImage(product=p, image=f"products/bench/{p.sku}.jpg") for p in products]
        )
        hashes = [
            row
            for image in rows
            for row in hash_rows(image, [(crop, rng.getrandbits(64)) for crop in INDEX_CROPS])
        ]
        ProductImageHash.objects.bulk_create(hashes)
        say(f"  {stop}/{images} images")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    version = configure(database=args.database, name="dropyard_image_bench", fresh=args.fresh)
    from django.db import connection

    from dropyard.catalog.image_search import products_by_hash
    from dropyard.catalog.imagehashing import HASH_MASK, hamming, phash64
    from dropyard.catalog.models import ProductImageHash
    from dropyard.catalog.tests.factories import photo

    _load(args.images, seed=11)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rows = ProductImageHash.objects.count()
    say(f"{machine()} · {version} · {args.images} images, {rows} hash rows")
    rng = random.Random(5)
    targets = list(
        ProductImageHash.objects.order_by("?").values_list("product_id", "value")[: args.queries]
    )
    lookup_s: list[float] = []
    scan_s: list[float] = []
    found = 0
    for index, (product_id, value) in enumerate(targets):
        query = value & HASH_MASK
        for bit in rng.sample(range(64), index % 11):
            query ^= 1 << bit
        with Timer() as timer:
            matches = products_by_hash(query=query)
        lookup_s.append(timer.seconds)
        found += any(m.product.pk == product_id for m in matches)
        if index % 10 == 0:  # the scan is slow: time every tenth query
            with Timer() as timer:
                best = sorted(
                    (hamming(query, v), p)
                    for p, v in ProductImageHash.objects.values_list(
                        "product_id", "value"
                    ).iterator(chunk_size=20_000)
                )[:20]
            scan_s.append(timer.seconds)
            assert best[0][0] <= 10
    picture = photo(1)
    hashing_s = []
    for _ in range(20):
        with Timer() as timer:
            phash64(picture)
        hashing_s.append(timer.seconds)
    say(f"lookup   {summary(lookup_s)}")
    say(f"scan     {summary(scan_s)}")
    say(f"pHash    {summary(hashing_s)} (one 800×800 picture)")
    say(f"recall   {found}/{len(targets)} targets found within 0–10 flipped bits")


if __name__ == "__main__":
    main()
