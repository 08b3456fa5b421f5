"""Fulfillment refusals. Nothing was changed when one is raised."""

from dropyard.core.errors import NotFound
from dropyard.orders.exceptions import ParcelRefused


class ParcelNotFound(NotFound):
    """No such parcel (or not in this warehouse)."""


class WeightImplausible(ParcelRefused):
    """The measured weight is more than ``WEIGHT_TOLERANCE`` away from the computed weight.

    The operator may confirm it (``confirm_weight=True``) after re-weighing.
    """
