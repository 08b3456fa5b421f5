"""Test data for the catalog."""

import io
import itertools
import random

import factory
from PIL import Image, ImageDraw, ImageFilter

from dropyard.catalog import services
from dropyard.catalog.models import Category, Product, Variant
from dropyard.catalog.search import search_index_update

_seq = itertools.count(1)


class CategoryFactory(factory.django.DjangoModelFactory):
    """A level-1 category; pass ``parent=`` (and ``level=``) for deeper ones."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    parent = None
    level = factory.LazyAttribute(lambda o: (o.parent.level + 1) if o.parent else 1)


def make_category_path(first: str = "Home", second: str = "Kitchen", third: str = "Gadgets"):
    """A three-level path; returns the level-3 category (products hang on level 3)."""
    top = CategoryFactory(name=f"{first} {next(_seq)}")
    middle = CategoryFactory(name=second, parent=top)
    return CategoryFactory(name=third, parent=middle)


class ProductFactory(factory.django.DjangoModelFactory):
    """An on-sale product in a level-3 category, without variants (use ``make_product``)."""

    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"DYP{n:07d}")
    name = factory.Sequence(lambda n: f"Test product {n}")
    category = factory.LazyFunction(make_category_path)


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"DYV{n:08d}")
    options = factory.Sequence(lambda n: {"Color": f"Colour {n}"})
    weight_g = 250
    length_mm = 100
    width_mm = 80
    height_mm = 50
    price_minor = 1250
    suggested_price_minor = 2999


def make_product(*, variants: int = 2, **product_fields) -> Product:
    """A product with ``variants`` variants; min/max price kept as the catalog services keep it."""
    product = ProductFactory(**product_fields)
    made = [VariantFactory(product=product, position=i) for i in range(variants)]
    if made:
        product.min_price_minor = min(v.price_minor for v in made)
        product.max_price_minor = max(v.price_minor for v in made)
        product.save(update_fields=["min_price_minor", "max_price_minor"])
    search_index_update([product.pk])
    return product


# --- Through the services (keeps prices and the search index in step) ---------------------------


def png_bytes(size: tuple[int, int] = (640, 480), color: str = "red", fmt: str = "PNG") -> bytes:
    """A real image file made with Pillow."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def photo(seed: int, size: tuple[int, int] = (800, 800)) -> Image.Image:
    """A generated "product photo": a coloured background with blurred shapes (deterministic)."""
    rnd = random.Random(seed)
    image = Image.new("RGB", size, tuple(rnd.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = rnd.randrange(size[0]), rnd.randrange(size[1])
        x1, y1 = x0 + rnd.randrange(50, 400), y0 + rnd.randrange(50, 400)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        if rnd.random() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        else:
            draw.rectangle([x0, y0, x1, y1], fill=colour)
    return image.filter(ImageFilter.GaussianBlur(3))


def encoded(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    """The picture as a file in ``fmt``."""
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def variant_data(**overrides) -> dict:
    """One variant as ``product_create(variants=[...])`` takes it."""
    data = {
        "options": {"Color": "Red"},
        "weight_g": 250,
        "length_mm": 100,
        "width_mm": 80,
        "height_mm": 50,
        "price_minor": 1250,
        "suggested_price_minor": 2999,
        "barcode": "",
    }
    data.update(overrides)
    return data


def create_product(*, name: str = "Test product", category=None, prices=(1250,), **fields):
    """A product made by ``services.product_create`` with one variant per price."""
    return services.product_create(
        actor=None,
        name=name,
        category=category or make_category_path(),
        variants=[
            variant_data(price_minor=price, options={"Size": f"S{i}"})
            for i, price in enumerate(prices)
        ],
        **fields,
    )
