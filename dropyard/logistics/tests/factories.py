"""Test data for carriers, shipping lines and rate cards."""

import factory

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
