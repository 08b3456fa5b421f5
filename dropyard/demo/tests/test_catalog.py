"""The generated demo catalog (``demo.catalog``)."""

import datetime as dt
import io
import random
from pathlib import Path

import pytest
from django.db.models import Count, Sum
from PIL import Image

from dropyard.catalog.models import Category, Product, ProductImage, Review, Variant
from dropyard.catalog.search import product_search
from dropyard.demo import catalog as demo_data
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Stock, StockMovement, Warehouse
from dropyard.logistics.models import RateCard, ShippingLine
from dropyard.logistics.selectors import freight_quote

pytestmark = pytest.mark.django_db

PRODUCTS = 12


@pytest.fixture
def media_root(settings):
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def catalog():
    return demo_data.load_catalog(products=PRODUCTS)


def test_second_run_creates_nothing(catalog):
    again = demo_data.load_catalog(products=PRODUCTS)

    assert again.created == {}
    assert again.totals == catalog.totals
    assert catalog.totals["products"] == PRODUCTS


def test_larger_count_adds_only_the_missing_products(catalog):
    before = dict(Product.objects.values_list("sku", "name"))

    grown = demo_data.load_catalog(products=PRODUCTS + 3)

    assert grown.created["products"] == 3
    after = dict(Product.objects.values_list("sku", "name"))
    assert {sku: after[sku] for sku in before} == before
    assert sorted(set(after) - set(before)) == ["DEMO-000013", "DEMO-000014", "DEMO-000015"]


def test_products_are_generated_from_the_seed(catalog):
    stored = list(Product.objects.order_by("sku").values_list("name", "min_price_minor"))
    leaves = demo_data._categories_ensure(demo_data.CatalogResult())
    rng = random.Random(demo_data.SEED)

    plans = [demo_data._product_plan(rng, n, leaves, dt.date(2026, 11, 1)) for n in range(1, 13)]

    assert [(p["product"].name, p["product"].min_price_minor) for p in plans] == stored


def test_category_tree_has_three_levels_and_products_sit_on_leaves(catalog):
    by_level = dict(Category.objects.values_list("level").annotate(n=Count("pk")))

    assert set(by_level) == {1, 2, 3}
    assert by_level[1] >= 8
    assert set(Product.objects.values_list("category__level", flat=True)) == {3}


def test_variants_have_options_realistic_weights_and_prices(catalog):
    per_product = Variant.objects.values("product").annotate(n=Count("pk"))

    assert {row["n"] for row in per_product} <= {2, 3, 4, 5, 6}
    for variant in Variant.objects.select_related("product"):
        assert variant.options
        assert set(variant.options) <= {"Color", "Size"}
        assert 20 <= variant.weight_g <= 5000
        assert 80 <= variant.price_minor <= 12000
        assert 1.8 * variant.price_minor <= variant.suggested_price_minor + 1
        assert variant.suggested_price_minor <= 3.0 * variant.price_minor + 1
        assert variant.length_mm * variant.width_mm * variant.height_mm > 0
        assert variant.image.product_id == variant.product_id
    for product in Product.objects.prefetch_related("variants"):
        prices = [v.price_minor for v in product.variants.all()]
        assert (product.min_price_minor, product.max_price_minor) == (min(prices), max(prices))


def test_images_are_shared_real_jpegs(catalog, media_root):
    paths = set(ProductImage.objects.values_list("image", flat=True))

    assert ProductImage.objects.count() == 3 * PRODUCTS
    assert len(list((media_root / demo_data.IMAGE_DIR).glob("product-??.jpg"))) == 60
    for name in paths:
        with Image.open(media_root / name) as picture:
            assert (picture.format, picture.size) == ("JPEG", (400, 400))


def test_demo_image_is_deterministic():
    first = demo_data.demo_image(7, size=64)

    assert demo_data.demo_image(7, size=64) == first
    assert demo_data.demo_image(8, size=64) != first
    assert Image.open(io.BytesIO(first)).size == (64, 64)


def test_reviews_are_rated_1_to_5_and_mostly_positive():
    demo_data.load_catalog(products=60)

    ratings = list(Review.objects.values_list("rating", flat=True))

    assert ratings
    assert set(ratings) <= {1, 2, 3, 4, 5}
    assert sum(r >= 4 for r in ratings) / len(ratings) > 0.6


def test_warehouses_cover_the_required_countries(catalog):
    codes = set(Warehouse.objects.values_list("code", flat=True))
    countries = set(Warehouse.objects.values_list("country", flat=True))

    assert {"CN-SZ", "CN-YW", "US-CA", "US-NJ", "DE-FR", "GB-LN", "FR-PA", "TH-BK", "ID-JK",
            "BR-SP"} <= codes  # fmt: skip
    assert countries == {"CN", "US", "DE", "GB", "FR", "TH", "ID", "BR"}
    assert Warehouse.objects.filter(kind=WarehouseKind.SUPPLIER).count() == 2
    assert not Warehouse.objects.filter(carriers=None).exists()


def test_stock_ledger_agrees_with_stock_rows(catalog):
    assert Stock.objects.exists()
    for row in Stock.objects.annotate(moved=Sum("movements__on_hand_delta")):
        assert row.moved == row.on_hand
        assert row.reserved == 0
    assert StockMovement.objects.count() == Stock.objects.count()


def test_rate_cards_reach_50_countries_on_6_lines(catalog):
    lines = RateCard.objects.values("line").distinct().count()
    countries = RateCard.objects.values("dest_country").distinct().count()

    assert lines >= 6
    assert countries >= 50
    assert RateCard.objects.exclude(postcode_prefix="").exists()
    assert RateCard.objects.exclude(remote_postcode_prefixes=[]).exists()
    ordinary = ShippingLine.objects.get(code="DY-PACKET")
    assert "battery" not in ordinary.allowed_properties
    assert "battery" in ShippingLine.objects.get(code="DY-PACKET-S").allowed_properties
    assert set(
        RateCard.objects.filter(line__code="US-GROUND").values_list("origin_country", flat=True)
    ) == {"US"}


def test_demo_products_are_searchable(catalog):
    product = Product.objects.order_by("sku").first()
    word = product.name.split()[-1]

    total, found = product_search(keyword=word, limit=50)

    assert total >= 1
    assert product in found


def test_three_line_cart_gets_quotes_to_the_us(catalog):
    variants = list(Variant.objects.select_related("product").order_by("sku")[:3])

    quote = freight_quote(
        items=[(v, 1) for v in variants], origin_country="CN", dest_country="US", postcode="10001"
    )

    assert quote.available
    assert {o.line.code for o in quote.available} <= {
        "DY-PACKET", "DY-PACKET-S", "DY-ECONOMY", "DY-EXPRESS", "SEA-FREIGHT"
    }  # fmt: skip


def test_demo_videos_creation_times_and_listings():
    demo_data.load_catalog(products=demo_data.VIDEO_EVERY * 2)

    videos = list(Product.objects.exclude(video_url="").order_by("sku").values_list("video_url"))
    assert videos == [
        (f"https://media.dropyard.example/videos/{demo_data.demo_sku(n)}.mp4",)
        for n in (demo_data.VIDEO_EVERY, demo_data.VIDEO_EVERY * 2)
    ]
    # No demo merchant saved anything to My Products, so nothing is listed.
    assert set(Product.objects.values_list("listed_count", flat=True)) == {0}
    ages = {
        sku: (dt.datetime.now(dt.UTC) - created).days
        for sku, created in Product.objects.values_list("sku", "created_at")
    }
    assert ages[demo_data.demo_sku(1)] == 7919 % demo_data.CREATED_WITHIN_DAYS
    assert max(ages.values()) < demo_data.CREATED_WITHIN_DAYS
    assert len(set(ages.values())) > 40  # spread, not all "now"
