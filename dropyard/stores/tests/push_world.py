"""Test helpers for the tracking push-back: a store order imported, paid from the wallet and
shipped through the real services, and a fake adapter that records (or refuses) pushes."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dropyard.accounts.choices import MemberRole
from dropyard.accounts.models import Membership
from dropyard.catalog.models import Variant
from dropyard.checkout import services as checkout_services
from dropyard.fulfillment import services as fulfillment_services
from dropyard.inventory.models import Warehouse
from dropyard.logistics.models import Carrier
from dropyard.logistics.tests.factories import CarrierFactory
from dropyard.orders import services as order_services
from dropyard.orders.models import Order, Parcel
from dropyard.orders.tests.factories import OrderWorld, make_order_world
from dropyard.stores import services
from dropyard.stores.adapters.base import (
    AdapterError,
    ListingResult,
    Page,
    PlatformFulfillment,
    PlatformOrder,
    PlatformProduct,
    StoreAdapter,
    StoreContext,
    WebhookEvent,
)
from dropyard.stores.choices import ReceivedVia
from dropyard.stores.models import Store, StoreOrder
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order
from dropyard.wallet.tests.payment_helpers import fund


class FakeAdapter(StoreAdapter):
    """Records every push and delivery mark; ``failures`` are raised first, one per call."""

    platform = "fake"

    def __init__(self, failures: list[Exception] | None = None):
        super().__init__(StoreContext(platform="fake", domain="", currency="USD", credentials={}))
        self.failures = list(failures or [])
        self.pushed: list[PlatformFulfillment] = []
        self.delivered: list[tuple[str, str]] = []

    def _maybe_fail(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    def fulfillment_push(self, fulfillment: PlatformFulfillment) -> str:
        self._maybe_fail()
        self.pushed.append(fulfillment)
        return f"FUL-{len(self.pushed)}"

    def mark_delivered(self, *, platform_order_id: str, platform_fulfillment_id: str) -> None:
        self._maybe_fail()
        self.delivered.append((platform_order_id, platform_fulfillment_id))

    def authorize(self) -> dict[str, Any]:
        return {}

    def refresh(self) -> dict[str, Any] | None:
        return None

    def products_page(self, cursor: str = "") -> Page[PlatformProduct]:
        return Page(items=())

    def listing_upsert(self, product: PlatformProduct, *, platform_product_id: str = ""):
        return ListingResult(platform_product_id="", variant_ids_by_sku={})

    def price_inventory_update(self, **kwargs: Any) -> None:
        return None

    def orders_since(self, cursor: str = "") -> Page[PlatformOrder]:
        return Page(items=())

    def webhook_verify(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        return False

    def webhook_parse(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        raise AdapterError("not a webhook")


def retryable(message: str = "store error 503") -> AdapterError:
    return AdapterError(message, retryable=True)


@dataclass
class PushWorld:
    store: Store
    variant: Variant
    carrier: Carrier
    store_orders: list[StoreOrder] = field(default_factory=list)


def make_push_world(
    merchant: Any, *, world: OrderWorld | None = None, variant: Variant | None = None
) -> PushWorld:
    """A Shopify-like store of ``merchant`` whose variant V1 is ``variant`` (default: a new
    order world's red variant, stocked in its CN warehouse), and a carrier with a tracking page
    serving the warehouses that stock it."""
    if variant is None:
        variant = (world or make_order_world()).red
    store = make_store(merchant=merchant)
    (store_variant,) = import_variants(store, ("V1", variant.sku))
    connect(store, store_variant, variant)
    carrier = CarrierFactory(
        name="Yun Express", tracking_url_template="https://yun.example/t/{number}"
    )
    for warehouse in Warehouse.objects.filter(stock__variant=variant).distinct():
        warehouse.carriers.add(carrier)
    return PushWorld(store=store, variant=variant, carrier=carrier)


def pay(row: StoreOrder) -> None:
    """Confirm the imported order of ``row`` and pay it from the merchant's (funded) wallet:
    its parcel becomes READY."""
    merchant = row.store.merchant
    owner = Membership.objects.get(merchant=merchant, role=MemberRole.OWNER).user
    order = Order.objects.get(pk=row.order_id)
    order_services.cart_add(merchant=merchant, orders=[order], actor=owner)
    order_services.cart_confirm(merchant=merchant, orders=[order], actor=owner)
    fund(merchant, owner, 100_000)
    checkout_services.pay_from_wallet(
        merchant=merchant, orders=[Order.objects.get(pk=order.pk)], actor=owner
    )


def store_order_paid(pw: PushWorld, order_id: str = "1001", quantity: int = 2) -> StoreOrder:
    """A store order imported, confirmed and paid from the wallet: its parcel READY."""
    row = services.store_order_ingest(
        store=pw.store, order=platform_order(order_id, ("V1", quantity)), via=ReceivedVia.WEBHOOK
    )
    pay(row)
    pw.store_orders.append(row)
    return row


def ship_row(row: StoreOrder, carrier: Carrier, number: str, **kwargs: Any) -> Parcel:
    """Pick, pack and ship the store order's parcel with ``carrier`` and ``number``."""
    parcel = Parcel.objects.get(orders__pk=row.order_id)
    fulfillment_services.parcel_start_picking(parcels=[parcel], actor=None)
    parcel.refresh_from_db()
    fulfillment_services.parcel_pack(
        parcel=parcel,
        measured_weight_g=fulfillment_services.parcel_computed_weight_g(parcel),
        actor=None,
    )
    return fulfillment_services.parcel_ship(
        parcel=parcel, actor=None, carrier=carrier, tracking_number=number, **kwargs
    ).parcel


def ship(pw: PushWorld, row: StoreOrder, number: str = "YT2400000001", **kwargs: Any) -> Parcel:
    """Ship the store order's parcel with the world's carrier."""
    return ship_row(row, pw.carrier, number, **kwargs)
