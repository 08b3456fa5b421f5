"""Fulfillment refusals. Nothing was changed when one is raised."""

from dropyard.core.errors import NotFound
from dropyard.orders.exceptions import ParcelRefused


class ParcelNotFound(NotFound):
    """No such parcel (or not in this warehouse)."""


class WeightImplausible(ParcelRefused):
    """The measured weight is more than ``WEIGHT_TOLERANCE`` away from the computed weight.

    The operator may confirm it (``confirm_weight=True``) after re-weighing.
    """


class OrderOnHold(ParcelRefused):
    """An order of the parcel is on hold (``orders.services.order_hold``): the warehouse does
    not pick, pack or ship it until it is released. ``extra["holds"]`` lists each held order as
    ``{"code": ..., "reason": ...}``, so a page can word the refusal in the reader's language.
    """
