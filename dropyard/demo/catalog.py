"""Generated demo catalog: categories, products, variants, images, reviews, warehouses, stock,
carriers, shipping lines and rate cards (called by ``demo.loader.demo_load``).

Deterministic: one seeded ``random.Random`` drives every choice, so the same ``products`` count
gives the same catalog. Idempotent: reference data (categories, carriers, warehouses, lines,
rate cards) is looked up by its natural key, and products by their demo SKU
(``DEMO-000001``…), so a second run creates nothing. Rows are written with ``bulk_create``
because going through the one-row services for thousands of products would take minutes; the
stock rows get their opening ``receipt`` movement in the same transaction, so the stock ledger
agrees with the stock rows exactly as the inventory invariant requires.
"""

import datetime as dt
import io
import itertools
import os
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from dropyard.catalog.models import Category, Product, ProductImage, Review, ReviewPhoto, Variant
from dropyard.catalog.search import search_index_rebuild
from dropyard.core.ids import new_public_id
from dropyard.inventory.choices import MovementKind, WarehouseKind
from dropyard.inventory.models import Stock, StockMovement, Warehouse
from dropyard.logistics.choices import PricingMode
from dropyard.logistics.models import Carrier, RateCard, ShippingLine

DEFAULT_PRODUCTS = 2000
SEED = 20261122
SKU_PREFIX = "DEMO-"
IMAGE_COUNT = 60
IMAGE_DIR = "demo/catalog"  # under MEDIA_ROOT
BATCH = 1000
# A few demo products have a (placeholder, reserved .example domain) video URL: isVideo,
# productType 10/11 and productFlag 2 have something to find.
VIDEO_EVERY = 40
DEMO_VIDEO_URL = "https://media.dropyard.example/videos/{sku}.mp4"
CREATED_WITHIN_DAYS = 540  # demo products were "created" over the last ~18 months

# --- category tree and product vocabulary ------------------------------------------------------

# top → mid → leaf → product nouns. Each noun: (name, min g, max g, shipping properties).
Noun = tuple[str, int, int, tuple[str, ...]]
TREE: dict[str, dict[str, dict[str, tuple[Noun, ...]]]] = {
    "Phones & Accessories": {
        "Phone Accessories": {
            "Phone Mounts": (
                ("Car Phone Mount", 60, 180, ("magnetic",)),
                ("Bike Phone Holder", 80, 200, ()),
                ("Desk Phone Stand", 90, 300, ()),
            ),
            "Cases & Covers": (
                ("Phone Case", 20, 60, ()),
                ("Card Wallet Case", 40, 90, ("magnetic",)),
                ("Screen Protector Pack", 20, 50, ()),
            ),
        },
        "Power & Cables": {
            "Chargers": (
                ("Wireless Charger", 80, 200, ("magnetic",)),
                ("Power Bank", 180, 450, ("battery",)),
                ("Wall Charger", 50, 120, ()),
            ),
            "Cables": (
                ("USB-C Cable", 25, 80, ()),
                ("Braided Lightning Cable", 25, 70, ()),
            ),
        },
    },
    "Home & Kitchen": {
        "Kitchen Tools": {
            "Baking": (
                ("Baking Mat Set", 120, 400, ()),
                ("Cookie Cutter Set", 80, 250, ()),
                ("Piping Bag Kit", 60, 200, ()),
            ),
            "Knives & Cutting": (
                ("Vegetable Chopper", 250, 800, ("sharp",)),
                ("Chef Knife", 150, 350, ("sharp",)),
                ("Bamboo Cutting Board", 400, 1500, ()),
            ),
        },
        "Storage & Organisation": {
            "Kitchen Storage": (
                ("Food Storage Containers", 300, 1800, ()),
                ("Spice Rack Organizer", 300, 1200, ()),
            ),
            "Closet Organisers": (
                ("Drawer Divider Set", 150, 600, ()),
                ("Hanging Shoe Organizer", 200, 700, ()),
            ),
        },
    },
    "Beauty & Health": {
        "Skin Care": {
            "Face Care": (
                ("Facial Cleansing Brush", 100, 250, ("battery",)),
                ("Vitamin C Serum", 60, 150, ("liquid",)),
                ("Jade Face Roller", 80, 200, ()),
            ),
            "Body Care": (
                ("Body Scrub", 200, 500, ("liquid",)),
                ("Massage Oil", 120, 350, ("liquid",)),
            ),
        },
        "Hair Tools": {
            "Styling": (
                ("Hair Straightener Brush", 300, 700, ()),
                ("Cordless Hair Clipper", 200, 450, ("battery",)),
            ),
            "Hair Accessories": (
                ("Silk Scrunchie Set", 20, 80, ()),
                ("Claw Clip Set", 30, 120, ()),
            ),
        },
    },
    "Pet Supplies": {
        "Dogs": {
            "Dog Toys": (
                ("Chew Rope Toy", 100, 300, ()),
                ("Squeaky Plush Toy", 60, 200, ()),
            ),
            "Dog Walking": (
                ("Retractable Dog Leash", 200, 500, ()),
                ("LED Dog Collar", 40, 100, ("battery",)),
            ),
        },
        "Cats": {
            "Cat Toys": (
                ("Interactive Laser Toy", 60, 150, ("battery",)),
                ("Feather Wand Toy", 30, 100, ()),
            ),
            "Cat Care": (
                ("Self Cleaning Cat Brush", 80, 200, ()),
                ("Cat Water Fountain", 600, 1500, ()),
            ),
        },
    },
    "Sports & Outdoors": {
        "Fitness": {
            "Yoga": (
                ("Yoga Mat", 800, 2000, ()),
                ("Resistance Band Set", 150, 500, ()),
            ),
            "Strength": (
                ("Adjustable Dumbbell", 2000, 5000, ()),
                ("Ab Roller Wheel", 500, 1200, ()),
            ),
        },
        "Camping & Hiking": {
            "Camping Gear": (
                ("Camping Lantern", 200, 600, ("battery",)),
                ("Folding Camping Knife", 80, 200, ("sharp",)),
                ("Compact Hammock", 400, 900, ()),
            ),
            "Hydration": (
                ("Collapsible Water Bottle", 80, 250, ()),
                ("Insulated Tumbler", 250, 500, ()),
            ),
        },
    },
    "Toys & Hobbies": {
        "Educational Toys": {
            "Building Toys": (
                ("Magnetic Building Tiles", 500, 2500, ("magnetic",)),
                ("Wooden Puzzle Set", 200, 800, ()),
            ),
            "STEM Kits": (
                ("Solar Robot Kit", 200, 600, ()),
                ("Crystal Growing Kit", 300, 700, ("powder",)),
            ),
        },
        "Party & Crafts": {
            "Craft Supplies": (
                ("Diamond Painting Kit", 100, 400, ()),
                ("Glitter Slime Kit", 200, 600, ("liquid",)),
            ),
            "Party Supplies": (
                ("LED Balloon Set", 80, 250, ("battery",)),
                ("Birthday Banner Set", 40, 150, ()),
            ),
        },
    },
    "Consumer Electronics": {
        "Audio": {
            "Earphones": (
                ("Wireless Earbuds", 40, 120, ("battery",)),
                ("Bone Conduction Headphones", 30, 90, ("battery",)),
            ),
            "Speakers": (
                ("Portable Bluetooth Speaker", 250, 900, ("battery",)),
                ("Shower Speaker", 150, 350, ("battery",)),
            ),
        },
        "Smart Gadgets": {
            "Smart Home": (
                ("Smart Plug", 80, 150, ()),
                ("Motion Sensor Night Light", 60, 150, ("battery",)),
            ),
            "Wearables": (
                ("Fitness Tracker Band", 20, 60, ("battery",)),
                ("Smart Watch Strap", 20, 50, ()),
            ),
        },
    },
    "Home Improvement": {
        "Lighting": {
            "LED Strips": (
                ("LED Strip Lights", 150, 600, ()),
                ("Under Cabinet Light", 100, 300, ("magnetic",)),
            ),
            "Lamps": (
                ("Sunset Projection Lamp", 300, 700, ()),
                ("Moon Lamp", 200, 900, ("battery",)),
            ),
        },
        "Tools": {
            "Hand Tools": (
                ("Precision Screwdriver Set", 150, 500, ("magnetic",)),
                ("Utility Knife", 80, 200, ("sharp",)),
            ),
            "Measuring": (
                ("Laser Tape Measure", 100, 250, ("battery",)),
                ("Digital Caliper", 120, 250, ("battery",)),
            ),
        },
    },
    "Automotive": {
        "Interior Accessories": {
            "Car Organisers": (
                ("Car Seat Gap Filler", 100, 300, ()),
                ("Trunk Organizer", 800, 2500, ()),
            ),
            "Car Cleaning": (
                ("Handheld Car Vacuum", 600, 1400, ("battery",)),
                ("Microfiber Cleaning Cloth Set", 100, 400, ()),
            ),
        },
        "Exterior Accessories": {
            "Car Covers": (
                ("Windshield Sun Shade", 300, 900, ()),
                ("Waterproof Car Cover", 1500, 4800, ()),
            ),
        },
    },
}

ADJECTIVES = (
    "Magnetic", "Silicone", "Portable", "Foldable", "Premium", "Mini", "Ultra-Thin", "Heavy Duty",
    "Waterproof", "Eco-Friendly", "Adjustable", "Rechargeable", "Compact", "Deluxe", "Minimalist",
    "Ergonomic", "Non-Slip", "Stainless Steel", "Bamboo", "Vintage", "Classic", "Travel",
)  # fmt: skip
SUFFIXES = ("", "", "", "", " Set", " 2-Pack", " Pro", " Kit", " with Storage Bag", " Plus")
COLORS = ("Black", "White", "Pink", "Blue", "Green", "Grey", "Red", "Beige", "Purple", "Yellow")
SIZES = ("XS", "S", "M", "L", "XL", "XXL")
MATERIALS = ("ABS plastic", "Silicone", "Aluminium alloy", "Cotton", "Bamboo", "Polyester",
             "Stainless steel", "Glass", "Wood", "TPU")  # fmt: skip
PACKING = ("OPP bag", "Color box", "Bubble bag", "Kraft box", "Blister pack")
HS_CODES = ("8517.62", "3924.10", "8504.40", "9503.00", "6307.90", "4202.92", "8518.30")

REVIEW_TEXTS = (
    (5, "Exactly as pictured, my customers love it."),
    (5, "Great quality for the price, arrived well packed."),
    (5, "Second order, still perfect. Will restock."),
    (4, "Good product, shipping took a few days longer than quoted."),
    (4, "Nice finish. The colour is slightly darker than the photos."),
    (3, "Does the job, packaging could be better."),
    (2, "One unit arrived scratched; support replaced it."),
    (1, "Stopped working after a week."),
)
RATINGS = (5, 4, 3, 2, 1)
RATING_WEIGHTS = (60, 24, 8, 5, 3)  # skewed positive, as real marketplaces are
REVIEWER_FIRST = ("Emma", "Liam", "Sofia", "Noah", "Mia", "Lucas", "Chloe", "Mateo", "Aiko",
                  "Hannah", "Omar", "Priya", "Jonas", "Camille", "Diego", "Ava")  # fmt: skip
REVIEW_COUNTRIES = ("US", "US", "US", "GB", "DE", "FR", "CA", "AU", "BR", "ES", "IT", "NL")

# --- warehouses, carriers, lines, destinations -------------------------------------------------

# code, name, country, region, city, kind, carrier codes
WAREHOUSES: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("CN-SZ", "Shenzhen Warehouse", "CN", "Guangdong", "Shenzhen", "platform",
     ("dypost", "dyexpress", "seafreight")),
    ("CN-YW", "Yiwu Warehouse", "CN", "Zhejiang", "Yiwu", "platform",
     ("dypost", "dyexpress", "seafreight")),
    ("US-CA", "US West Warehouse", "US", "California", "Ontario", "platform",
     ("usground", "dyexpress")),
    ("US-NJ", "US East Warehouse", "US", "New Jersey", "Edison", "platform",
     ("usground", "dyexpress")),
    ("DE-FR", "Germany Warehouse", "DE", "Hesse", "Frankfurt", "platform",
     ("eulocal", "dyexpress")),
    ("GB-LN", "UK Warehouse", "GB", "England", "London", "platform", ("eulocal", "dyexpress")),
    ("FR-PA", "France Warehouse", "FR", "Île-de-France", "Paris", "platform", ("eulocal",)),
    ("TH-BK", "Thailand Warehouse", "TH", "Bangkok", "Bangkok", "platform", ("asialocal",)),
    ("ID-JK", "Indonesia Warehouse", "ID", "Jakarta", "Jakarta", "platform", ("asialocal",)),
    ("BR-SP", "Brazil Warehouse", "BR", "São Paulo", "São Paulo", "platform", ("brlocal",)),
    ("CN-SZ-F1", "Shenzhen Bright Gadgets Factory", "CN", "Guangdong", "Shenzhen", "supplier",
     ("dypost",)),
    ("CN-YW-F1", "Yiwu Home Goods Factory", "CN", "Zhejiang", "Yiwu", "supplier", ("dypost",)),
)  # fmt: skip
PLATFORM_STOCK_WEIGHTS = {"CN-SZ": 10, "CN-YW": 8, "US-CA": 4, "US-NJ": 4, "DE-FR": 3,
                          "GB-LN": 2, "FR-PA": 2, "TH-BK": 1, "ID-JK": 1, "BR-SP": 1}  # fmt: skip

CARRIERS: tuple[tuple[str, str, str], ...] = (
    ("dypost", "Dropyard Post", "https://track.dropyard.example/{number}"),
    ("dyexpress", "Dropyard Express", "https://express.dropyard.example/track/{number}"),
    ("usground", "US Ground Partner", "https://usground.example/track?n={number}"),
    ("eulocal", "EU Parcel Partner", "https://euparcel.example/{number}"),
    ("asialocal", "Asia Parcel Partner", "https://asiaparcel.example/{number}"),
    ("brlocal", "Brazil Parcel Partner", "https://brparcel.example/{number}"),
    ("seafreight", "Dropyard Sea Freight", ""),
)

# Destination country → region. 60 countries.
COUNTRIES: dict[str, str] = {
    **dict.fromkeys(("US", "CA", "MX"), "north_america"),
    **dict.fromkeys(
        ("GB", "DE", "FR", "IT", "ES", "NL", "BE", "AT", "CH", "IE", "PT", "DK", "SE", "NO",
         "FI", "PL", "CZ", "HU", "RO", "GR", "SK", "SI", "HR", "LU", "EE", "LV", "LT", "BG"),
        "europe",
    ),
    **dict.fromkeys(("AU", "NZ"), "oceania"),
    **dict.fromkeys(("JP", "KR", "SG", "MY", "TH", "ID", "PH", "VN", "TW", "HK", "IN"), "asia"),
    **dict.fromkeys(("AE", "SA", "IL", "TR", "QA", "KW"), "middle_east"),
    **dict.fromkeys(("BR", "CL", "CO", "PE", "AR"), "latin_america"),
    **dict.fromkeys(("ZA", "NG", "EG", "KE", "MA"), "africa"),
}  # fmt: skip
EU = tuple(c for c, region in COUNTRIES.items() if region == "europe")
SEA = ("TH", "ID", "MY", "SG", "PH", "VN")
# region → (first 100 g price, per extra 100 g, min days, max days) for the ordinary packet
REGION_PRICING: dict[str, tuple[int, int, int, int]] = {
    "north_america": (420, 95, 8, 15),
    "europe": (390, 85, 7, 14),
    "oceania": (450, 110, 9, 16),
    "asia": (250, 60, 5, 10),
    "middle_east": (480, 120, 10, 18),
    "latin_america": (620, 150, 15, 30),
    "africa": (680, 160, 15, 35),
}


@dataclass(frozen=True)
class LineSpec:
    """One demo shipping line: who carries it, what it may carry and where it goes from."""

    code: str
    name: str
    carrier: str
    tracked: bool
    allowed: tuple[str, ...]
    max_weight_g: int
    divisor: int
    price_factor: float  # × the region's packet price
    days_factor: float
    routes: tuple[tuple[str, tuple[str, ...]], ...]  # (origin, destinations)
    bands: bool = False


LINES: tuple[LineSpec, ...] = (
    LineSpec("DY-PACKET", "Dropyard Packet Ordinary", "dypost", True, ("magnetic",), 2000, 8000,
             1.0, 1.0, (("CN", tuple(COUNTRIES)),)),
    LineSpec("DY-PACKET-S", "Dropyard Packet Sensitive", "dypost", True,
             ("battery", "liquid", "powder", "magnetic"), 2000, 8000, 1.3, 1.15,
             (("CN", tuple(COUNTRIES)),)),
    LineSpec("DY-ECONOMY", "Dropyard Economy Untracked", "dypost", False, (), 500, 8000,
             0.6, 1.8, (("CN", tuple(COUNTRIES)),)),
    LineSpec("DY-EXPRESS", "Dropyard Express (DHL-like)", "dyexpress", True,
             ("battery", "magnetic", "sharp"), 30000, 5000, 3.2, 0.3,
             (("CN", tuple(COUNTRIES)), ("US", tuple(COUNTRIES)), ("DE", tuple(COUNTRIES)),
              ("GB", tuple(COUNTRIES)))),
    LineSpec("US-GROUND", "US Local Ground", "usground", True,
             ("battery", "liquid", "magnetic", "sharp"), 30000, 5000, 0.9, 0.35,
             (("US", ("US",)),)),
    LineSpec("EU-LOCAL", "EU Local Parcel", "eulocal", True,
             ("battery", "liquid", "magnetic", "sharp"), 20000, 5000, 1.1, 0.3,
             (("DE", EU), ("FR", EU), ("GB", ("GB", "IE")))),
    LineSpec("ASIA-LOCAL", "SEA Local Parcel", "asialocal", True,
             ("battery", "liquid", "magnetic"), 20000, 5000, 0.8, 0.4,
             (("TH", SEA), ("ID", SEA))),
    LineSpec("BR-LOCAL", "Brazil Local Parcel", "brlocal", True,
             ("battery", "liquid", "magnetic", "sharp"), 30000, 6000, 0.9, 0.4,
             (("BR", ("BR",)),)),
    LineSpec("SEA-FREIGHT", "Dropyard Sea Freight", "seafreight", True,
             ("battery", "liquid", "powder", "magnetic", "sharp"), 0, 6000, 0.5, 3.0,
             (("CN", ("US", "CA", "GB", "DE", "FR", "IT", "ES", "NL", "AU", "JP", "BR", "AE")),),
             bands=True),
)  # fmt: skip
# Postcode-specific cards: (line code, origin, dest, prefix, price factor) and remote prefixes.
POSTCODE_CARDS = (
    ("US-GROUND", "US", "US", "9", 1.15),  # the west coast is farther from the NJ-priced base
    ("US-GROUND", "US", "US", "0", 0.95),
    ("EU-LOCAL", "DE", "DE", "1", 0.9),
)
REMOTE_PREFIXES: dict[str, tuple[str, ...]] = {
    "US": ("995", "996", "997", "998", "999", "967", "968"),  # Alaska, Hawaii
    "GB": ("BT", "HS", "ZE", "KW", "IV"),  # Northern Ireland, Highlands and Islands
    "FR": ("97", "20"),  # overseas departments, Corsica
    "ES": ("35", "38", "07"),  # Canaries, Balearics
    "AU": ("08", "09", "67"),
    "BR": ("69", "68"),
}


@dataclass
class CatalogResult:
    """What :func:`load_catalog` created (counts of new rows by kind) and how many are there."""

    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def load_catalog(*, products: int = DEFAULT_PRODUCTS) -> CatalogResult:
    """Create the demo catalog, warehouses, stock and logistics reference data.

    Invariant: idempotent per ``products`` — a second run with the same count creates nothing;
    a run with a larger count adds only the missing products. Rebuilds the search index when
    products were added.
    """
    rng = random.Random(SEED)
    result = CatalogResult()
    carriers = _carriers_ensure(result)
    warehouses = _warehouses_ensure(carriers, result)
    lines = _lines_ensure(carriers, result)
    _rate_cards_ensure(lines, result)
    leaves = _categories_ensure(result)
    images = _image_files_ensure()
    new_products = _products_ensure(rng, products, leaves, images, warehouses, result)
    if new_products:
        search_index_rebuild()
    result.totals = {
        "categories": Category.objects.count(),
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "images": ProductImage.objects.count(),
        "reviews": Review.objects.count(),
        "warehouses": Warehouse.objects.count(),
        "stock rows": Stock.objects.count(),
        "shipping lines": ShippingLine.objects.count(),
        "rate cards": RateCard.objects.count(),
        "destination countries": RateCard.objects.values("dest_country").distinct().count(),
    }
    return result


# --- reference data ---------------------------------------------------------------------------


def _count(result: CatalogResult, kind: str, n: int) -> None:
    if n:
        result.created[kind] = result.created.get(kind, 0) + n


def _carriers_ensure(result: CatalogResult) -> dict[str, Carrier]:
    existing = {c.code: c for c in Carrier.objects.filter(code__in=[c[0] for c in CARRIERS])}
    missing = [
        Carrier(code=code, name=name, tracking_url_template=url)
        for code, name, url in CARRIERS
        if code not in existing
    ]
    Carrier.objects.bulk_create(missing)
    _count(result, "carriers", len(missing))
    return {c.code: c for c in Carrier.objects.filter(code__in=[c[0] for c in CARRIERS])}


def _warehouses_ensure(carriers: dict[str, Carrier], result: CatalogResult) -> list[Warehouse]:
    codes = [w[0] for w in WAREHOUSES]
    existing = set(Warehouse.objects.filter(code__in=codes).values_list("code", flat=True))
    for code, name, country, region, city, kind, carrier_codes in WAREHOUSES:
        if code in existing:
            continue
        warehouse = Warehouse.objects.create(
            code=code,
            name=name,
            country=country,
            region=region,
            city=city,
            address1=f"{len(name) * 7} Logistics Park Road",
            postcode=f"{len(city) * 1111:05d}"[:5],
            contact_name=f"{city} Warehouse Desk",
            contact_phone="+00 000 0000",
            kind=WarehouseKind.SUPPLIER if kind == "supplier" else WarehouseKind.PLATFORM,
        )
        warehouse.carriers.set([carriers[c] for c in carrier_codes])
        _count(result, "warehouses", 1)
    order = {code: i for i, code in enumerate(codes)}
    return sorted(Warehouse.objects.filter(code__in=codes), key=lambda w: order[w.code])


def _lines_ensure(carriers: dict[str, Carrier], result: CatalogResult) -> dict[str, ShippingLine]:
    existing = set(ShippingLine.objects.values_list("code", flat=True))
    missing = [
        ShippingLine(
            code=spec.code,
            name=spec.name,
            carrier=carriers[spec.carrier],
            is_tracked=spec.tracked,
            allowed_properties=list(spec.allowed),
            max_weight_g=spec.max_weight_g,
            volumetric_divisor=spec.divisor,
        )
        for spec in LINES
        if spec.code not in existing
    ]
    ShippingLine.objects.bulk_create(missing)
    _count(result, "shipping lines", len(missing))
    return {
        line.code: line for line in ShippingLine.objects.filter(code__in=[s.code for s in LINES])
    }


def rate_card_rows(lines: dict[str, ShippingLine]) -> list[RateCard]:
    """Every demo rate card (unsaved), priced by destination region and the line's factors."""
    cards: list[RateCard] = []
    factors = {spec.code: spec for spec in LINES}
    for spec in LINES:
        for origin, dests in spec.routes:
            for dest in dests:
                cards.append(_card(lines[spec.code], spec, origin, dest, "", 1.0))
    for code, origin, dest, prefix, factor in POSTCODE_CARDS:
        cards.append(_card(lines[code], factors[code], origin, dest, prefix, factor))
    return cards


def _card(
    line: ShippingLine, spec: LineSpec, origin: str, dest: str, prefix: str, factor: float
) -> RateCard:
    first, step, min_days, max_days = REGION_PRICING[COUNTRIES[dest]]
    if origin == dest:  # domestic legs are cheap and quick whatever the region
        first, step, min_days, max_days = 450, 60, 3, 8
    price = spec.price_factor * factor
    min_days = max(1, round(min_days * spec.days_factor))
    max_days = max(min_days + 1, round(max_days * spec.days_factor))
    card = RateCard(
        line=line,
        origin_country=origin,
        dest_country=dest,
        postcode_prefix=prefix,
        handling_fee_minor=round(80 * price),
        remote_surcharge_minor=round(350 * price) if dest in REMOTE_PREFIXES else 0,
        remote_postcode_prefixes=list(REMOTE_PREFIXES.get(dest, ())),
        min_days=min_days,
        max_days=max_days,
    )
    if spec.bands:
        card.pricing_mode = PricingMode.BANDS
        card.bands = [
            {"max_g": max_g, "price_minor": round(first * price * mult)}
            for max_g, mult in ((5000, 6), (10000, 9), (20000, 14), (50000, 25), (100000, 40))
        ]
    else:
        card.pricing_mode = PricingMode.FIRST_ADDITIONAL
        card.first_weight_g = 100
        card.first_price_minor = round(first * price)
        card.step_weight_g = 100
        card.step_price_minor = round(step * price)
    return card


def _rate_cards_ensure(lines: dict[str, ShippingLine], result: CatalogResult) -> None:
    existing = set(
        RateCard.objects.filter(line__in=lines.values()).values_list(
            "line_id", "origin_country", "dest_country", "postcode_prefix"
        )
    )
    missing = [
        card
        for card in rate_card_rows(lines)
        if (card.line_id, card.origin_country, card.dest_country, card.postcode_prefix)
        not in existing
    ]
    RateCard.objects.bulk_create(missing, batch_size=BATCH)
    _count(result, "rate cards", len(missing))


def _categories_ensure(result: CatalogResult) -> list[tuple[Category, tuple[Noun, ...]]]:
    """The three-level tree; returns its leaves with their product nouns, in tree order."""
    leaves: list[tuple[Category, tuple[Noun, ...]]] = []
    for top_pos, (top_name, mids) in enumerate(TREE.items()):
        top = _category_ensure(top_name, None, 1, top_pos, result)
        for mid_pos, (mid_name, leaf_map) in enumerate(mids.items()):
            mid = _category_ensure(mid_name, top, 2, mid_pos, result)
            for leaf_pos, (leaf_name, nouns) in enumerate(leaf_map.items()):
                leaves.append((_category_ensure(leaf_name, mid, 3, leaf_pos, result), nouns))
    return leaves


def _category_ensure(
    name: str, parent: Category | None, level: int, position: int, result: CatalogResult
) -> Category:
    category, created = Category.objects.get_or_create(
        name=name, parent=parent, defaults={"level": level, "position": position}
    )
    _count(result, "categories", int(created))
    return category


# --- images -----------------------------------------------------------------------------------

PALETTE = ((244, 236, 224), (222, 236, 246), (232, 244, 228), (250, 228, 232), (236, 232, 248),
           (252, 244, 214), (230, 230, 230), (214, 240, 240))  # fmt: skip
INK = ((31, 58, 92), (120, 40, 60), (30, 100, 70), (90, 60, 140), (200, 90, 30), (40, 40, 40))


def demo_image(index: int, size: int = 400) -> bytes:
    """A small JPEG: a pastel background, a few shapes and two initials (deterministic)."""
    rng = random.Random(SEED + index)
    image = Image.new("RGB", (size, size), PALETTE[index % len(PALETTE)])
    draw = ImageDraw.Draw(image)
    ink = INK[index % len(INK)]
    for _ in range(3):
        w, h = rng.randrange(size // 7, size // 2), rng.randrange(size // 7, size // 2)
        x, y = rng.randrange(0, size - w), rng.randrange(0, size - h)
        shade = tuple(min(255, c + rng.randrange(60, 140)) for c in ink)
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + w, y + h), fill=shade)
        else:
            draw.rounded_rectangle((x, y, x + w, y + h), radius=size // 20, fill=shade)
    initials = chr(65 + index % 26) + chr(65 + (index * 7) % 26)
    draw.text((size * 0.38, size * 0.4), initials, fill=ink, font_size=size // 6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _image_files_ensure() -> list[str]:
    """Write the shared demo pictures once; products reuse them (keeps the data dir small)."""
    folder = Path(settings.MEDIA_ROOT) / IMAGE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(IMAGE_COUNT):
        name = f"{IMAGE_DIR}/product-{index:02d}.jpg"
        path = Path(settings.MEDIA_ROOT) / name
        if not path.exists():
            _write_atomic(path, demo_image(index))
        thumb = path.with_name(f"product-{index:02d}-thumb.jpg")
        if not thumb.exists():
            _write_atomic(thumb, demo_image(index, size=160))
        names.append(name)
    return names


def _write_atomic(path: Path, data: bytes) -> None:
    # Another process (a parallel test worker, a second `dropyard demo`) may write the same file.
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


# --- products ---------------------------------------------------------------------------------


def public_ids() -> Iterable[str]:
    """Consecutive public ids from a fresh time-ordered one.

    Thousands of rows are built within a few milliseconds, where independent random ids
    (22 random bits per millisecond) would collide; consecutive ids cannot.
    """
    return map(str, itertools.count(int(new_public_id())))


def demo_sku(number: int) -> str:
    return f"{SKU_PREFIX}{number:06d}"


def _products_ensure(
    rng: random.Random,
    count: int,
    leaves: Sequence[tuple[Category, tuple[Noun, ...]]],
    images: Sequence[str],
    warehouses: Sequence[Warehouse],
    result: CatalogResult,
) -> int:
    """Generate products 1..count in order (so the RNG stream is the same on every run) and
    insert those whose SKU is missing, with their variants, images, reviews and stock."""
    existing = set(Product.objects.filter(sku__startswith=SKU_PREFIX).values_list("sku", flat=True))
    today = dt.date(2026, 11, 1)
    plans = [_product_plan(rng, n, leaves, today) for n in range(1, count + 1)]
    todo = [plan for plan in plans if plan["product"].sku not in existing]
    ids = iter(public_ids())
    for plan in todo:
        plan["product"].public_id = next(ids)
        for variant in plan["variants"]:
            variant.public_id = next(ids)
        for review, _ in plan["reviews"]:
            review.public_id = next(ids)
    for start in range(0, len(todo), BATCH):
        _products_insert(todo[start : start + BATCH], images, warehouses, result)
    return len(todo)


def _product_plan(
    rng: random.Random, number: int, leaves: Sequence[tuple[Category, tuple[Noun, ...]]], today
) -> dict:
    category, nouns = leaves[rng.randrange(len(leaves))]
    noun, min_g, max_g, props = nouns[rng.randrange(len(nouns))]
    name = f"{rng.choice(ADJECTIVES)} {noun}{rng.choice(SUFFIXES)}"
    base_weight = rng.randint(min_g, max_g)
    base_price = _price_for_weight(rng, base_weight)
    option_kind = rng.choice(("Color", "Color", "Color+Size", "Size"))
    n_variants = rng.randint(2, 6)
    variants = []
    colors = rng.sample(COLORS, k=min(n_variants, len(COLORS)))
    for position in range(n_variants):
        if option_kind == "Color":
            options = {"Color": colors[position]}
        elif option_kind == "Size":
            options = {"Size": SIZES[position]}
        else:
            options = {
                "Color": colors[position // 2 % len(colors)],
                "Size": SIZES[position % 2 + 2],
            }
        weight = max(20, min(5000, round(base_weight * (1 + 0.08 * position))))
        price = min(12000, max(80, round(base_price * (1 + 0.05 * position))))
        side = max(30, round((weight * 4000) ** (1 / 3)))  # roughly 0.25 g/cm³ packed
        variants.append(
            Variant(
                sku=f"{demo_sku(number)}-{position + 1}",
                options=options,
                weight_g=weight,
                length_mm=round(side * 1.4),
                width_mm=side,
                height_mm=max(10, round(side * 0.5)),
                price_minor=price,
                suggested_price_minor=round(price * rng.uniform(1.8, 3.0)),
                barcode=f"69{number:08d}{position:02d}",
                position=position,
            )
        )
    prices = [v.price_minor for v in variants]
    extra_props = ("magnetic",) if rng.random() < 0.03 else ()
    # This draw was a made-up listing count; listed_count now counts real My Products saves
    # (0 in the demo). Drawing it still keeps the RNG stream, so every product, unchanged.
    rng.paretovariate(1.3)
    product = Product(
        sku=demo_sku(number),
        name=name,
        category=category,
        description_html=(
            f"<p>{name}. {rng.choice(MATERIALS)} build, tested before packing.</p>"
            "<ul><li>Ships from our warehouses in 1–3 days</li>"
            f"<li>{len(variants)} options</li></ul>"
        ),
        hs_code=rng.choice(HS_CODES),
        material=rng.choice(MATERIALS),
        packing=rng.choice(PACKING),
        properties=sorted(set(props) | set(extra_props)),
        video_url=DEMO_VIDEO_URL.format(sku=demo_sku(number)) if number % VIDEO_EVERY == 0 else "",
        min_price_minor=min(prices),
        max_price_minor=max(prices),
    )
    reviews = []
    for _ in range(min(12, int(rng.expovariate(1 / 3)))):
        rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
        texts = [t for r, t in REVIEW_TEXTS if r == rating]
        reviews.append(
            (
                Review(
                    rating=rating,
                    text=rng.choice(texts),
                    country=rng.choice(REVIEW_COUNTRIES),
                    reviewer_name=f"{rng.choice(REVIEWER_FIRST)} {chr(65 + rng.randrange(26))}.",
                    reviewed_on=today - dt.timedelta(days=rng.randrange(540)),
                ),
                rng.random() < 0.15,  # with a photo
            )
        )
    return {
        "product": product,
        "variants": variants,
        "reviews": reviews,
        "age_days": (number * 7919) % CREATED_WITHIN_DAYS,
        "image_seed": rng.randrange(IMAGE_COUNT),
        "stock_seed": rng.randrange(2**31),
    }


def _price_for_weight(rng: random.Random, weight_g: int) -> int:
    """Cost price in cents: loosely grows with weight, $0.80–$120."""
    base = 80 + weight_g * rng.uniform(0.8, 3.5)
    return min(12000, max(80, round(base * rng.uniform(0.7, 1.6))))


def _products_insert(
    plans: Sequence[dict],
    images: Sequence[str],
    warehouses: Sequence[Warehouse],
    result: CatalogResult,
) -> None:
    products = Product.objects.bulk_create([plan["product"] for plan in plans])
    # auto_now_add stamps "now" on insert; spread creation times so "new" (productFlag 1) and
    # the newest/oldest sorts mean something. Deterministic per SKU number.
    now = timezone.now()
    for plan, product in zip(plans, products, strict=True):
        product.created_at = now - dt.timedelta(days=plan["age_days"], minutes=plan["age_days"])
    Product.objects.bulk_update(products, ["created_at"], batch_size=BATCH)
    image_rows = []
    for plan, product in zip(plans, products, strict=True):
        first = plan["image_seed"]
        for position in range(3):
            index = (first + position * 17) % IMAGE_COUNT
            image_rows.append(
                ProductImage(
                    product=product,
                    image=images[index],
                    thumbnail=images[index].replace(".jpg", "-thumb.jpg"),
                    position=position,
                )
            )
    image_rows = ProductImage.objects.bulk_create(image_rows)
    main_image = {row.product_id: row for row in image_rows if row.position == 0}

    variants = []
    for plan, product in zip(plans, products, strict=True):
        for variant in plan["variants"]:
            variant.product = product
            variant.image = main_image[product.pk]
            variants.append(variant)
    variants = Variant.objects.bulk_create(variants)

    reviews, photo_flags = [], []
    for plan, product in zip(plans, products, strict=True):
        for review, with_photo in plan["reviews"]:
            review.product = product
            reviews.append(review)
            photo_flags.append(with_photo)
    reviews = Review.objects.bulk_create(reviews)
    photos = [
        ReviewPhoto(review=review, image=images[review.pk % IMAGE_COUNT])
        for review, with_photo in zip(reviews, photo_flags, strict=True)
        if with_photo
    ]
    ReviewPhoto.objects.bulk_create(photos)

    stock = list(_stock_rows(plans, variants, warehouses))
    stock = Stock.objects.bulk_create(stock)
    StockMovement.objects.bulk_create(
        StockMovement(
            stock=row,
            kind=MovementKind.RECEIPT,
            on_hand_delta=row.on_hand,
            on_hand_after=row.on_hand,
            reserved_after=0,
            reason="Demo opening stock",
        )
        for row in stock
    )
    for kind, n in (
        ("products", len(products)),
        ("variants", len(variants)),
        ("product images", len(image_rows)),
        ("reviews", len(reviews)),
        ("review photos", len(photos)),
        ("stock rows", len(stock)),
    ):
        _count(result, kind, n)


def _stock_rows(
    plans: Sequence[dict], variants: Sequence[Variant], warehouses: Sequence[Warehouse]
) -> Iterable[Stock]:
    """Each product sits in 1–3 platform warehouses (China-heavy); 1 in 5 also has factory stock."""
    platform = [w for w in warehouses if w.kind == WarehouseKind.PLATFORM]
    weights = [PLATFORM_STOCK_WEIGHTS.get(w.code, 1) for w in platform]
    factories = [w for w in warehouses if w.kind == WarehouseKind.SUPPLIER]
    by_product: dict[int, list[Variant]] = {}
    for variant in variants:
        by_product.setdefault(variant.product_id, []).append(variant)
    for plan in plans:
        rng = random.Random(plan["stock_seed"])
        chosen = {w.pk: w for w in rng.choices(platform, weights, k=rng.randint(1, 3))}
        if factories and rng.random() < 0.2:
            factory = rng.choice(factories)
            chosen[factory.pk] = factory
        for variant in by_product[plan["product"].pk]:
            for warehouse in chosen.values():
                factory_stock = warehouse.kind == WarehouseKind.SUPPLIER
                on_hand = rng.randint(500, 5000) if factory_stock else rng.randint(0, 400)
                if on_hand:
                    yield Stock(variant=variant, warehouse=warehouse, on_hand=on_hand)
