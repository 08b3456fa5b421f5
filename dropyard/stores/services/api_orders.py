"""Orders created through the developer API (createOrderV2/V3) that name one of the merchant's
stores in ``storeName``: created by the checkout's and orders' services, then linked to the
store by a ``StoreOrder`` row, in the same transaction.

The link is the same one store intake makes (``StoreOrder.order``), so the order counts as the
store's everywhere a store's orders are read: the store pages, and a staff member's store
scope on order pages. The row is ``received_via=api``, IMPORTED, with ``platform_order_id``
``"api:<orderNumber>"`` (the prefix keeps it apart from the platform's own order ids, so a
store order that later arrives by webhook is still imported once, by its own id).
"""

from typing import Any

from django.db import transaction

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.checkout.creation import order_create_v2
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.orders import services as order_services
from dropyard.orders.models import Order
from dropyard.orders.services import OrderCreateResult

from ..choices import ReceivedVia, StoreOrderStatus
from ..models import Store, StoreOrder
from ..selectors import StoreScope, store_list_scoped
from .setup import _user

API_ORDER_PREFIX = "api:"


def store_for_api_order(
    *, merchant: MerchantAccount, scope: StoreScope, store_name: str, platform: str = ""
) -> Store | None:
    """The live store of the merchant (within ``scope``) that ``storeName`` names: its name,
    trimmed and case-insensitive. When several share the name, the one on ``platform``; when
    that still leaves several, or none matches, None (the order stays unlinked: storeName is
    free text in the contract)."""
    name = (store_name or "").strip()
    if not name:
        return None
    stores = list(store_list_scoped(merchant=merchant, scope=scope).filter(name__iexact=name))
    if len(stores) > 1:
        stores = [s for s in stores if s.platform == (platform or "").strip().lower()]
    return stores[0] if len(stores) == 1 else None


def _link(store: Store, order: Order, actor: Actor) -> StoreOrder:
    row = StoreOrder.objects.create(
        store=store,
        platform_order_id=f"{API_ORDER_PREFIX}{order.order_number}"[:100],
        platform_order_name=order.order_number[:100],
        currency=order.currency,
        order_data={},
        payload_digest="",
        received_via=ReceivedVia.API,
        status=StoreOrderStatus.IMPORTED,
        order=order,
    )
    audit_record(
        action=AuditAction.STORE_ORDER_RECORDED,
        actor=_user(actor),
        merchant=store.merchant,
        target=row,
        details={"store": store.public_id, "order": order.code, "via": ReceivedVia.API},
    )
    return row


@transaction.atomic
def api_order_create_v2(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    scope: StoreScope,
    pay_type: int,
    **fields: Any,
) -> OrderCreateResult:
    """createOrderV2: ``checkout.creation.order_create_v2`` (its rules, refusals and result
    unchanged), then the link to the store ``store_name`` names (``store_for_api_order``), if
    any. One transaction: a refused order leaves no link."""
    store = store_for_api_order(
        merchant=merchant,
        scope=scope,
        store_name=fields.get("store_name") or "",
        platform=fields.get("platform") or "",
    )
    result = order_create_v2(merchant=merchant, actor=actor, pay_type=pay_type, **fields)
    if store is not None:
        _link(store, result.order, actor)
    return result


@transaction.atomic
def api_order_create_v3(
    *, merchant: MerchantAccount, actor: Actor, scope: StoreScope, **fields: Any
) -> Order:
    """createOrderV3: ``orders.services.order_create`` (create only), then the store link as
    ``api_order_create_v2``."""
    store = store_for_api_order(
        merchant=merchant,
        scope=scope,
        store_name=fields.get("store_name") or "",
        platform=fields.get("platform") or "",
    )
    order = order_services.order_create(merchant=merchant, actor=actor, **fields)
    if store is not None:
        _link(store, order, actor)
    return order
