"""Supplier portal refusals."""

from django.utils.translation import gettext_lazy as _

from dropyard.core.errors import DomainError, NotFound


class SupplierPortalError(DomainError):
    """A supplier-portal rule refused the operation."""


class ReviewTransitionRefused(SupplierPortalError):
    """The review is not in a state that allows the requested move."""


class SupplierProductNotFound(NotFound):
    """No such product of this supplier (also for another supplier's products)."""

    def __init__(self, message: str = "", **kwargs):
        super().__init__(message or str(_("Product not found")), **kwargs)


class ReviewNotFound(NotFound):
    """No such product review."""

    def __init__(self, message: str = "", **kwargs):
        super().__init__(message or str(_("Review not found")), **kwargs)
