"""Reads of stores, their catalogs, connections and store orders, always scoped by merchant:
another merchant's object is "not found" (``StoreNotFound``)."""

from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts import selectors as account_selectors
from dropyard.accounts.choices import MemberRole
from dropyard.accounts.models import ApiToken, Membership, MerchantAccount
from dropyard.accounts.selectors import token_store_scope
from dropyard.inventory.models import Stock
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order

from .choices import (
    RULE_HOLD_PREFIX,
    DeliveryMark,
    Platform,
    StoreOrderStatus,
    StoreStatus,
    TrackingPushStatus,
)
from .exceptions import StoreNotFound
from .models import (
    ProductConnection,
    Store,
    StoreOrder,
    StoreProduct,
    StoreVariant,
    TrackingPush,
)


def store_list(*, merchant: MerchantAccount, include_disconnected: bool = False) -> QuerySet[Store]:
    """The merchant's stores, by name; disconnected ones only when asked."""
    stores = Store.objects.filter(merchant=merchant)
    if not include_disconnected:
        stores = stores.exclude(status=StoreStatus.DISCONNECTED)
    return stores


def store_get(*, merchant: MerchantAccount, public_id: str) -> Store:
    """The merchant's store with this public id; ``StoreNotFound`` for any other."""
    try:
        return Store.objects.get(merchant=merchant, public_id=public_id)
    except Store.DoesNotExist:
        raise StoreNotFound(_("store %(id)s not found") % {"id": public_id}) from None


def store_variant_list(
    *,
    merchant: MerchantAccount,
    store: Store,
    unconnected_only: bool = False,
    connected_only: bool = False,
    pk: int | None = None,
    search: str = "",
) -> QuerySet[StoreVariant]:
    """The imported catalog of one of the merchant's stores, with its connections (and each
    connected Dropyard variant's product); only the store variant ``pk`` when given (the
    connection-health page's fix links); ``search``: part of its title or SKU."""
    variants = StoreVariant.objects.filter(store=store, store__merchant=merchant).select_related(
        "connection__variant__product"
    )
    if unconnected_only:
        variants = variants.filter(connection__isnull=True)
    if connected_only:
        variants = variants.filter(connection__isnull=False)
    if pk is not None:
        variants = variants.filter(pk=pk)
    if search:
        variants = variants.filter(
            Q(title__icontains=search)
            | Q(variant_title__icontains=search)
            | Q(sku__icontains=search)
        )
    return variants


def store_variant_get(*, merchant: MerchantAccount, pk: int) -> StoreVariant:
    """One imported store variant of the merchant; ``StoreNotFound`` for any other."""
    try:
        return StoreVariant.objects.select_related("store").get(pk=pk, store__merchant=merchant)
    except StoreVariant.DoesNotExist:
        raise StoreNotFound(_("store variant %(id)s not found") % {"id": pk}) from None


def connection_list(
    *, merchant: MerchantAccount, store: Store | None = None
) -> QuerySet[ProductConnection]:
    """The merchant's product connections (of one store when given)."""
    connections = ProductConnection.objects.filter(store__merchant=merchant).select_related(
        "store", "store_variant", "variant__product"
    )
    if store is not None:
        connections = connections.filter(store=store)
    return connections


def connection_get(*, merchant: MerchantAccount, pk: int) -> ProductConnection:
    """One product connection of the merchant; ``StoreNotFound`` for any other."""
    try:
        return ProductConnection.objects.select_related("store", "store_variant").get(
            pk=pk, store__merchant=merchant
        )
    except ProductConnection.DoesNotExist:
        raise StoreNotFound(_("connection %(id)s not found") % {"id": pk}) from None


def store_order_held_list(
    *, merchant: MerchantAccount, store: Store | None = None
) -> QuerySet[StoreOrder]:
    """The merchant's held store orders, newest first, with their hold reasons."""
    orders = StoreOrder.objects.filter(
        store__merchant=merchant, status=StoreOrderStatus.HELD
    ).select_related("store")
    if store is not None:
        orders = orders.filter(store=store)
    return orders


def store_order_get(*, merchant: MerchantAccount, pk: int) -> StoreOrder:
    """One store order of the merchant; ``StoreNotFound`` for any other."""
    try:
        return StoreOrder.objects.select_related("store", "order").get(
            pk=pk, store__merchant=merchant
        )
    except StoreOrder.DoesNotExist:
        raise StoreNotFound(_("store order %(id)s not found") % {"id": pk}) from None


# --- What a member may see (the dashboard pages) --------------------------------------------------


def _member_stores(stores: QuerySet[Store], membership: Membership) -> QuerySet[Store]:
    """``stores`` narrowed to the member's store scope (staff limited to some stores)."""
    if membership.is_manager or not membership.store_ids:
        return stores
    return stores.filter(pk__in=membership.store_ids)


def store_list_for_member(
    *,
    membership: Membership,
    include_disconnected: bool = False,
    search: str = "",
    platform: str = "",
    status: str = "",
) -> QuerySet[Store]:
    """The stores of the member's merchant that the member may open, each annotated with
    ``connected_count`` (connected store variants) and ``held_count`` (held store orders).
    ``search``: part of the name or domain; ``platform`` / ``status``: that one only (a
    ``status`` of DISCONNECTED includes the disconnected stores)."""
    stores = store_list(
        merchant=membership.merchant,
        include_disconnected=include_disconnected or status == StoreStatus.DISCONNECTED,
    )
    if search:
        stores = stores.filter(Q(name__icontains=search) | Q(domain__icontains=search))
    if platform:
        stores = stores.filter(platform=platform)
    if status:
        stores = stores.filter(status=status)
    return _member_stores(stores, membership).annotate(
        connected_count=Count("connections", distinct=True),
        held_count=Count("orders", filter=Q(orders__status=StoreOrderStatus.HELD), distinct=True),
    )


def store_get_for_member(*, membership: Membership, public_id: str) -> Store:
    """The merchant's store if the member may open it; ``StoreNotFound`` otherwise (another
    merchant's store, or one outside a staff member's store scope)."""
    store = store_get(merchant=membership.merchant, public_id=public_id)
    if not membership.can_access_store(store.pk):
        raise StoreNotFound(_("store %(id)s not found") % {"id": public_id})
    return store


def store_order_held_list_for_member(
    *,
    membership: Membership,
    store: Store | None = None,
    search: str = "",
    by_rule: bool | None = None,
) -> QuerySet[StoreOrder]:
    """The held store orders of the stores the member may open (of one store when given).
    ``search``: part of the store order's name or id; ``by_rule``: True keeps the orders a
    store's hold rule held (``StoreOrder.held_by_rule``), False the others."""
    orders = store_order_held_list(merchant=membership.merchant, store=store)
    if search:
        orders = orders.filter(
            Q(platform_order_name__icontains=search) | Q(platform_order_id__icontains=search)
        )
    if by_rule is not None:
        rule = Q(hold_reason__startswith=RULE_HOLD_PREFIX)
        orders = orders.filter(rule if by_rule else ~rule)
    if membership.is_manager or not membership.store_ids:
        return orders
    return orders.filter(store_id__in=membership.store_ids)


# --- What an API token may see (the developer API) ---------------------------------------------

# A store scope: None means every store of the merchant, else the pks of the stores allowed.
StoreScope = frozenset[int] | None


def store_scope_for_member(membership: Membership) -> StoreScope:
    """The stores a member may open: None (every store) for owners, admins and staff without a
    store limit, else the staff member's ``store_ids``."""
    return membership.store_scope


def store_access_list(*, merchant: MerchantAccount, search: str = "") -> QuerySet[Membership]:
    """The merchant's staff members, the only role a store limit applies to (owners and admins
    always have every store), oldest first; ``search`` matches the email, case-insensitively."""
    members = account_selectors.member_list(merchant=merchant).filter(role=MemberRole.STAFF)
    return members.filter(user__email__icontains=search) if search else members


def store_scope_for_token(token: ApiToken) -> StoreScope:
    """The stores an API token may reach (``accounts.selectors.token_store_scope``)."""
    return token_store_scope(token)


def store_list_scoped(*, merchant: MerchantAccount, scope: StoreScope) -> QuerySet[Store]:
    """The merchant's live stores within ``scope``, by name."""
    stores = store_list(merchant=merchant)
    return stores if scope is None else stores.filter(pk__in=scope)


def store_get_scoped(*, merchant: MerchantAccount, scope: StoreScope, public_id: str) -> Store:
    """The merchant's live store within ``scope``; ``StoreNotFound`` for any other (another
    merchant's, a disconnected one, or one outside the scope)."""
    store = store_list_scoped(merchant=merchant, scope=scope).filter(public_id=public_id).first()
    if store is None:
        raise StoreNotFound(f"shop {public_id} not found")
    return store


def store_product_ids(*, store: Store, only: list[str] | None = None) -> QuerySet:
    """The platform product ids of the store's mirrored or imported products (a product is
    known from a ``StoreProduct`` row, from its variants, or both), sorted, distinct; only
    those in ``only`` when given. Count and slice it in the database."""
    from_variants = StoreVariant.objects.filter(store=store)
    from_products = StoreProduct.objects.filter(store=store)
    if only:
        from_variants = from_variants.filter(platform_product_id__in=only)
        from_products = from_products.filter(platform_product_id__in=only)
    return (
        from_variants.order_by()
        .values_list("platform_product_id", flat=True)
        .union(from_products.order_by().values_list("platform_product_id", flat=True))
        .order_by("platform_product_id")
    )


def store_products_get(
    *, store: Store, platform_product_ids: list[str]
) -> list[tuple[str, StoreProduct | None, list[StoreVariant]]]:
    """``(platform product id, its StoreProduct or None, its variants with connections)`` for
    each id the store knows, in the given order; unknown ids are left out. Two queries."""
    products = {
        p.platform_product_id: p
        for p in StoreProduct.objects.filter(
            store=store, platform_product_id__in=platform_product_ids
        )
    }
    variants: dict[str, list[StoreVariant]] = {}
    rows = StoreVariant.objects.filter(
        store=store, platform_product_id__in=platform_product_ids
    ).select_related("connection__variant__product")
    for row in rows.order_by("platform_variant_id"):
        variants.setdefault(row.platform_product_id, []).append(row)
    return [
        (pid, products.get(pid), variants.get(pid, []))
        for pid in platform_product_ids
        if pid in products or pid in variants
    ]


def connection_list_scoped(
    *,
    merchant: MerchantAccount,
    scope: StoreScope,
    store: Store | None = None,
    platform_product_id: str = "",
    platform_variant_id: str = "",
) -> QuerySet[ProductConnection]:
    """The merchant's connections on live stores within ``scope`` (of one store when given),
    optionally of one platform product or variant, oldest first."""
    connections = connection_list(merchant=merchant, store=store).exclude(
        store__status=StoreStatus.DISCONNECTED
    )
    if scope is not None:
        connections = connections.filter(store_id__in=scope)
    if platform_product_id:
        connections = connections.filter(store_variant__platform_product_id=platform_product_id)
    if platform_variant_id:
        connections = connections.filter(store_variant__platform_variant_id=platform_variant_id)
    return connections.select_related("variant__product").order_by("pk")


def store_variant_by_platform_id(*, store: Store, platform_variant_id: str) -> StoreVariant:
    """The store's variant with this platform id; ``StoreNotFound`` if the store has none."""
    found = (
        StoreVariant.objects.filter(store=store, platform_variant_id=platform_variant_id)
        .select_related("store", "connection")
        .first()
    )
    if found is None:
        raise StoreNotFound(f"platformVariantId {platform_variant_id} not found in this shop")
    return found


def store_counts(*, merchant: MerchantAccount, scope: StoreScope = None) -> dict[str, int]:
    """The merchant's live stores and held store orders (of the stores in ``scope`` when
    given: a staff member limited to some stores), counted (the dashboard's facts)."""
    stores = store_list_scoped(merchant=merchant, scope=scope)
    held = store_order_held_list(merchant=merchant)
    if scope is not None:
        held = held.filter(store_id__in=scope)
    return {"stores": stores.count(), "held": held.count()}


def tracking_push_list_for_member(*, membership: Membership, order: Order) -> list[TrackingPush]:
    """The tracking pushes of one of the member's orders (stores outside a staff member's
    store scope left out), oldest parcel first; empty for another merchant's order."""
    pushes = TrackingPush.objects.filter(
        store__merchant=membership.merchant, store_order__order=order
    ).select_related("store", "parcel")
    if not membership.is_manager and membership.store_ids:
        pushes = pushes.filter(store_id__in=membership.store_ids)
    return list(pushes.order_by("parcel_id", "pk"))


def tracking_push_get_for_member(*, membership: Membership, pk: int) -> TrackingPush:
    """One tracking push of the member's merchant, within the member's store scope;
    ``StoreNotFound`` for any other."""
    push = (
        TrackingPush.objects.select_related("store", "store_order__order", "parcel")
        .filter(pk=pk, store__merchant=membership.merchant)
        .first()
    )
    if push is None or not membership.can_access_store(push.store_id):
        raise StoreNotFound(_("tracking push %(id)s not found") % {"id": pk})
    return push


def tracking_push_failed_count(*, merchant: MerchantAccount, store: Store) -> int:
    """How many of the store's pushes failed (the push, or marking it delivered)."""
    return (
        TrackingPush.objects.filter(store=store, store__merchant=merchant)
        .filter(Q(status=TrackingPushStatus.FAILED) | Q(delivery=DeliveryMark.FAILED))
        .count()
    )


# --- System reads: not scoped by merchant -------------------------------------------------------


def stores_to_poll() -> QuerySet[Store]:
    """Every merchant's authorized stores with order sync on (the polling job; not scoped:
    it runs for the system, not for a merchant)."""
    return Store.objects.filter(status=StoreStatus.AUTHORIZED, order_sync=True).order_by("pk")


def stores_with_expiring_tokens() -> QuerySet[Store]:
    """Every authorized Shopify store (their access tokens expire; the renewal job checks
    each; not scoped: it runs for the system)."""
    return Store.objects.filter(status=StoreStatus.AUTHORIZED, platform=Platform.SHOPIFY).order_by(
        "pk"
    )


def store_for_webhook(*, public_id: str) -> Store | None:
    """The live (not disconnected) store a webhook URL names, or None. Not scoped by merchant:
    the caller is the platform, authenticated afterwards by the webhook's signature."""
    return (
        Store.objects.exclude(status=StoreStatus.DISCONNECTED)
        .filter(public_id=public_id)
        .select_related("merchant")
        .first()
    )


def store_orders_autopay_due(*, within_hours: int = 24) -> QuerySet[StoreOrder]:
    """Imported orders of authorized auto-paying stores, still awaiting payment, that automatic
    payment never tried (no payment, no note), first seen within ``within_hours``."""
    since = timezone.now() - timedelta(hours=within_hours)
    return StoreOrder.objects.filter(
        status=StoreOrderStatus.IMPORTED,
        store__auto_pay=True,
        store__status=StoreStatus.AUTHORIZED,
        autopaid_at__isnull=True,
        autopay_note="",
        first_seen_at__gte=since,
        order__status__in=[OrderStatus.CREATED, OrderStatus.IN_CART, OrderStatus.UNPAID],
    ).order_by("pk")


def autopaid_today_minor(store: Store) -> int:
    """What automatic payment has spent for ``store`` since the start of today (the site's
    time zone: the cap is per calendar day)."""
    day_start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    spent = StoreOrder.objects.filter(store=store, autopaid_at__gte=day_start).aggregate(
        total=Sum("autopaid_minor")
    )["total"]
    return int(spent or 0)


def store_orders_autopay_left(*, store: Store, limit: int = 5) -> QuerySet[StoreOrder]:
    """The latest imported orders automatic payment left to the merchant, with why, still
    awaiting payment."""
    return (
        StoreOrder.objects.filter(store=store, status=StoreOrderStatus.IMPORTED)
        .exclude(autopay_note="")
        .filter(order__status__in=[OrderStatus.CREATED, OrderStatus.IN_CART, OrderStatus.UNPAID])
        .select_related("order")
        .order_by("-updated_at", "-pk")[:limit]
    )


def available_by_variant(*, merchant: MerchantAccount, variant_ids: list[int]) -> dict[int, int]:
    """Units a store can sell now, per Dropyard variant: on hand minus reserved, in active
    warehouses, over the shared stock and ``merchant``'s own private stock (0 when none)."""
    rows = (
        Stock.objects.filter(
            Q(merchant__isnull=True) | Q(merchant=merchant),
            variant_id__in=variant_ids,
            warehouse__is_active=True,
        )
        .values("variant_id")
        .annotate(units=Sum(F("on_hand") - F("reserved")))
    )
    found = {row["variant_id"]: int(row["units"] or 0) for row in rows}
    return {variant_id: max(found.get(variant_id, 0), 0) for variant_id in variant_ids}


def stores_to_sync_inventory() -> QuerySet[Store]:
    """Authorized stores with inventory sync on."""
    return Store.objects.filter(status=StoreStatus.AUTHORIZED, inventory_sync=True).order_by("pk")


def store_order_flag_for_member(*, membership: Membership, order: Order) -> str:
    """What changed on the store after the order was paid (``StoreOrder.flagged``), for one of
    the member's orders within their store scope; '' when nothing did."""
    rows = StoreOrder.objects.filter(order=order, store__merchant=membership.merchant)
    if not membership.is_manager and membership.store_ids:
        rows = rows.filter(store_id__in=membership.store_ids)
    return rows.values_list("flagged", flat=True).first() or ""


def store_orders_flagged(*, store: Store, limit: int = 5) -> QuerySet[StoreOrder]:
    """The latest orders of the store changed on the store side after Dropyard acted on them."""
    return (
        StoreOrder.objects.filter(store=store, order__isnull=False)
        .exclude(flagged="")
        .select_related("order")
        .order_by("-updated_at", "-pk")[:limit]
    )
