"""After-sales test data through the real services: a wallet-paid order of two lines
(red × 1 at 10.00, blue × 2 at 20.00), then shipped and delivered by the warehouse and the
carrier's tracking."""

from dataclasses import dataclass
from typing import Any

from dropyard.accounts.models import MerchantAccount, User
from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.checkout import services as checkout_services
from dropyard.fulfillment import services as fulfillment_services
from dropyard.logistics.models import Carrier
from dropyard.orders import services as order_services
from dropyard.orders.models import Order, Parcel
from dropyard.orders.tests.factories import OrderWorld, make_order_world, order_item
from dropyard.wallet.tests.payment_helpers import fund


@dataclass
class Shop:
    merchant: MerchantAccount
    owner: User
    world: OrderWorld


def make_shop(*, funds_minor: int = 100_000) -> Shop:
    merchant = make_merchant(business_name="After-sales Shop")
    fund(merchant, merchant.owner, funds_minor)
    return Shop(merchant=merchant, owner=merchant.owner, world=make_order_world())


def paid_order(shop: Shop, *lines: tuple[Any, int], number: str | None = None) -> Order:
    """An order of ``lines`` (default red × 1, blue × 2), confirmed and paid from the wallet."""
    lines = lines or ((shop.world.red, 1), (shop.world.blue, 2))
    order = order_services.order_create(
        merchant=shop.merchant, actor=shop.owner, **order_item(*lines, number=number)
    )
    order_services.cart_add(merchant=shop.merchant, orders=[order], actor=shop.owner)
    result = order_services.cart_confirm(merchant=shop.merchant, orders=[order], actor=shop.owner)
    order_services.parent_order_generate(merchant=shop.merchant, shipments_id=result.shipments_id)
    order = Order.objects.get(pk=order.pk)
    checkout_services.pay_from_wallet(merchant=shop.merchant, orders=[order], actor=shop.owner)
    return Order.objects.get(pk=order.pk)


def ship(
    order: Order, *, worker: User | None = None, number: str = "", carrier: Carrier | None = None
) -> Order:
    """Pick, pack and ship every parcel of ``order`` (tracking numbers ``number``-n), with the
    shipping line's carrier; or with ``carrier`` (it must serve the warehouse), whose adapter
    issues the numbers (the Sandbox carrier's ``SBX…``)."""
    worker = worker or make_operator(role="warehouse")
    for n, parcel in enumerate(Parcel.objects.filter(orders=order).order_by("pk")):
        fulfillment_services.parcel_start_picking(parcels=[parcel], actor=worker)
        parcel.refresh_from_db()
        fulfillment_services.parcel_pack(
            parcel=parcel,
            measured_weight_g=fulfillment_services.parcel_computed_weight_g(parcel),
            actor=worker,
        )
        parcel.refresh_from_db()
        fulfillment_services.parcel_ship(
            parcel=parcel,
            actor=worker,
            carrier=carrier,
            tracking_number="" if carrier else f"{number or 'AS' + order.code}-{n}",
        )
    return Order.objects.get(pk=order.pk)


def deliver(order: Order) -> Order:
    """The carrier reports every shipped parcel of ``order`` delivered (tracking status 12)."""
    for parcel in Parcel.objects.filter(orders=order):
        fulfillment_services.parcel_tracking_changed(
            tracking_number=parcel.tracking_number, new_status=12
        )
    return Order.objects.get(pk=order.pk)


def delivered_order(shop: Shop, *lines: tuple[Any, int]) -> Order:
    return deliver(ship(paid_order(shop, *lines)))
