"""The demo's background work: a shopper buys on the demo Sandbox store every few minutes.

Declared in ``DROPYARD_PERIODIC_JOBS`` ("demo-shopper") only when
``DROPYARD_DEMO_SHOPPER_EVERY_SECONDS`` is above 0 (``./run start`` sets it; off otherwise).
"""

import random

from django.tasks import task

from dropyard.accounts.models import MerchantAccount

from .loader import DEMO_MERCHANT_NAME
from .stores import demo_shopper_order as place


@task()
def demo_shopper_order() -> int | None:
    """Place one shopper order on the demo merchant's Sandbox store; its number, or None when
    there is no demo store or it bought less than half a period ago (safe to run twice)."""
    merchant = MerchantAccount.objects.filter(business_name=DEMO_MERCHANT_NAME).first()
    if merchant is None:
        return None
    order = place(merchant=merchant, rng=random.Random())
    return order.number if order is not None else None
