"""The supplier ships its parcels through the fulfillment door; the shipment credits its payable
in the same transaction, once per parcel."""

import pytest

from dropyard.core.errors import NotFound
from dropyard.fulfillment import services as fulfillment_services
from dropyard.inventory.tests.factories import WarehouseFactory, make_supplier
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Parcel, ParcelLine
from dropyard.suppliers import shipping
from dropyard.wallet.choices import AccountKind, LedgerKind
from dropyard.wallet.ledger import ledger_integrity_check
from dropyard.wallet.models import Account, Entry, LedgerTransaction
from dropyard.wallet.supplier_ledger import supplier_payable_minor

from .factories_ship import packed, priced_variants, supplier_parcel, supplier_warehouse


@pytest.fixture
def supplier(db):
    return make_supplier(company_name="Ningbo Lamps")


@pytest.fixture
def world(merchant, supplier):
    warehouse, carrier = supplier_warehouse(supplier)
    shirt, mug = priced_variants([1999, 550])
    parcel = supplier_parcel(merchant=merchant, warehouse=warehouse, items=[(shirt, 3), (mug, 1)])
    return {"warehouse": warehouse, "carrier": carrier, "parcel": parcel}


def _ship(supplier, parcel, carrier, number="YT1234567890", **kwargs):
    return shipping.supplier_parcel_ship(
        supplier=supplier,
        parcel=parcel,
        actor=supplier.user,
        carrier=carrier,
        tracking_number=number,
        **kwargs,
    )


def test_pack_picks_and_packs_a_ready_parcel(supplier, world):
    parcel = world["parcel"]

    packed_parcel = shipping.supplier_parcel_pack(
        supplier=supplier, parcel=parcel, actor=supplier.user, measured_weight_g=800
    )

    assert packed_parcel.status == ParcelStatus.PACKED
    assert Parcel.objects.get(pk=parcel.pk).measured_weight_g == 800


def test_ship_credits_the_payable_with_the_price_minus_ten_percent(supplier, world):
    parcel = packed(world["parcel"], supplier.user)

    result = _ship(supplier, parcel, world["carrier"])

    # 3 × 19.99 = 59.97 → commission 6.00 (5.997 half up) → 53.97; 1 × 5.50 → 0.55 → 4.95.
    assert result.shipment.parcel.status == ParcelStatus.SHIPPED
    assert result.earning.kind == LedgerKind.SUPPLIER_EARNING
    assert result.earning.reference_id == parcel.code
    assert supplier_payable_minor(supplier=supplier) == 5397 + 495
    amounts = sorted(
        (entry.account.kind, entry.amount_minor) for entry in result.earning.entries.all()
    )
    assert amounts == [
        (AccountKind.SUPPLIER_COST, -5892),
        (AccountKind.SUPPLIER_PAYABLE, 5892),
    ]
    assert ledger_integrity_check() == []


def test_commission_setting_changes_the_share(supplier, world, settings):
    settings.DROPYARD_SUPPLIER_COMMISSION_PERMILLE = 250
    parcel = packed(world["parcel"], supplier.user)

    _ship(supplier, parcel, world["carrier"])

    # 5997 − 1499 (1499.25) = 4498; 550 − 138 (137.5 half up) = 412.
    assert supplier_payable_minor(supplier=supplier) == 4498 + 412


def test_shipping_twice_and_the_sweep_never_credit_twice(supplier, world):
    parcel = packed(world["parcel"], supplier.user)
    first = _ship(supplier, parcel, world["carrier"])

    with pytest.raises(ParcelRefused):
        _ship(supplier, parcel, world["carrier"], number="YT999999")
    swept = shipping.supplier_earnings_sweep()

    assert swept == 0
    assert LedgerTransaction.objects.filter(kind=LedgerKind.SUPPLIER_EARNING).count() == 1
    assert supplier_payable_minor(supplier=supplier) == 5892
    assert first.earning.entries.count() == 2


def test_a_partial_shipment_earns_the_shipped_units_and_the_remainder_later(supplier, world):
    parcel = packed(world["parcel"], supplier.user)
    shirt_line = ParcelLine.objects.filter(parcel=parcel).order_by("pk").first()

    result = _ship(supplier, parcel, world["carrier"], shipped_quantities={shirt_line.pk: 1})

    # Shipped now: 1 shirt (1999 → 1799) + 1 mug (495); the 2 other shirts wait.
    assert supplier_payable_minor(supplier=supplier) == 1799 + 495
    remainder = packed(result.shipment.remainder, supplier.user)
    _ship(supplier, remainder, world["carrier"], number="YT5555555")
    assert supplier_payable_minor(supplier=supplier) == 1799 + 495 + 3598


def test_a_refused_shipment_credits_nothing(supplier, world):
    parcel = world["parcel"]  # READY: not packed

    with pytest.raises(ParcelRefused):
        _ship(supplier, parcel, world["carrier"])

    assert Entry.objects.count() == 0
    assert Account.objects.filter(kind=AccountKind.SUPPLIER_PAYABLE).count() == 0


def test_another_suppliers_parcel_is_not_found(supplier, world):
    other = make_supplier(company_name="Other Factory")
    parcel = packed(world["parcel"], supplier.user)

    with pytest.raises(NotFound):
        _ship(other, parcel, world["carrier"])
    with pytest.raises(NotFound):
        shipping.supplier_parcel_get(supplier=other, public_id=parcel.public_id)

    assert Parcel.objects.get(pk=parcel.pk).status == ParcelStatus.PACKED
    assert list(shipping.supplier_parcels(supplier=other)) == []


def test_platform_warehouse_parcels_are_not_in_the_queue(merchant, supplier, world):
    (variant,) = priced_variants([1000])
    supplier_parcel(merchant=merchant, warehouse=WarehouseFactory(), items=[(variant, 1)])

    assert [p.pk for p in shipping.supplier_parcels(supplier=supplier)] == [world["parcel"].pk]
    assert shipping.supplier_parcel_counts(supplier=supplier) == {
        "to_pack": 1,
        "to_ship": 0,
        "shipped": 0,
    }


def test_the_sweep_credits_a_parcel_shipped_by_the_warehouse_door(supplier, world):
    parcel = packed(world["parcel"], supplier.user)
    fulfillment_services.parcel_ship(
        parcel=parcel, actor=None, carrier=world["carrier"], tracking_number="YT777777"
    )
    assert supplier_payable_minor(supplier=supplier) == 0

    assert shipping.supplier_earnings_sweep() == 1
    assert shipping.supplier_earnings_sweep() == 0
    assert supplier_payable_minor(supplier=supplier) == 5892
