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
import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from dropyard.catalog.image_index import image_hashes_backfill, image_hashes_bulk_store
from dropyard.catalog.models import Category, Product, ProductImage, Review, ReviewPhoto, Variant
from dropyard.catalog.pictures import renditions_backfill
from dropyard.catalog.search import search_index_rebuild
from dropyard.core.ids import new_public_id
from dropyard.inventory.aggregates import product_stock_rebuild
from dropyard.inventory.choices import MovementKind, WarehouseKind
from dropyard.inventory.models import Stock, StockMovement, Warehouse
from dropyard.logistics.choices import PricingMode
from dropyard.logistics.models import Carrier, RateCard, ShippingLine

from .catalog_data import (
    ADJECTIVES,
    CARRIERS,
    COLORS,
    COUNTRIES,
    HS_CODES,
    LINES,
    MATERIALS,
    PACKING,
    PLATFORM_STOCK_WEIGHTS,
    POSTCODE_CARDS,
    RATING_WEIGHTS,
    RATINGS,
    REGION_PRICING,
    REMOTE_PREFIXES,
    REVIEW_COUNTRIES,
    REVIEW_TEXTS,
    REVIEWER_FIRST,
    SIZES,
    SUFFIXES,
    TREE,
    WAREHOUSES,
    LineSpec,
    Noun,
)
from .pictures import PictureFiles, picture_files_ensure, picture_key
from .product_specs import (
    FEATURE_ADJECTIVES,
    MATERIAL_ADJECTIVES,
    NEUTRAL_ADJECTIVES,
    ProductSpec,
    product_spec,
)

DEFAULT_PRODUCTS = 2000
SEED = 20261122
SKU_PREFIX = "DEMO-"
IMAGE_COUNT = 60  # the draw that once chose a shared picture; kept so the RNG stream is unchanged
IMAGE_DIR = "demo/catalog"  # under MEDIA_ROOT
BATCH = 1000
# A few demo products have a (placeholder, reserved .example domain) video URL: isVideo,
# productType 10/11 and productFlag 2 have something to find.
VIDEO_EVERY = 40
DEMO_VIDEO_URL = "https://media.dropyard.example/videos/{sku}.mp4"
CREATED_WITHIN_DAYS = 540  # demo products were "created" over the last ~18 months


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
    new_products = _products_ensure(rng, products, leaves, warehouses, result)
    if new_products:
        search_index_rebuild()
    # Demo data loaded before search by image or the srcset copies existed: catch up once.
    if ProductImage.objects.filter(hashes__isnull=True).exists():
        image_hashes_backfill()
    if ProductImage.objects.filter(renditions={}).exists():
        renditions_backfill()
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

# The colour a product without a Color option is drawn in (picked per product, deterministic).
PLAIN_COLOURS = ("Black", "White", "Grey", "Blue")


def _picture_keys(plan: dict) -> list[tuple[str, str]]:
    """The product's pictures, main first: one per distinct variant colour (at most 3)."""
    colours = []
    for variant in plan["variants"]:
        colour = variant.options.get("Color")
        if colour and colour not in colours:
            colours.append(colour)
    colours = colours[:3] or [plan["plain_colour"]]
    return [(plan["spec"].drawing, colour) for colour in colours]


def _pictures_ensure(plans: Sequence[dict]) -> dict[tuple[str, str], PictureFiles]:
    """The stored picture of every (drawing, colour) the ``plans`` need, drawn once each."""
    keys = {key for plan in plans for key in _picture_keys(plan)}
    return picture_files_ensure(keys, folder=IMAGE_DIR, storage=default_storage)


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
        _products_insert(todo[start : start + BATCH], warehouses, result)
    return len(todo)


def _product_plan(
    rng: random.Random, number: int, leaves: Sequence[tuple[Category, tuple[Noun, ...]]], today
) -> dict:
    category, nouns = leaves[rng.randrange(len(leaves))]
    noun, min_g, max_g, props = nouns[rng.randrange(len(nouns))]
    spec = product_spec(category.name, noun)
    # Material, HS code, adjective and plain colour come from the spec with their own RNG, so
    # the main stream (names, prices, variants, stock of every product) is what it always was.
    own = random.Random(SEED * 31 + number)
    adjective, material = _adjective_material(rng.choice(ADJECTIVES), spec, props, own)
    name = f"{adjective} {noun}{rng.choice(SUFFIXES)}"
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
    # The draws that once picked a random material (twice) and HS code: kept for the stream.
    rng.choice(MATERIALS), rng.choice(HS_CODES), rng.choice(MATERIALS)
    product = Product(
        sku=demo_sku(number),
        name=name,
        category=category,
        description_html=(
            f"<p>{name}. Made of {material.lower()}, checked before packing.</p>"
            f"<ul><li>{spec.feature}</li><li>Ships from our warehouses in 1–3 days</li>"
            f"<li>{len(variants)} options</li></ul>"
        ),
        hs_code=spec.hs_code,
        material=material,
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
        "image_seed": rng.randrange(IMAGE_COUNT),  # unused: kept for the RNG stream
        "spec": spec,
        "plain_colour": own.choice(PLAIN_COLOURS),
        "stock_seed": rng.randrange(2**31),
    }


def _adjective_material(
    drawn: str, spec: ProductSpec, props: tuple[str, ...], own: random.Random
) -> tuple[str, str]:
    """The name's adjective and the product's material, agreeing with each other and the spec.

    A material adjective ("Bamboo") is kept only when the spec allows that material, and then is
    the material; a feature adjective ("Rechargeable") only when the product has the feature;
    otherwise a neutral adjective replaces it ("Silicone Chef Knife" becomes "Compact Chef Knife").
    """
    if drawn in MATERIAL_ADJECTIVES:
        material = MATERIAL_ADJECTIVES[drawn]
        if material in spec.materials:
            return drawn, material
        drawn = own.choice(NEUTRAL_ADJECTIVES)
    elif drawn in FEATURE_ADJECTIVES and FEATURE_ADJECTIVES[drawn] not in props:
        drawn = own.choice(NEUTRAL_ADJECTIVES)
    return drawn, own.choice(spec.materials)


def _price_for_weight(rng: random.Random, weight_g: int) -> int:
    """Cost price in cents: loosely grows with weight, $0.80–$120."""
    base = 80 + weight_g * rng.uniform(0.8, 3.5)
    return min(12000, max(80, round(base * rng.uniform(0.7, 1.6))))


def _products_insert(
    plans: Sequence[dict],
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
    pictures = _pictures_ensure(plans)
    image_rows = []
    for plan, product in zip(plans, products, strict=True):
        for position, key in enumerate(_picture_keys(plan)):
            files = pictures[key]
            image_rows.append(
                ProductImage(
                    product=product,
                    image=files.name,
                    thumbnail=files.renditions.get("320", files.name),
                    position=position,
                    width=files.width,
                    height=files.height,
                    renditions=files.renditions,
                )
            )
    image_rows = ProductImage.objects.bulk_create(image_rows)
    image_hashes_bulk_store(
        images=image_rows, hashes_by_file={f.name: f.hashes for f in pictures.values()}
    )
    # Each variant shows the picture of its colour (the main one when it has none of its own).
    picture_of: dict[tuple[int, str], ProductImage] = {}
    main_image: dict[int, ProductImage] = {}
    for row in image_rows:
        picture_of[(row.product_id, row.image.name)] = row
        main_image.setdefault(row.product_id, row)

    variants = []
    for plan, product in zip(plans, products, strict=True):
        drawing = plan["spec"].drawing
        for variant in plan["variants"]:
            variant.product = product
            colour = variant.options.get("Color", "")
            name = f"{IMAGE_DIR}/{picture_key(drawing, colour)}.jpg"
            variant.image = picture_of.get((product.pk, name), main_image[product.pk])
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
        ReviewPhoto(review=review, image=main_image[review.product_id].image.name)
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
    product_stock_rebuild()  # the search's stock aggregates, once for the bulk load
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
