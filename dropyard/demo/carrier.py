"""Demo logistics wiring: the Sandbox carrier and the platform warehouses that hand over to it
(called by ``demo.loader``).

Idempotent: a second run creates and changes nothing.
"""

from django.conf import settings
from django.db import transaction

from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Warehouse
from dropyard.logistics.carriers import SANDBOX_CODE
from dropyard.logistics.models import Carrier

SANDBOX_CARRIER_NAME = "Sandbox Carrier"


def sandbox_tracking_url_template() -> str:
    """Our own public tracking page, where Sandbox parcels are followed."""
    return f"{settings.SITE_URL}/track/{{number}}/"


@transaction.atomic
def load_sandbox_carrier() -> list[str]:
    """Ensure the Sandbox carrier exists and every active platform warehouse hands over to it.

    Returns what was created or linked (empty on a second run). Shipping lines keep their own
    carriers: warehouses may ship any parcel with a carrier they serve, so at shipping time the
    Sandbox carrier issues the tracking number and plays the tracking events.
    """
    created: list[str] = []
    carrier, made = Carrier.objects.get_or_create(
        code=SANDBOX_CODE,
        defaults={
            "name": SANDBOX_CARRIER_NAME,
            "tracking_url_template": sandbox_tracking_url_template(),
        },
    )
    if made:
        created.append(f"carrier {SANDBOX_CARRIER_NAME}")
    missing = Warehouse.objects.filter(kind=WarehouseKind.PLATFORM, is_active=True).exclude(
        carriers=carrier
    )
    codes = []
    for warehouse in missing.order_by("code"):
        warehouse.carriers.add(carrier)
        codes.append(warehouse.code)
    if codes:
        created.append(f"{SANDBOX_CARRIER_NAME} served by {', '.join(codes)}")
    return created
