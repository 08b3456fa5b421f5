"""Pure tracking rules: carrier words → contract statuses (0–14), and the texts we show.

No database here: these functions are tested with plain tables.
"""

import re
from datetime import datetime

from django.utils.translation import gettext_noop

from .choices import TrackingStatus

S = TrackingStatus

# Carrier vocabularies we have met (AfterShip/17TRACK-style tags, common carrier phrases), keyed
# by their normalised form: lower case, runs of non-letters/digits turned into one underscore.
_CARRIER_WORDS: dict[str, TrackingStatus] = {
    # nothing yet
    "pending": S.NO_INFO,
    "notfound": S.NO_INFO,
    "not_found": S.NO_INFO,
    "no_info": S.NO_INFO,
    "info_received": S.NO_INFO,
    "inforeceived": S.NO_INFO,
    "label_created": S.NO_INFO,
    "pre_transit": S.NO_INFO,
    "expired": S.NO_INFO,
    # first mile
    "warehouse_outbound": S.WAREHOUSE_OUTBOUND,
    "shipped": S.WAREHOUSE_OUTBOUND,
    "dispatched": S.WAREHOUSE_OUTBOUND,
    "picked_up": S.FORWARDER_INBOUND,
    "pickedup": S.FORWARDER_INBOUND,
    "accepted": S.FORWARDER_INBOUND,
    "acceptance": S.FORWARDER_INBOUND,
    "forwarder_inbound": S.FORWARDER_INBOUND,
    "forwarder_return": S.FORWARDER_RETURN,
    "forwarder_outbound": S.FORWARDER_OUTBOUND,
    "departed_origin": S.FORWARDER_OUTBOUND,
    # line haul
    "in_transit": S.FIRST_LEG,
    "intransit": S.FIRST_LEG,
    "transit": S.FIRST_LEG,
    "first_leg": S.FIRST_LEG,
    "departed": S.FIRST_LEG,
    "arrived_destination": S.ARRIVED_DESTINATION,
    "arrived_at_destination": S.ARRIVED_DESTINATION,
    "arrival_destination_country": S.ARRIVED_DESTINATION,
    "customs": S.CUSTOMS_STARTED,
    "customs_started": S.CUSTOMS_STARTED,
    "in_customs": S.CUSTOMS_STARTED,
    "customs_clearance": S.CUSTOMS_STARTED,
    "customs_cleared": S.CUSTOMS_CLEARED,
    "customs_released": S.CUSTOMS_CLEARED,
    "cleared": S.CUSTOMS_CLEARED,
    # last mile
    "terminal_pickup": S.TERMINAL_PICKUP,
    "at_delivery_hub": S.TERMINAL_PICKUP,
    "arrived_at_facility": S.TERMINAL_PICKUP,
    "out_for_delivery": S.OUT_FOR_DELIVERY,
    "outfordelivery": S.OUT_FOR_DELIVERY,
    "with_courier": S.OUT_FOR_DELIVERY,
    "available_for_pickup": S.AWAITING_PICKUP,
    "availableforpickup": S.AWAITING_PICKUP,
    "awaiting_pickup": S.AWAITING_PICKUP,
    "ready_for_pickup": S.AWAITING_PICKUP,
    "delivered": S.DELIVERED,
    "signed": S.DELIVERED,
    "signed_for": S.DELIVERED,
    # problems
    "exception": S.EXCEPTION,
    "failure": S.EXCEPTION,
    "failed_attempt": S.EXCEPTION,
    "attemptfail": S.EXCEPTION,
    "attempt_fail": S.EXCEPTION,
    "undeliverable": S.EXCEPTION,
    "lost": S.EXCEPTION,
    "damaged": S.EXCEPTION,
    "abnormal": S.EXCEPTION,
    "held": S.EXCEPTION,
    "returned": S.RETURNED,
    "return_to_sender": S.RETURNED,
    "returned_to_sender": S.RETURNED,
    "returning": S.RETURNED,
}


def _words(raw: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", raw.strip().lower()).strip("_")


def tracking_status_normalize(raw: str | int | None) -> TrackingStatus:
    """A carrier's status (a contract code 0–14, or a word such as "OutForDelivery") as a
    contract tracking status. Anything unknown is NO_INFO (0), never a guess at progress."""
    if raw is None or isinstance(raw, bool):
        return S.NO_INFO
    if isinstance(raw, int):
        return S(raw) if 0 <= raw <= 14 else S.NO_INFO
    text = str(raw).strip()
    if text.isdigit():
        return tracking_status_normalize(int(text))
    words = _words(text)
    if words in _CARRIER_WORDS:
        return _CARRIER_WORDS[words]
    return _CARRIER_WORDS.get(words.replace("_", ""), S.NO_INFO)


# The API's free-text ``trackingStatus`` (contract §2.5: e.g. "In transit"); also shown in UIs.
# English here (the API and the stored ``status_text``); pages pass it through gettext.
_SUMMARY: dict[int, str] = {
    S.NO_INFO: gettext_noop("Not yet tracked"),
    S.WAREHOUSE_OUTBOUND: gettext_noop("Shipped"),
    S.FORWARDER_INBOUND: gettext_noop("In transit"),
    S.FORWARDER_RETURN: gettext_noop("Returned to the warehouse"),
    S.FORWARDER_OUTBOUND: gettext_noop("In transit"),
    S.FIRST_LEG: gettext_noop("In transit"),
    S.ARRIVED_DESTINATION: gettext_noop("In transit"),
    S.CUSTOMS_STARTED: gettext_noop("In customs"),
    S.CUSTOMS_CLEARED: gettext_noop("In transit"),
    S.TERMINAL_PICKUP: gettext_noop("In transit"),
    S.OUT_FOR_DELIVERY: gettext_noop("Out for delivery"),
    S.AWAITING_PICKUP: gettext_noop("Ready for pickup"),
    S.DELIVERED: gettext_noop("Delivered"),
    S.EXCEPTION: gettext_noop("Exception"),
    S.RETURNED: gettext_noop("Returned"),
}


def tracking_status_summary(status: int) -> str:
    """A short free text for a status ("In transit", "Delivered"), as trackInfo answers it."""
    return _SUMMARY.get(int(status), gettext_noop("Not yet tracked"))


def delivery_days(*, shipped_at: datetime | None, until: datetime | None) -> int | None:
    """Whole days from the first event to ``until`` (delivery, or now), at least 0; None
    when the parcel has no event yet."""
    if shipped_at is None or until is None:
        return None
    return max(0, (until - shipped_at).days)


TRACKING_NUMBER_RE = re.compile(r"^[A-Za-z0-9-]{4,64}$")


def tracking_number_clean(value: str) -> str:
    """A tracking number as stored and looked up: trimmed, upper case, spaces removed.

    Returns "" when the value cannot be a tracking number (letters, digits and dashes only,
    4–64 characters), so lookups of garbage find nothing rather than erroring.
    """
    cleaned = re.sub(r"\s+", "", str(value or "")).upper()
    return cleaned if TRACKING_NUMBER_RE.match(cleaned) else ""
