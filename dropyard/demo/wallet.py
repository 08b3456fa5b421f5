"""Wallet demo data for the demo merchant (called by ``demo.loader.demo_load`` after the demo
orders): a $1,000.00 Sandbox top-up and a few orders paid from the wallet with the 2%
discount — three delivered, two shipped (in transit; every one shipped, so the demo's open
stock reservations stay those of the demo orders) — each with the store's sale price but
one, so the wallet, invoices, statement and profit pages have something to show (including a
"no sale price" order). It lives in the demo app, above the checkout, whose
``pay_from_wallet`` pays the orders.

Built on ``demo.orders``: its catalog pick, recipients and warehouse/tracking play
(``_demo_variants``, ``_ship``), through the real services: ``sandbox_topup``,
``order_create``, ``cart_confirm``, ``pay_from_wallet`` (ledger posting, Payment rows,
invoice), fulfillment and Sandbox tracking. DELIVERED follows the trackings when
``demo_load``'s transaction commits, as for the demo orders.

Idempotent: the top-up is made only when the merchant has no Sandbox top-up of that amount,
the orders only when none is numbered ``WALLET-…``.
"""

from typing import Any

from django.db import transaction

from dropyard.accounts.models import MerchantAccount
from dropyard.checkout.services import pay_from_wallet
from dropyard.demo.orders import (
    DEMO_STORE,
    RECIPIENTS,
    SHIPPED_STEPS,
    _demo_variants,
    _ship,
)
from dropyard.logistics.carriers import SANDBOX_CODE
from dropyard.logistics.models import Carrier
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderSource
from dropyard.orders.models import Order
from dropyard.wallet.choices import Provider
from dropyard.wallet.models import TopUp
from dropyard.wallet.topups import sandbox_topup

DEMO_TOPUP_MINOR = 100_000  # $1,000.00
WALLET_ORDER_PREFIX = "WALLET-"
BUYER_SHIPPING_MINOR = 499  # what the demo store charged its buyer for shipping
# (target, quantity, store sale price given?) per wallet-paid demo order.
WALLET_ORDERS: tuple[tuple[str, int, bool], ...] = (
    ("delivered", 1, True),
    ("delivered", 2, True),
    ("delivered", 1, False),  # the store sent no sale price: "no sale price" in the profit report
    ("shipped", 3, True),
    ("shipped", 1, True),
)


def _sale_price(variant: Any, quantity: int) -> int:
    """The demo store's price to its buyer: the suggested retail price (or twice our price)
    per unit, plus what it charged for shipping."""
    retail = variant.suggested_price_minor or variant.price_minor * 2
    return retail * quantity + BUYER_SHIPPING_MINOR


@transaction.atomic
def load_wallet_demo(*, merchant: MerchantAccount, owner: Any, warehouse_user: Any) -> list[str]:
    """The demo merchant's wallet (see the module docstring); returns what was created
    (empty on a second run; no orders when the catalog or the Sandbox carrier is missing)."""
    created: list[str] = []
    if not TopUp.objects.filter(
        merchant=merchant, provider=Provider.SANDBOX, amount_minor=DEMO_TOPUP_MINOR
    ).exists():
        # trusted: the demo loader itself asks, so it works with sandbox payments off.
        sandbox_topup(merchant=merchant, amount_minor=DEMO_TOPUP_MINOR, actor=owner, trusted=True)
        created.append("$1,000.00 Sandbox wallet top-up")
    if Order.objects.filter(
        merchant=merchant, order_number__startswith=WALLET_ORDER_PREFIX
    ).exists():
        return created
    variants = _demo_variants()
    carrier = Carrier.objects.filter(code__iexact=SANDBOX_CODE).first()
    if len(variants) < 3 or carrier is None:
        return created
    orders: list[tuple[str, Order]] = []
    for index, (target, quantity, priced) in enumerate(WALLET_ORDERS):
        variant = variants[(index * 5 + 2) % len(variants)]
        name, country, province, city, postcode, street, phone = RECIPIENTS[
            (index * 7 + 3) % len(RECIPIENTS)
        ]
        order = order_services.order_create(
            merchant=merchant,
            actor=owner,
            order_number=f"{WALLET_ORDER_PREFIX}{2001 + index}",
            lines=[{"vid": variant.public_id, "quantity": quantity}],
            shipping_customer_name=f"{name.split()[0]} Wallet",
            shipping_country_code=country,
            shipping_province=province,
            shipping_city=city,
            shipping_zip=postcode,
            shipping_address=f"Suite {index + 1}, {street}",
            shipping_phone=phone,
            store_name=DEMO_STORE,
            store_order_id=f"#{7001 + index}",
            source=OrderSource.API,
            platform="shopify",
            # Labelled sandbox where sandbox money is allowed (``./run start``); with it off
            # they are ordinary orders (an isSandbox order would be refused), paid from the
            # trusted demo top-up all the same.
            # (``accounts.sandbox``: the demo loader runs inside ``sandbox_trusted``.)
            is_sandbox=order_services.sandbox_allowed(merchant),
            shop_amount_minor=_sale_price(variant, quantity) if priced else None,
        )
        orders.append((target, order))
    batch = [order for _, order in orders]
    order_services.cart_add(merchant=merchant, orders=batch, actor=owner)
    confirmed = order_services.cart_confirm(merchant=merchant, orders=batch, actor=owner)
    if confirmed.intercepted:  # the variants were chosen with stock: a bug, say which
        raise RuntimeError(f"wallet demo orders not confirmed: {confirmed.intercepted}")
    pay_from_wallet(
        merchant=merchant,
        orders=[Order.objects.get(pk=o.pk) for o in batch],
        actor=owner,
        actor_label="demo data",
    )
    for target, order in orders:
        if target in ("delivered", "shipped"):
            _ship(
                Order.objects.get(pk=order.pk),
                warehouse_user=warehouse_user,
                carrier=carrier,
                steps=None if target == "delivered" else SHIPPED_STEPS,
            )
    created.append(f"{len(orders)} orders paid from the wallet (3 delivered, 2 shipped)")
    return created
