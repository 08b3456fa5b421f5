"""Test data for carriers, shipping lines and rate cards."""

import itertools

import factory

from dropyard.catalog.models import Category, Product, Variant
from dropyard.catalog.tests.factories import ProductFactory, VariantFactory
from dropyard.catalog.tests.factories import make_product as _make_product
from dropyard.logistics.choices import PricingMode
from dropyard.logistics.models import Carrier, RateCard, ShippingLine


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier

    code = factory.Sequence(lambda n: f"carrier{n}")
    name = factory.Sequence(lambda n: f"Carrier {n}")


class ShippingLineFactory(factory.django.DjangoModelFactory):
    """An active tracked line allowing no special properties, no weight limit."""

    class Meta:
        model = ShippingLine

    code = factory.Sequence(lambda n: f"LINE{n}")
    name = factory.Sequence(lambda n: f"Line {n}")
    carrier = factory.SubFactory(CarrierFactory)


class RateCardFactory(factory.django.DjangoModelFactory):
    """CN → US, first 500 g for $5.00 then $1.50 per started 500 g, 7-12 days."""

    class Meta:
        model = RateCard

    line = factory.SubFactory(ShippingLineFactory)
    origin_country = "CN"
    dest_country = "US"
    pricing_mode = PricingMode.FIRST_ADDITIONAL
    first_weight_g = 500
    first_price_minor = 500
    step_weight_g = 500
    step_price_minor = 150
    min_days = 7
    max_days = 12


_seq = itertools.count(1)


def make_category() -> Category:
    """A level-1 category (enough for freight tests, which never look at categories)."""
    return Category.objects.create(name=f"Freight category {next(_seq)}", level=1)


def make_cart_product(**fields) -> Product:
    """``catalog.tests.factories.make_product`` in a category of its own."""
    return _make_product(category=make_category(), **fields)


def make_cart_variant(
    *, properties=(), weight_g: int = 250, product_on_sale: bool = True, **fields
) -> Variant:
    """A variant of a new product with the given shipping properties (250 g, 100×80×50 mm)."""
    product = ProductFactory(
        category=make_category(), properties=list(properties), is_on_sale=product_on_sale
    )
    return VariantFactory(product=product, weight_g=weight_g, **fields)


def sandbox_carrier() -> Carrier:
    """The Sandbox carrier row (code SANDBOX), created once."""
    carrier, _ = Carrier.objects.get_or_create(code="SANDBOX", defaults={"name": "Sandbox Carrier"})
    return carrier


def make_tracking(
    merchant,
    *,
    carrier: Carrier | None = None,
    number: str = "",
    origin: str = "CN",
    dest: str = "US",
    dest_city: str = "Austin",
    reference: str = "P0001",
):
    """A tracking registered through the real service (Sandbox carrier and a fresh number
    unless told)."""
    from dropyard.logistics.carriers import sandbox_number_new
    from dropyard.logistics.services import tracking_register

    carrier = carrier or sandbox_carrier()
    return tracking_register(
        merchant=merchant,
        carrier=carrier,
        tracking_number=number or sandbox_number_new(),
        logistic_name="Sandbox Packet",
        reference=reference,
        origin_country=origin,
        dest_country=dest,
        dest_city=dest_city,
    )
