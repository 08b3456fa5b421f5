"""Inventory errors, with the contract's numeric codes where one exists (contract §3)."""

from dropyard.catalog.exceptions import ProductNotFound, VariantNotFound
from dropyard.core.errors import DomainError, ErrorCode, NotFound

# Unknown vid/pid/sku in the stock endpoints are the catalog's errors (1602000 / 1602001).
__all__ = [
    "INVENTORY_DEDUCTION_FAILED",
    "DuplicateMovement",
    "InsufficientStock",
    "InventoryError",
    "ProductNotFound",
    "PurchaseOrderNotFound",
    "PurchaseRefused",
    "StockRefused",
    "VariantNotFound",
    "WarehouseInactive",
    "WarehouseInvalid",
    "WarehouseNotFound",
]

# Contract §3 code that core.errors.ErrorCode does not (yet) name.
INVENTORY_DEDUCTION_FAILED = 1603102
ORDER_NOT_FOUND = 1603100  # the orders' code, for purchase orders too (orders sits above us)


class InventoryError(DomainError):
    """Base of inventory refusals. Nothing was changed."""


class WarehouseInvalid(InventoryError):
    """A warehouse field is invalid (unknown country, duplicate code, kind/supplier mismatch)."""


class WarehouseNotFound(NotFound):
    """No warehouse with that public id or code."""

    default_code = ErrorCode.PARAM_ERROR


class WarehouseInactive(InventoryError):
    """The warehouse is deactivated: it takes no receipts and no new reservations."""

    default_code = INVENTORY_DEDUCTION_FAILED


class InsufficientStock(InventoryError):
    """Not enough available stock (on hand − reserved) for the reservation (1603102)."""

    default_code = INVENTORY_DEDUCTION_FAILED
    http_status = 409


class StockRefused(InventoryError):
    """A stock change would break an invariant (release/ship more than reserved, adjust below
    reserved, non-positive quantity, private stock outside a platform warehouse)."""

    http_status = 409


class DuplicateMovement(StockRefused):
    """A reservation, release or shipment with this reference was already applied to the row."""


class PurchaseRefused(InventoryError):
    """A purchase cart or purchase order change is not allowed (empty cart, wrong status,
    quantity out of range, not a platform warehouse). Nothing was changed."""

    http_status = 409


class PurchaseOrderNotFound(NotFound):
    """No purchase order (or cart line) with that id for this merchant (1603100); another
    merchant's answers the same."""

    default_code = ORDER_NOT_FOUND
