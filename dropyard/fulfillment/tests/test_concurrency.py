"""Two warehouse screens act on one parcel at once (real threads, one connection each)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.fulfillment import services
from dropyard.fulfillment.tests.factories import make_parcel, make_variants
from dropyard.inventory.choices import MovementKind
from dropyard.inventory.models import Stock, StockMovement
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Parcel


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_shipping_one_parcel_twice_at_once_ships_it_once_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    worker = make_operator(role="warehouse")
    (variant,) = make_variants(1)
    parcel = make_parcel(merchant=make_merchant(), items=[(variant, 3)], on_hand=5)
    services.parcel_start_picking(parcels=[parcel], actor=worker)
    parcel.refresh_from_db()
    services.parcel_pack(parcel=parcel, measured_weight_g=600, actor=worker)
    start = threading.Barrier(4)

    def ship(i: int) -> str:
        try:
            start.wait(timeout=30)
            services.parcel_ship(
                parcel=Parcel.objects.get(pk=parcel.pk),
                actor=worker,
                tracking_number=f"LP9000{i}",
                shipped_quantities={parcel.lines.get().pk: 1 + i % 3},
            )
        except ParcelRefused:
            return "refused"
        else:
            return "shipped"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(ship, range(4)))

    parcel.refresh_from_db()
    stock = Stock.objects.get(variant=variant, warehouse=parcel.warehouse)
    shipped = parcel.lines.get().shipped_quantity
    remainders = Parcel.objects.filter(split_from=parcel)
    assert sorted(outcomes) == ["refused", "refused", "refused", "shipped"]
    assert parcel.status == ParcelStatus.SHIPPED
    assert StockMovement.objects.filter(kind=MovementKind.SHIPMENT).count() == 1
    assert (stock.on_hand, stock.reserved) == (5 - shipped, 3 - shipped)
    assert sum(r.lines.get().quantity for r in remainders) == 3 - shipped
