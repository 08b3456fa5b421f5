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
    "StockRefused",
    "VariantNotFound",
    "WarehouseInactive",
    "WarehouseInvalid",
    "WarehouseNotFound",
]

# Contract §3 code that core.errors.ErrorCode does not (yet) name.
INVENTORY_DEDUCTION_FAILED = 1603102


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
