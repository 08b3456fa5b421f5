"""Connection health (a selector): what in a merchant's connections needs fixing.

- **Unconnected variants that received orders**: the variants named by the lines of the store
  orders held now, or imported in the last ``RECENT_DAYS`` days, that have no connection
  today (held orders name them in ``order_data``; an imported order's variant may have been
  disconnected since). At most ``SCAN`` store orders are read, newest first: the page is about
  what is happening now, and its cost stays bounded however old the account is.
- **Orders held because of them**: the held store orders with such a line, each with its
  unconnected variants (the fix is connecting them; that releases the order).
- **Connected variants whose Dropyard product went off sale**: their orders would be refused
  at import (the order service takes only on-sale variants), so they need another variant.

Only the live stores the member may open are read (``StoreScope``).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from dropyard.accounts.models import Membership

from .choices import StoreOrderStatus
from .models import ProductConnection, Store, StoreOrder, StoreVariant
from .selectors import store_list, store_scope_for_member

SCAN = 1000
RECENT_DAYS = 30


@dataclass
class UnconnectedVariant:
    """A store variant without a connection that store orders asked for."""

    store: Store
    platform_variant_id: str
    sku: str
    title: str
    store_variant: StoreVariant | None  # None: not in the imported catalog (import it first)
    orders: int = 0
    quantity: int = 0
    held: int = 0


@dataclass
class HeldOrder:
    order: StoreOrder
    missing: list[UnconnectedVariant] = field(default_factory=list)


@dataclass
class Health:
    unconnected: list[UnconnectedVariant]
    held: list[HeldOrder]
    off_sale: list[ProductConnection]

    @property
    def healthy(self) -> bool:
        return not (self.unconnected or self.held or self.off_sale)


def _stores(membership: Membership, store: Store | None) -> list[Store]:
    stores = store_list(merchant=membership.merchant)
    scope = store_scope_for_member(membership)
    if scope is not None:
        stores = stores.filter(pk__in=scope)
    if store is not None:
        stores = stores.filter(pk=store.pk)
    return list(stores)


def connection_health(*, membership: Membership, store: Store | None = None) -> Health:
    """The health of the member's live stores' connections (of one store when given)."""
    stores = {s.pk: s for s in _stores(membership, store)}
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    orders = list(
        StoreOrder.objects.filter(store_id__in=stores)
        .filter(
            Q(status=StoreOrderStatus.HELD)
            | Q(status=StoreOrderStatus.IMPORTED, first_seen_at__gte=since)
        )
        .order_by("-first_seen_at", "-pk")[:SCAN]
    )
    for order in orders:
        order.store = stores[order.store_id]
    lines = [
        (order, line)
        for order in orders
        for line in (order.order_data or {}).get("lines", [])
        if line.get("platform_variant_id")
    ]
    variant_ids = {line["platform_variant_id"] for _order, line in lines}
    connected = set(
        ProductConnection.objects.filter(
            store_id__in=stores, store_variant__platform_variant_id__in=variant_ids
        ).values_list("store_id", "store_variant__platform_variant_id")
    )
    catalog = {
        (sv.store_id, sv.platform_variant_id): sv
        for sv in StoreVariant.objects.filter(
            store_id__in=stores, platform_variant_id__in=variant_ids
        )
    }
    unconnected: dict[tuple[int, str], UnconnectedVariant] = {}
    held: dict[int, HeldOrder] = {}
    counted: set[tuple[int, str, int]] = set()
    for order, line in lines:
        key = (order.store_id, line["platform_variant_id"])
        if key in connected:
            continue
        row = unconnected.get(key)
        if row is None:
            row = unconnected[key] = UnconnectedVariant(
                store=stores[order.store_id],
                platform_variant_id=key[1],
                sku=line.get("sku") or "",
                title=line.get("title") or "",
                store_variant=catalog.get(key),
            )
        row.quantity += int(line.get("quantity") or 0)
        if (*key, order.pk) in counted:
            continue  # the same variant twice in one order counts the order once
        counted.add((*key, order.pk))
        row.orders += 1
        if order.status == StoreOrderStatus.HELD:
            row.held += 1
            held.setdefault(order.pk, HeldOrder(order=order)).missing.append(row)
    off_sale = list(
        ProductConnection.objects.filter(store_id__in=stores)
        .filter(Q(variant__is_on_sale=False) | Q(variant__product__is_on_sale=False))
        .select_related("store", "store_variant", "variant__product")
        .order_by("store__name", "pk")
    )
    return Health(
        unconnected=sorted(unconnected.values(), key=lambda r: (-r.held, -r.orders, r.title)),
        held=list(held.values()),
        off_sale=off_sale,
    )
