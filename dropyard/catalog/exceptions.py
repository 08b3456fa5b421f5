"""Catalog errors with the contract's product codes (§3: 1602000–1602003)."""

from dropyard.core.errors import DomainError, NotFound


class VariantNotFound(NotFound):
    """No variant with that vid / SKU (1602000)."""

    default_code = 1602000


class ProductNotFound(NotFound):
    """No product with that pid / SKU (1602001)."""

    default_code = 1602001


class ProductOffSale(DomainError):
    """The product is off shelf (1602002)."""

    default_code = 1602002


class VariantOffSale(DomainError):
    """The variant is off shelf (1602003)."""

    default_code = 1602003


class CatalogError(DomainError):
    """A catalog rule refused the write (invalid category level, bad image, bad values)."""
