"""Carrier adapters: how a carrier issues tracking numbers and reports events.

A ``Carrier`` row is reference data; an adapter is the code that talks to that carrier. Carriers
without an adapter are "manual": the warehouse types the tracking number the carrier printed,
and events come from operators (or a future feed). ``adapter_for(carrier)`` answers which.

The **Sandbox carrier** (code ``SANDBOX``, shown as "Sandbox" in every UI) needs no network: it
issues realistic tracking numbers (``SBX`` + 9 digits + a Luhn check digit) and plays a scripted
journey through the contract's tracking statuses on an accelerated clock (one event every
``DROPYARD_SANDBOX_CARRIER_STEP_SECONDS``). The journey is a pure function of the tracking
number, so a parcel's story is the same on every run: most are delivered (12), a few end in an
exception (13), some of those returned (14).
"""

import hashlib
import random
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from django_countries import countries

from .choices import TrackingStatus
from .models import Carrier, Tracking

S = TrackingStatus

SANDBOX_CODE = "SANDBOX"
SANDBOX_LABEL = "Sandbox"
SANDBOX_PREFIX = "SBX"


class CarrierAdapter(ABC):
    """What a carrier integration provides.

    ``create_shipment`` books the parcel with the carrier and returns its tracking number
    (unique for this carrier). ``poll`` returns the carrier's current events for a tracking
    (as ``TrackingEventIn``-shaped dicts) for carriers that are polled; adapters that push
    their own events (the Sandbox carrier schedules them) return an empty list.
    ``schedules_events`` tells ``tracking_register`` to start the adapter's own clock.
    """

    code: str = ""
    label: str = ""
    schedules_events: bool = False

    @abstractmethod
    def create_shipment(
        self,
        *,
        reference: str,
        line: Any,
        origin_country: str,
        dest_country: str,
        dest_city: str,
        weight_g: int,
    ) -> str:
        """Book the shipment; return its tracking number."""

    def poll(self, tracking: Tracking) -> list[dict[str, Any]]:
        """The carrier's events for ``tracking`` (none by default)."""
        return []


_ADAPTERS: dict[str, CarrierAdapter] = {}


def adapter_register(adapter: CarrierAdapter) -> CarrierAdapter:
    """Make ``adapter`` the integration of carriers whose code is ``adapter.code``."""
    _ADAPTERS[adapter.code.upper()] = adapter
    return adapter


def adapter_for(carrier: Carrier | None) -> CarrierAdapter | None:
    """The adapter of ``carrier``, or None: then tracking numbers are typed by hand."""
    if carrier is None:
        return None
    return _ADAPTERS.get((carrier.code or "").upper())


def is_sandbox(carrier: Carrier | None) -> bool:
    """True for the Sandbox carrier (labelled "Sandbox" wherever it is shown)."""
    return carrier is not None and (carrier.code or "").upper() == SANDBOX_CODE


def tracking_url(carrier: Carrier | None, number: str) -> str:
    """The carrier's public tracking page for ``number`` ("" when the carrier has none)."""
    if carrier is None or not carrier.tracking_url_template or not number:
        return ""
    return carrier.tracking_url_template.replace("{number}", number)


# --- Sandbox tracking numbers -------------------------------------------------------------------


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit that makes ``digits`` + it a valid Luhn number."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char)
        if i % 2 == 0:  # the rightmost payload digit is doubled once the check digit is appended
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    return digits.isdigit() and len(digits) >= 2 and luhn_check_digit(digits[:-1]) == digits[-1]


def sandbox_number_valid(number: str) -> bool:
    """True for a well-formed Sandbox tracking number: ``SBX`` + 9 digits + Luhn check digit."""
    return (
        len(number) == len(SANDBOX_PREFIX) + 10
        and number.startswith(SANDBOX_PREFIX)
        and luhn_valid(number[len(SANDBOX_PREFIX) :])
    )


def sandbox_number_new() -> str:
    """A fresh, well-formed Sandbox tracking number not yet used by any Sandbox tracking.

    Random serials (10⁹ of them) make a clash rare; the check against existing trackings makes
    it impossible here, and the (carrier, number) unique constraint guards the last race.
    """
    for _ in range(20):
        serial = f"{secrets.randbelow(10**9):09d}"
        number = f"{SANDBOX_PREFIX}{serial}{luhn_check_digit(serial)}"
        if not Tracking.objects.filter(
            carrier__code__iexact=SANDBOX_CODE, tracking_number=number
        ).exists():
            return number
    raise RuntimeError("Could not find a free Sandbox tracking number")  # pragma: no cover


class SandboxCarrier(CarrierAdapter):
    """The Sandbox carrier: numbers from ``sandbox_number_new``, events from its own clock."""

    code = SANDBOX_CODE
    label = SANDBOX_LABEL
    schedules_events = True

    def create_shipment(
        self,
        *,
        reference: str,
        line: Any,
        origin_country: str,
        dest_country: str,
        dest_city: str,
        weight_g: int,
    ) -> str:
        return sandbox_number_new()


adapter_register(SandboxCarrier())


# --- The Sandbox journey ------------------------------------------------------------------------


@dataclass(frozen=True)
class JourneyStep:
    """One scripted event: contract status, activity text, place (city and country only)."""

    status: TrackingStatus
    activity: str
    city: str
    country: str


# Where a parcel leaves a country and where it enters one (airports and sorting hubs).
EXPORT_HUBS: dict[str, tuple[str, ...]] = {
    "CN": ("Shenzhen", "Guangzhou", "Hong Kong"),
    "US": ("Los Angeles", "Newark"),
    "DE": ("Frankfurt", "Leipzig"),
    "GB": ("London",),
    "FR": ("Paris",),
    "TH": ("Bangkok",),
    "ID": ("Jakarta",),
    "BR": ("São Paulo",),
}
IMPORT_HUBS: dict[str, tuple[str, ...]] = {
    "US": ("Los Angeles", "New York", "Chicago", "Miami"),
    "CA": ("Toronto", "Vancouver"),
    "MX": ("Mexico City",),
    "GB": ("London", "East Midlands"),
    "DE": ("Frankfurt", "Leipzig"),
    "FR": ("Paris", "Roissy"),
    "IT": ("Milan",),
    "ES": ("Madrid",),
    "NL": ("Amsterdam",),
    "BE": ("Brussels", "Liège"),
    "AT": ("Vienna",),
    "CH": ("Zurich",),
    "IE": ("Dublin",),
    "PT": ("Lisbon",),
    "SE": ("Stockholm",),
    "DK": ("Copenhagen",),
    "NO": ("Oslo",),
    "FI": ("Helsinki",),
    "PL": ("Warsaw",),
    "AU": ("Sydney", "Melbourne"),
    "NZ": ("Auckland",),
    "JP": ("Tokyo",),
    "KR": ("Seoul",),
    "SG": ("Singapore",),
    "AE": ("Dubai",),
    "SA": ("Riyadh",),
    "IL": ("Tel Aviv",),
    "BR": ("São Paulo", "Curitiba"),
    "CL": ("Santiago",),
    "ZA": ("Johannesburg",),
    "IN": ("Delhi", "Mumbai"),
}
WAREHOUSE_CITIES: dict[str, str] = {
    "CN": "Shenzhen",
    "US": "Ontario",
    "DE": "Frankfurt",
    "GB": "London",
    "FR": "Paris",
    "TH": "Bangkok",
    "ID": "Jakarta",
    "BR": "São Paulo",
}
EU = frozenset(
    ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
     "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE")
)  # fmt: skip

EXCEPTION_SHARE = 0.07  # of parcels end in an exception (13)…
RETURNED_SHARE = 0.5  # …and this share of those is returned to the sender (14)
PICKUP_SHARE = 0.12  # of delivered parcels go to a pickup point first (11)


def _country_name(code: str) -> str:
    return countries.name(code) or code


def _seed(tracking_number: str) -> random.Random:
    digest = hashlib.sha256(tracking_number.encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def sandbox_journey(
    *,
    tracking_number: str,
    origin_country: str,
    dest_country: str,
    dest_city: str = "",
    origin_city: str = "",
) -> list[JourneyStep]:
    """The Sandbox carrier's whole story for one parcel, first event first.

    Deterministic per tracking number (and route). Crossing a customs border adds arrival and
    customs steps (EU to EU and domestic parcels skip customs). It ends in DELIVERED (12), or
    for about ``EXCEPTION_SHARE`` of numbers in EXCEPTION (13), half of those then RETURNED (14).
    """
    rng = _seed(tracking_number)
    origin, dest = origin_country.upper(), dest_country.upper()
    origin_city = origin_city or WAREHOUSE_CITIES.get(origin, "")
    export_hub = rng.choice(EXPORT_HUBS.get(origin, (origin_city,)))
    import_hub = rng.choice(IMPORT_HUBS.get(dest, (dest_city,)))
    last_mile_city = dest_city or import_hub
    domestic = origin == dest
    customs = not domestic and not (origin in EU and dest in EU)
    dest_name = _country_name(dest)

    roll = rng.random()
    exception = roll < EXCEPTION_SHARE
    returned = exception and rng.random() < RETURNED_SHARE
    pickup = not exception and roll < EXCEPTION_SHARE + PICKUP_SHARE
    exception_at = rng.choice(("customs", "delivery", "transit")) if exception else ""
    if exception_at == "customs" and not customs:
        exception_at = "delivery"

    step = JourneyStep
    steps = [
        step(S.WAREHOUSE_OUTBOUND, "Parcel handed over by the warehouse", origin_city, origin),
        step(S.FORWARDER_INBOUND, "Received at the sorting centre", export_hub, origin),
        step(S.FORWARDER_OUTBOUND, "Departed the sorting centre", export_hub, origin),
    ]
    if domestic:
        steps.append(step(S.FIRST_LEG, "In transit to the delivery region", export_hub, origin))
    else:
        haul = f"Departed on the line haul to {dest_name}"
        steps.append(step(S.FIRST_LEG, haul, export_hub, origin))
    if exception_at == "transit":
        lost = "Parcel delayed: missing at a transit scan"
        steps.append(step(S.EXCEPTION, lost, export_hub, origin))
        return _with_return(steps, returned, export_hub, origin)
    if not domestic:
        steps.append(step(S.ARRIVED_DESTINATION, f"Arrived in {dest_name}", import_hub, dest))
    if customs:
        steps.append(step(S.CUSTOMS_STARTED, "Customs clearance started", import_hub, dest))
        if exception_at == "customs":
            held = "Held by customs: import documents required"
            steps.append(step(S.EXCEPTION, held, import_hub, dest))
            return _with_return(steps, returned, import_hub, dest)
        steps.append(step(S.CUSTOMS_CLEARED, "Released by customs", import_hub, dest))
    steps += [
        step(S.TERMINAL_PICKUP, "Arrived at the delivery terminal", last_mile_city, dest),
        step(S.OUT_FOR_DELIVERY, "Out for delivery", last_mile_city, dest),
    ]
    if exception_at == "delivery":
        failed = "Delivery failed: address could not be reached"
        steps.append(step(S.EXCEPTION, failed, last_mile_city, dest))
        return _with_return(steps, returned, last_mile_city, dest)
    if pickup:
        steps += [
            step(S.AWAITING_PICKUP, "Nobody home: left at a pickup point", last_mile_city, dest),
            step(S.DELIVERED, "Collected from the pickup point", last_mile_city, dest),
        ]
    else:
        text = rng.choice(("Delivered", "Delivered to the mailbox", "Delivered, signed for"))
        steps.append(step(S.DELIVERED, text, last_mile_city, dest))
    return steps


def _with_return(
    steps: list[JourneyStep], returned: bool, city: str, country: str
) -> list[JourneyStep]:
    if returned:
        steps.append(JourneyStep(S.RETURNED, "Returned to the sender", city, country))
    return steps
