"""Test data for orders: a small shippable world, and order items as the services take them.

``make_order_world()`` builds: a Shenzhen platform warehouse (CN) and a US platform warehouse,
two variants with 100 units of shared stock in CN (and none in US), a CN → US line "CJPacket"
($5.00 first 500 g, $1.50 per further 500 g, 7-12 days) and a faster, dearer "DHL" (10.00
flat up to 2 kg, 3-5 days); US → US "USPS" ($3.00, 2-5 days) exists too.
"""

import itertools
from dataclasses import dataclass
from typing import Any

from dropyard.catalog.models import Variant
from dropyard.core import services as core_services
from dropyard.inventory.models import Warehouse
from dropyard.inventory.tests.factories import WarehouseFactory, make_stock
from dropyard.logistics.choices import PricingMode
from dropyard.logistics.models import ShippingLine
from dropyard.logistics.tests.factories import (
    RateCardFactory,
    ShippingLineFactory,
    make_cart_variant,
)
from dropyard.orders import csv_io

_seq = itertools.count(1)


@dataclass
class OrderWorld:
    cn: Warehouse
    us: Warehouse
    red: Variant
    blue: Variant
    cjpacket: ShippingLine
    dhl: ShippingLine
    usps: ShippingLine


def make_order_world(*, stock: int = 100) -> OrderWorld:
    cn = WarehouseFactory(country="CN", code=f"CN{next(_seq):03d}")
    us = WarehouseFactory(
        country="US",
        region="CA",
        city="Ontario",
        postcode="91761",
        address1="1 Warehouse Way",
        code=f"US{next(_seq):03d}",
    )
    red = make_cart_variant(price_minor=1000, weight_g=250)
    blue = make_cart_variant(price_minor=2000, weight_g=400)
    cjpacket = ShippingLineFactory(name="CJPacket", code="CJPACKET")
    dhl = ShippingLineFactory(name="DHL", code="DHL")
    usps = ShippingLineFactory(name="USPS", code="USPS")
    RateCardFactory(line=cjpacket)  # CN → US 500 + 150/500 g, 7-12 days
    RateCardFactory(
        line=dhl,
        pricing_mode=PricingMode.FIRST_ADDITIONAL,
        first_weight_g=2000,
        first_price_minor=1000,
        step_weight_g=500,
        step_price_minor=500,
        min_days=3,
        max_days=5,
    )
    RateCardFactory(
        line=usps,
        origin_country="US",
        first_weight_g=2000,
        first_price_minor=300,
        min_days=2,
        max_days=5,
    )
    if stock:
        make_stock(variant=red, warehouse=cn, on_hand=stock)
        make_stock(variant=blue, warehouse=cn, on_hand=stock)
    return OrderWorld(cn=cn, us=us, red=red, blue=blue, cjpacket=cjpacket, dhl=dhl, usps=usps)


def us_address(**overrides: Any) -> dict[str, Any]:
    """A valid US shipping address (order_create keyword arguments)."""
    data = {
        "shipping_country_code": "US",
        "shipping_province": "CA",
        "shipping_city": "Los Angeles",
        "shipping_zip": "90001",
        "shipping_address": "1 Main Street",
        "shipping_customer_name": "Jane Doe",
        "shipping_phone": "+1 (213) 555-0100",
        "email": "jane@example.com",
    }
    data.update(overrides)
    return data


def order_item(*variants: tuple[Variant, int], number: str | None = None, **fields: Any) -> dict:
    """An order_create / orders_create_batch item for ``(variant, quantity)`` pairs."""
    return {
        "order_number": number or f"ORD-{next(_seq)}",
        "lines": [{"vid": v.public_id, "quantity": q} for v, q in variants],
        **us_address(),
        **fields,
    }


def csv_import_job(merchant, owner, text: str):
    """An order CSV import job of ``merchant`` with ``text`` uploaded (run it with
    ``tasks.orders_csv_import.call(job_id=job.pk)``)."""
    job = core_services.job_create(
        kind=csv_io.IMPORT_KIND,
        title="Order import",
        merchant=merchant,
        actor=owner,
        params={"filename": "orders.csv"},
        task_path=csv_io.IMPORT_TASK,
    )
    csv_io.store_upload(job=job, chunks=[text.encode("utf-8")])
    return job
