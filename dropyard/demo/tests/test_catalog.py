"""The generated demo catalog (``demo.catalog``)."""

import datetime as dt
import io
import random
from pathlib import Path

import pytest
from django.db.models import Count, Sum
from PIL import Image

from dropyard.catalog.models import Category, Product, Review, Variant
from dropyard.catalog.search import product_search
from dropyard.demo import catalog as demo_data
from dropyard.demo.catalog_data import TREE
from dropyard.demo.drawings import COLOURS, DRAWINGS
from dropyard.demo.pictures import DRAWING_VERSION, picture_jpeg
from dropyard.demo.product_specs import FEATURE_ADJECTIVES, MATERIAL_ADJECTIVES, product_spec
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


def test_products_have_one_drawn_picture_per_colour_with_its_copies(catalog, media_root):
    for product in Product.objects.prefetch_related("images", "variants"):
        spec = product_spec(product.category.name, _noun(product))
        colours = list(dict.fromkeys(v.options["Color"] for v in product.variants.all()
                                     if "Color" in v.options))[:3]  # fmt: skip
        images = list(product.images.all())
        names = [i.image.name for i in images]

        assert [i.position for i in images] == list(range(len(images)))
        if colours:
            expected = [
                f"{demo_data.IMAGE_DIR}/{spec.drawing}-{c.lower()}-v{DRAWING_VERSION}.jpg"
                for c in colours
            ]
            assert names == expected
        else:
            assert len(names) == 1
            assert names[0].startswith(f"{demo_data.IMAGE_DIR}/{spec.drawing}-")
        for variant in product.variants.all():
            colour = variant.options.get("Color")
            own = colour in colours
            assert variant.image_id == (images[colours.index(colour)] if own else images[0]).pk
        for image in images:
            assert (image.width, image.height) == (640, 640)
            with Image.open(media_root / image.image.name) as picture:
                assert (picture.format, picture.size) == ("JPEG", (640, 640))
            assert sorted(image.renditions, key=int) == ["64", "160", "320", "640"]
            for width, name in image.renditions.items():
                with Image.open(media_root / name) as copy:
                    assert copy.size == (int(width), int(width))


def test_a_picture_is_drawn_in_the_variant_colour():
    red = Image.open(io.BytesIO(picture_jpeg("phone_case", "Red"))).convert("RGB")
    blue = Image.open(io.BytesIO(picture_jpeg("phone_case", "Blue"))).convert("RGB")

    def share_near(picture, rgb):
        raw = picture.resize((160, 160)).tobytes()
        pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
        near = sum(1 for p in pixels if sum(abs(a - b) for a, b in zip(p, rgb, strict=True)) < 40)
        return near / len(pixels)

    assert share_near(red, COLOURS["Red"]) > 0.05
    assert share_near(red, COLOURS["Blue"]) < 0.005
    assert share_near(blue, COLOURS["Blue"]) > 0.05


def test_demo_picture_is_deterministic():
    first = picture_jpeg("earbuds", "White", size=64)

    assert picture_jpeg("earbuds", "White", size=64) == first
    assert picture_jpeg("earbuds", "Black", size=64) != first
    assert picture_jpeg("speaker", "White", size=64) != first
    assert Image.open(io.BytesIO(first)).size == (64, 64)


def test_every_drawing_renders():
    for drawing in DRAWINGS:
        assert Image.open(io.BytesIO(picture_jpeg(drawing, "Green", size=32))).size == (32, 32)


def test_every_product_agrees_with_its_category_spec():
    demo_data.load_catalog(products=40)
    seen_drawings = set()

    for product in Product.objects.select_related("category"):
        spec = product_spec(product.category.name, _noun(product))
        adjective = product.name.split(" ")[0]
        seen_drawings.add(spec.drawing)

        assert product.hs_code == spec.hs_code
        assert product.material in spec.materials
        assert f"Made of {product.material.lower()}," in product.description_html
        assert f"<li>{spec.feature}</li>" in product.description_html
        if product.name.startswith("Stainless Steel "):
            assert product.material == "Stainless steel"
        elif adjective in MATERIAL_ADJECTIVES:
            assert product.material == MATERIAL_ADJECTIVES[adjective]
        if adjective in FEATURE_ADJECTIVES:
            assert FEATURE_ADJECTIVES[adjective] in product.properties
    assert (
        not Product.objects.filter(hs_code="9503.00")
        .exclude(category__name__in=["Building Toys", "STEM Kits", "Craft Supplies", "Cat Toys"])
        .exists()
    )
    assert len(seen_drawings) >= 15


def _noun(product: Product) -> str:
    """The product noun inside a demo name ("Compact Car Phone Mount Pro" → "Car Phone Mount")."""
    return max((n for n in _leaf_nouns()[product.category.name] if n in product.name), key=len)


def _leaf_nouns() -> dict[str, list[str]]:
    return {
        leaf: [noun[0] for noun in nouns]
        for mids in TREE.values()
        for leaves in mids.values()
        for leaf, nouns in leaves.items()
    }


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
