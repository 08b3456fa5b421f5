"""Fulfillment refusals. Nothing was changed when one is raised."""

from dropyard.core.errors import DomainError, NotFound


class ParcelNotFound(NotFound):
    """No such parcel (or not in this warehouse)."""


class ParcelRefused(DomainError):
    """The parcel's status, or the input, does not allow this warehouse step."""

    http_status = 409


class WeightImplausible(ParcelRefused):
    """The measured weight is more than ``WEIGHT_TOLERANCE`` away from the computed weight.

    The operator may confirm it (``confirm_weight=True``) after re-weighing.
    """
