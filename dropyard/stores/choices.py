"""Store enumerations: platforms, store and store-order statuses, how a connection was made."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    """The store platforms an adapter exists (or will exist) for; also ``Order.platform``."""

    SANDBOX = "sandbox", _("Sandbox store")
    SHOPIFY = "shopify", _("Shopify")
    MEDUSA = "medusa", _("Medusa")


class StoreStatus(models.TextChoices):
    """AUTHORIZED syncs; REAUTHORIZE waits for the merchant to authorize again (token revoked or
    expired beyond refresh); DISCONNECTED is final for this row (credentials wiped)."""

    AUTHORIZED = "authorized", _("Authorized")
    REAUTHORIZE = "reauthorize", _("Needs re-authorization")
    DISCONNECTED = "disconnected", _("Disconnected")


class ConnectionHow(models.TextChoices):
    """How a store variant came to be connected to a Dropyard variant."""

    SKU = "sku", _("Same SKU")
    MANUAL = "manual", _("Connected by hand")
    LISTED = "listed", _("Listed from Dropyard")
    SUGGESTED = "suggested", _("Accepted suggestion")


class StoreOrderStatus(models.TextChoices):
    """HELD: a line is not connected (or the order was refused; see ``hold_reason``);
    IMPORTED: the Dropyard order exists; CANCELLED: cancelled on the store before import or
    with its Dropyard order; IGNORED: not to be imported (unpaid with ``paid_orders_only``, or
    order sync off) until it is seen again in a state that qualifies."""

    HELD = "held", _("Held")
    IMPORTED = "imported", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")
    IGNORED = "ignored", _("Ignored")


class ReceivedVia(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    POLL = "poll", _("Polling")
    API = "api", _("Developer API")


class ListingStatus(models.TextChoices):
    """LISTING: a job is sending it; LISTED: the store shows it as recorded; FAILED: the
    platform refused (``Listing.error`` says why); OUT_OF_DATE: a variant's cost or availability
    changed since it was listed (re-list or re-price)."""

    LISTING = "listing", _("Listing…")
    LISTED = "listed", _("Listed")
    FAILED = "failed", _("Failed")
    OUT_OF_DATE = "out_of_date", _("Out of date")


class PriceRounding(models.TextChoices):
    """How a pricing rule ends its prices (``stores.pricing.round_ending``)."""

    NINETY_NINE = "99", _("Up to .99")
    NINETY_FIVE = "95", _("Up to .95")
    NONE = "none", _("No rounding")


class TrackingPushStatus(models.TextChoices):
    """A parcel's tracking on its way to the store: PENDING (to push, now or at the next retry
    time), PUSHED (the platform has the fulfillment; never pushed again), FAILED (the platform
    refused, retries ran out or the store lost its authorization; the merchant may retry),
    SKIPPED (the store's tracking push was off when the parcel shipped)."""

    PENDING = "pending", _("Pending")
    PUSHED = "pushed", _("Pushed")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class DeliveryMark(models.TextChoices):
    """Whether the store was told the parcel was delivered: NONE (not delivered yet), DUE (to
    tell it), MARKED (told, or nothing to tell on that platform), FAILED (the platform
    refused)."""

    NONE = "", _("Not delivered yet")
    DUE = "due", _("To mark delivered")
    MARKED = "marked", _("Marked delivered")
    FAILED = "failed", _("Marking delivered failed")


# The start of a hold reason written by a store's hold rule (``Store.hold_for_review``,
# ``hold_above_minor``): such an order waits for the merchant's "Import now".
RULE_HOLD_PREFIX = "held by the store's rule: "
