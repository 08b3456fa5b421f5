"""Store enumerations: platforms, store and store-order statuses, how a connection was made."""

from django.db import models


class Platform(models.TextChoices):
    """The store platforms an adapter exists (or will exist) for; also ``Order.platform``."""

    SANDBOX = "sandbox", "Sandbox store"
    SHOPIFY = "shopify", "Shopify"
    MEDUSA = "medusa", "Medusa"


class StoreStatus(models.TextChoices):
    """AUTHORIZED syncs; REAUTHORIZE waits for the merchant to authorize again (token revoked or
    expired beyond refresh); DISCONNECTED is final for this row (credentials wiped)."""

    AUTHORIZED = "authorized", "Authorized"
    REAUTHORIZE = "reauthorize", "Needs re-authorization"
    DISCONNECTED = "disconnected", "Disconnected"


class ConnectionHow(models.TextChoices):
    """How a store variant came to be connected to a Dropyard variant."""

    SKU = "sku", "Same SKU"
    MANUAL = "manual", "Connected by hand"
    LISTED = "listed", "Listed from Dropyard"
    SUGGESTED = "suggested", "Accepted suggestion"


class StoreOrderStatus(models.TextChoices):
    """HELD: a line is not connected (or the order was refused; see ``hold_reason``);
    IMPORTED: the Dropyard order exists; CANCELLED: cancelled on the store before import or
    with its Dropyard order; IGNORED: not to be imported (unpaid with ``paid_orders_only``, or
    order sync off) until it is seen again in a state that qualifies."""

    HELD = "held", "Held"
    IMPORTED = "imported", "Imported"
    CANCELLED = "cancelled", "Cancelled"
    IGNORED = "ignored", "Ignored"


class ReceivedVia(models.TextChoices):
    WEBHOOK = "webhook", "Webhook"
    POLL = "poll", "Polling"
    API = "api", "Developer API"


class ListingStatus(models.TextChoices):
    """LISTING: a job is sending it; LISTED: the store shows it as recorded; FAILED: the
    platform refused (``Listing.error`` says why); OUT_OF_DATE: a variant's cost or availability
    changed since it was listed (re-list or re-price)."""

    LISTING = "listing", "Listing…"
    LISTED = "listed", "Listed"
    FAILED = "failed", "Failed"
    OUT_OF_DATE = "out_of_date", "Out of date"


class PriceRounding(models.TextChoices):
    """How a pricing rule ends its prices (``stores.pricing.round_ending``)."""

    NINETY_NINE = "99", "Up to .99"
    NINETY_FIVE = "95", "Up to .95"
    NONE = "none", "No rounding"


class TrackingPushStatus(models.TextChoices):
    """A parcel's tracking on its way to the store: PENDING (to push, now or at the next retry
    time), PUSHED (the platform has the fulfillment; never pushed again), FAILED (the platform
    refused, retries ran out or the store lost its authorization; the merchant may retry),
    SKIPPED (the store's tracking push was off when the parcel shipped)."""

    PENDING = "pending", "Pending"
    PUSHED = "pushed", "Pushed"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class DeliveryMark(models.TextChoices):
    """Whether the store was told the parcel was delivered: NONE (not delivered yet), DUE (to
    tell it), MARKED (told, or nothing to tell on that platform), FAILED (the platform
    refused)."""

    NONE = "", "Not delivered yet"
    DUE = "due", "To mark delivered"
    MARKED = "marked", "Marked delivered"
    FAILED = "failed", "Marking delivered failed"


# The start of a hold reason written by a store's hold rule (``Store.hold_for_review``,
# ``hold_above_minor``): such an order waits for the merchant's "Import now".
RULE_HOLD_PREFIX = "held by the store's rule: "
