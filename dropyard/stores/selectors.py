"""Reads of stores, their catalogs, connections and store orders, always scoped by merchant:
another merchant's object is "not found" (``StoreNotFound``)."""

from django.db.models import QuerySet

from dropyard.accounts.models import MerchantAccount

from .choices import StoreOrderStatus, StoreStatus
from .exceptions import StoreNotFound
from .models import ProductConnection, Store, StoreOrder, StoreVariant


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
        raise StoreNotFound(f"store {public_id} not found") from None


def store_variant_list(
    *, merchant: MerchantAccount, store: Store, unconnected_only: bool = False
) -> QuerySet[StoreVariant]:
    """The imported catalog of one of the merchant's stores, with its connections."""
    variants = StoreVariant.objects.filter(store=store, store__merchant=merchant).select_related(
        "connection__variant"
    )
    if unconnected_only:
        variants = variants.filter(connection__isnull=True)
    return variants


def store_variant_get(*, merchant: MerchantAccount, pk: int) -> StoreVariant:
    """One imported store variant of the merchant; ``StoreNotFound`` for any other."""
    try:
        return StoreVariant.objects.select_related("store").get(pk=pk, store__merchant=merchant)
    except StoreVariant.DoesNotExist:
        raise StoreNotFound(f"store variant {pk} not found") from None


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
        raise StoreNotFound(f"connection {pk} not found") from None


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
        raise StoreNotFound(f"store order {pk} not found") from None


def stores_to_poll() -> QuerySet[Store]:
    """Every merchant's authorized stores with order sync on (the polling job; not scoped:
    it runs for the system, not for a merchant)."""
    return Store.objects.filter(status=StoreStatus.AUTHORIZED, order_sync=True).order_by("pk")


def store_for_webhook(*, public_id: str) -> Store | None:
    """The live (not disconnected) store a webhook URL names, or None. Not scoped by merchant:
    the caller is the platform, authenticated afterwards by the webhook's signature."""
    return (
        Store.objects.exclude(status=StoreStatus.DISCONNECTED)
        .filter(public_id=public_id)
        .select_related("merchant")
        .first()
    )
