"""The same search answers on SQLite and PostgreSQL: one deterministic catalog, one query set
(keywords, stock / country / price / category filters, sorts, pages), and a checked-in file of
expected answers (``search_expected.json``) that both databases' runs must reproduce exactly.

PostgreSQL answers keyword searches through ``search_keys`` with a short walk of the newest
products (``search_pg``); the query set is therefore also run with a walk of 5 products (so
tiers are completed from older products through the index counts) and with prefix expansion
off (every token on the tsvector path), and with a walk of 5 whose completions look back over a
pk range too short to hold the page (so the query of everything older runs too). All must give
the file's answers.

Regenerate the file after an intended change of the ranking or the filters (then review the
diff): ``DROPYARD_WRITE_SEARCH_EXPECTED=1 pytest dropyard/catalog/tests/test_search_engines.py``.
"""

import json
import os
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from dropyard.accounts.tests.factories import make_merchant
from dropyard.catalog import search_pg
from dropyard.catalog.models import Category, Product
from dropyard.catalog.search import product_search_ids
from dropyard.catalog.tests.factories import CategoryFactory, create_product
from dropyard.inventory import services as inventory
from dropyard.inventory.models import Warehouse
from dropyard.inventory.tests.factories import WarehouseFactory, make_supplier_warehouse

pytestmark = pytest.mark.django_db

EXPECTED = Path(__file__).with_name("search_expected.json")
ADJECTIVES = ["Magnetic", "Wireless", "Silicone", "Portable", "Bamboo", "Vintage"]
NOUNS = ["Phone Mount", "Phone Case", "Car Charger", "Desk Lamp", "Yoga Mat", "Speaker", "Cable"]
MATERIALS = ["Steel", "Bamboo", "Plastic", "Silicone"]
LEAVES = [
    ("Electronics", "Phone Accessories", "Phone Mounts"),
    ("Home", "Lighting", "Desk Lamps"),
    ("Sports", "Fitness", "Yoga Gear"),
]
KEYWORDS = [
    "",
    "phone",
    "phone mount",
    "magnetic phone",
    "car phone mount",
    "lamp",
    "desk lamp",
    "yoga",
    "ph",
    "p",
    "bamboo lamp",
    "steel",
    "phone accessories",
    "lighting magnetic",
    "zzz",
]
FILTERS = {
    "none": {},
    "inv>=1": {"min_available": 1},
    "country US": {"warehouse_country": "US"},
    "inv>=1 country DE": {"min_available": 1, "warehouse_country": "DE"},
}
EXTRA = {  # (keyword, sort, filters)
    "lamp newest": ("lamp", "newest", {}),
    "all price_asc": ("", "price_asc", {}),
    "all inventory": ("", "inventory", {}),
    "all inventory_asc inv>=1": ("", "inventory_asc", {"min_available": 1}),
    "phone inventory": ("phone", "inventory", {}),
    "inv>=5": ("", "relevance", {"min_available": 5}),
    "inv<=3": ("", "relevance", {"max_available": 3}),
    "phone inv 2..20": ("phone", "relevance", {"min_available": 2, "max_available": 20}),
    "in_stock": ("", "relevance", {"in_stock": True}),
    "not in_stock": ("", "relevance", {"in_stock": False}),
    "US in_stock": ("", "relevance", {"warehouse_country": "US", "in_stock": True}),
    "US not in_stock": ("", "relevance", {"warehouse_country": "US", "in_stock": False}),
    "closed GB": ("", "relevance", {"warehouse_country": "GB"}),
    "country CN lamp": ("lamp", "relevance", {"warehouse_country": "cn"}),
    "bad country": ("phone", "relevance", {"warehouse_country": "U1"}),
    "phone price": ("phone", "relevance", {"min_price_minor": 500, "max_price_minor": 1500}),
    "phone category": ("phone", "relevance", {"category": "Phone Mounts"}),
    "mount inv price_desc": ("mount", "price_desc", {"min_available": 1}),
    "all offsale too": ("phone", "relevance", {"on_sale_only": False}),
}
PAGES = [(0, 5), (5, 5), (3, 10)]


def _catalog() -> None:
    """60 products from a seeded vocabulary, stock through the inventory services."""
    rng = random.Random(20261206)
    leaves = []
    for first, second, third in LEAVES:
        top = CategoryFactory(name=first, parent=None)
        middle = CategoryFactory(name=second, parent=top)
        leaves.append(CategoryFactory(name=third, parent=middle))
    now = timezone.now()
    products = []
    for i in range(60):
        noun = rng.choice(NOUNS)
        leaf = leaves[0 if "Phone" in noun or "Charger" in noun else 1 if "Lamp" in noun else 2]
        product = create_product(
            name=f"{rng.choice(ADJECTIVES)} {noun} N{i:02d}",
            category=leaf if rng.random() < 0.8 else rng.choice(leaves),
            prices=(rng.randint(2, 30) * 100, rng.randint(2, 30) * 100),
            material=rng.choice(MATERIALS),
        )
        # Mostly newest = highest pk, but not always (the sorts must use created_at).
        minutes = (60 - i) * 10 + (15 if i % 7 == 0 else 0)
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(minutes=minutes))
        products.append(product)
    Product.objects.filter(pk__in=[p.pk for p in products[::11]]).update(is_on_sale=False)
    warehouses = [
        WarehouseFactory(code="CN1", country="CN"),
        WarehouseFactory(code="US1", country="US"),
        WarehouseFactory(code="DE1", country="DE"),
        make_supplier_warehouse(code="CNF", country="CN"),
    ]
    closed = WarehouseFactory(code="GB1", country="GB")
    merchant = make_merchant()
    for i, product in enumerate(products):
        variant = product.variants.order_by("pk").first()
        if i % 5 == 4:
            continue  # no stock at all
        for warehouse in rng.sample(warehouses, rng.randint(1, 2)):
            quantity = rng.randint(1, 12)
            inventory.stock_receive(
                variant=variant, warehouse=warehouse, quantity=quantity, actor=None, reason="in"
            )
            if rng.random() < 0.25:  # sold out there
                inventory.stock_reserve(
                    variant=variant, warehouse=warehouse, quantity=quantity, reference=f"o{i}"
                )
        if i % 6 == 0:
            inventory.stock_receive(
                variant=variant, warehouse=closed, quantity=9, actor=None, reason="in"
            )
        if i % 8 == 0:
            inventory.stock_receive(
                variant=variant,
                warehouse=warehouses[1],
                quantity=40,
                actor=None,
                reason="private",
                merchant=merchant,
            )
    inventory.warehouse_set_active(warehouse=closed, is_active=False, actor=None)


def _answers() -> dict[str, dict]:
    names = dict(Product.objects.values_list("pk", "name"))
    answers = {}

    def run(label: str, keyword: str, sort: str, filters: dict, offset: int, limit: int):
        filters = dict(filters)
        if "category" in filters:
            filters["category_id"] = Category.objects.get(name=filters.pop("category")).pk
        for cap in (None, 6000):
            total, ids = product_search_ids(
                keyword=keyword, sort=sort, offset=offset, limit=limit, count_cap=cap, **filters
            )
            answers[f"{label} @{offset}+{limit} cap={cap}"] = {
                "total": total,
                "names": [names[pk] for pk in ids],
            }

    for keyword in KEYWORDS:
        for filter_label, filters in FILTERS.items():
            for offset, limit in PAGES:
                run(f"{keyword!r} {filter_label}", keyword, "relevance", filters, offset, limit)
    for label, (keyword, sort, filters) in EXTRA.items():
        for offset, limit in PAGES:
            run(label, keyword, sort, filters, offset, limit)
    return answers


@pytest.mark.parametrize(
    "variant", ["default", "walk 5", "walk 5, short first range", "no prefix expansion"]
)
def test_search_answers_are_the_checked_in_ones_on_every_database(variant, monkeypatch):
    if variant.startswith("walk 5"):
        monkeypatch.setattr(search_pg, "WALK", 5)
    if variant == "walk 5, short first range":
        # A tier completion's first pk range then holds a product or two: the answers must
        # still be complete, from the second range (everything older).
        monkeypatch.setattr(search_pg, "RANGE_MARGIN", 0.01)
    elif variant == "no prefix expansion":
        monkeypatch.setattr(search_pg, "MAX_EXPANSION", 0)
    _catalog()
    answers = _answers()
    if os.environ.get("DROPYARD_WRITE_SEARCH_EXPECTED") and variant == "default":
        EXPECTED.write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(EXPECTED.read_text())
    assert set(answers) == set(expected)
    wrong = {k: (answers[k], expected[k]) for k in expected if answers[k] != expected[k]}
    assert not wrong, (
        f"{connection.vendor}: {len(wrong)} answers differ, first: {next(iter(wrong.items()))}"
    )
    # The file is not trivially empty: every kind of answer occurs.
    assert sum(1 for a in expected.values() if a["names"]) > len(expected) // 2
    assert Warehouse.objects.filter(is_active=False).count() == 1
    if connection.vendor == "postgresql":  # the planner settings of search_pg are put back
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')"
            )
            assert cursor.fetchone() == ("on", "on")
