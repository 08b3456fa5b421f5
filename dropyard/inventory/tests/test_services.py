import pytest
from django.db.models import Sum

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.inventory import services
from dropyard.inventory.choices import MovementKind, WarehouseKind
from dropyard.inventory.exceptions import (
    INVENTORY_DEDUCTION_FAILED,
    DuplicateMovement,
    InsufficientStock,
    StockRefused,
    WarehouseInactive,
    WarehouseInvalid,
)
from dropyard.inventory.models import Stock, StockMovement, Warehouse
from dropyard.inventory.tests.factories import (
    WarehouseFactory,
    make_inventory_product,
    make_stock,
    make_supplier,
    make_supplier_warehouse,
)
from dropyard.logistics.tests.factories import CarrierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    return make_inventory_product().variants.get()


@pytest.fixture
def warehouse():
    return WarehouseFactory(code="CNSZ01")


def _quantities(stock: Stock) -> tuple[int, int]:
    stock.refresh_from_db()
    return stock.on_hand, stock.reserved


def _assert_ledger_matches(stock: Stock) -> None:
    stock.refresh_from_db()
    sums = stock.movements.aggregate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
    assert (sums["on_hand"] or 0, sums["reserved"] or 0) == (stock.on_hand, stock.reserved)


# --- Warehouses ---------------------------------------------------------------------------------


def test_warehouse_create_normalises_code_and_country_and_sets_carriers(operator_admin):
    carriers = [CarrierFactory(), CarrierFactory()]

    warehouse = services.warehouse_create(
        code=" usca01 ",
        name="Los Angeles",
        country="us",
        region="CA",
        city="Ontario",
        carriers=carriers,
        actor=operator_admin,
    )

    assert (warehouse.code, warehouse.country, warehouse.kind) == ("USCA01", "US", "platform")
    assert set(warehouse.carriers.all()) == set(carriers)
    assert (warehouse.region, warehouse.city) == ("CA", "Ontario")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"country": "XX"}, "ISO 3166-1"),
        ({"country": "USA1"}, "ISO 3166-1"),
        ({"code": ""}, "code is required"),
        ({"name": " "}, "name is required"),
        ({"kind": "depot"}, "kind must be"),
        ({"kind": WarehouseKind.SUPPLIER}, "needs a supplier"),
        ({"colour": "red"}, "unknown warehouse fields"),
    ],
)
def test_warehouse_create_refuses_invalid_fields(operator_admin, fields, message):
    data = {"code": "DE01", "name": "Berlin", "country": "DE", **fields}

    with pytest.raises(WarehouseInvalid, match=message):
        services.warehouse_create(actor=operator_admin, **data)

    assert Warehouse.objects.count() == 0


def test_warehouse_create_refuses_duplicate_code(operator_admin, warehouse):
    with pytest.raises(WarehouseInvalid, match="already used"):
        services.warehouse_create(code="cnsz01", name="Other", country="CN", actor=operator_admin)

    assert Warehouse.objects.count() == 1


def test_warehouse_create_supplier_kind_with_supplier(operator_admin):
    supplier = make_supplier()

    warehouse = services.warehouse_create(
        code="YW01",
        name="Yiwu factory",
        country="CN",
        kind=WarehouseKind.SUPPLIER,
        supplier=supplier,
        actor=operator_admin,
    )

    assert (warehouse.kind, warehouse.supplier) == (WarehouseKind.SUPPLIER, supplier)


def test_warehouse_create_refuses_supplier_on_platform_warehouse(operator_admin):
    with pytest.raises(WarehouseInvalid, match="no supplier"):
        services.warehouse_create(
            code="X1", name="X", country="CN", supplier=make_supplier(), actor=operator_admin
        )


def test_warehouse_update_changes_fields_and_carriers(operator_admin, warehouse):
    carrier = CarrierFactory()

    updated = services.warehouse_update(
        warehouse=warehouse,
        name="Shenzhen Longhua",
        country="cn",
        postcode="518000",
        carriers=[carrier],
        actor=operator_admin,
    )

    assert (updated.name, updated.postcode) == ("Shenzhen Longhua", "518000")
    assert list(updated.carriers.all()) == [carrier]


def test_warehouse_update_refuses_taken_code_and_changes_nothing(operator_admin, warehouse):
    WarehouseFactory(code="TAKEN")

    with pytest.raises(WarehouseInvalid, match="already used"):
        services.warehouse_update(
            warehouse=warehouse, code="taken", name="New", actor=operator_admin
        )

    warehouse.refresh_from_db()
    assert (warehouse.code, warehouse.name) != ("TAKEN", "New")
    assert warehouse.code == "CNSZ01"


def test_warehouse_update_refuses_supplier_kind_without_supplier(operator_admin, warehouse):
    with pytest.raises(WarehouseInvalid, match="needs a supplier"):
        services.warehouse_update(
            warehouse=warehouse, kind=WarehouseKind.SUPPLIER, actor=operator_admin
        )

    warehouse.refresh_from_db()
    assert warehouse.kind == WarehouseKind.PLATFORM


def test_warehouse_set_active_toggles(operator_admin, warehouse):
    services.warehouse_set_active(warehouse=warehouse, is_active=False, actor=operator_admin)
    assert Warehouse.objects.get(pk=warehouse.pk).is_active is False

    services.warehouse_set_active(warehouse=warehouse, is_active=True, actor=operator_admin)
    assert Warehouse.objects.get(pk=warehouse.pk).is_active is True


# --- Receipts -----------------------------------------------------------------------------------


def test_receive_creates_row_and_records_movement(operator_admin, variant, warehouse):
    movement = services.stock_receive(
        variant=variant,
        warehouse=warehouse,
        quantity=12,
        actor=operator_admin,
        reason="PO 77",
        reference="PO77",
    )

    stock = Stock.objects.get(variant=variant, warehouse=warehouse, merchant=None)
    assert _quantities(stock) == (12, 0)
    assert (movement.kind, movement.on_hand_delta, movement.reserved_delta) == ("receipt", 12, 0)
    assert (movement.on_hand_after, movement.reserved_after) == (12, 0)
    assert (movement.actor, movement.reason, movement.reference) == (
        operator_admin,
        "PO 77",
        "PO77",
    )


def test_receive_adds_to_existing_row(operator_admin, variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=5)

    services.stock_receive(
        variant=variant, warehouse=warehouse, quantity=3, actor=operator_admin, reason="top up"
    )

    assert Stock.objects.filter(variant=variant).count() == 1
    assert _quantities(stock) == (8, 0)
    _assert_ledger_matches(stock)


def test_receive_private_stock_is_a_separate_row(operator_admin, variant, warehouse, merchant):
    shared = make_stock(variant=variant, warehouse=warehouse, on_hand=5)

    services.stock_receive(
        variant=variant,
        warehouse=warehouse,
        quantity=7,
        actor=operator_admin,
        reason="bulk purchase",
        merchant=merchant,
    )

    private = Stock.objects.get(variant=variant, warehouse=warehouse, merchant=merchant)
    assert _quantities(private) == (7, 0)
    assert _quantities(shared) == (5, 0)


@pytest.mark.parametrize("quantity", [0, -3, True])
def test_receive_refuses_non_positive_quantity(operator_admin, variant, warehouse, quantity):
    with pytest.raises(StockRefused, match="positive integer"):
        services.stock_receive(
            variant=variant, warehouse=warehouse, quantity=quantity, actor=operator_admin, reason=""
        )

    assert Stock.objects.count() == 0
    assert StockMovement.objects.count() == 0


def test_receive_refuses_private_stock_in_supplier_warehouse(operator_admin, variant, merchant):
    factory_warehouse = make_supplier_warehouse()

    with pytest.raises(StockRefused, match="platform warehouses"):
        services.stock_receive(
            variant=variant,
            warehouse=factory_warehouse,
            quantity=1,
            actor=operator_admin,
            reason="",
            merchant=merchant,
        )

    assert Stock.objects.count() == 0


def test_receive_refuses_inactive_warehouse(operator_admin, variant):
    closed = WarehouseFactory(is_active=False)

    with pytest.raises(WarehouseInactive):
        services.stock_receive(
            variant=variant, warehouse=closed, quantity=1, actor=operator_admin, reason=""
        )

    assert Stock.objects.count() == 0


# --- Adjustments --------------------------------------------------------------------------------


@pytest.mark.parametrize(("delta", "expected"), [(4, 14), (-6, 4)])
def test_adjust_changes_on_hand(operator_admin, variant, warehouse, delta, expected):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10, reserved=4)

    movement = services.stock_adjust(
        stock=stock, delta=delta, actor=operator_admin, reason="cycle count"
    )

    assert _quantities(stock) == (expected, 4)
    assert (movement.kind, movement.on_hand_delta, movement.on_hand_after) == (
        MovementKind.ADJUSTMENT,
        delta,
        expected,
    )
    _assert_ledger_matches(stock)


def test_adjust_refuses_going_below_reserved(operator_admin, variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10, reserved=4)
    before = StockMovement.objects.count()

    with pytest.raises(StockRefused, match="below the reserved"):
        services.stock_adjust(stock=stock, delta=-7, actor=operator_admin, reason="damage")

    assert _quantities(stock) == (10, 4)
    assert StockMovement.objects.count() == before


@pytest.mark.parametrize(("delta", "reason"), [(0, "x"), (2, ""), (2, "  ")])
def test_adjust_refuses_zero_delta_or_missing_reason(
    operator_admin, variant, warehouse, delta, reason
):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10)

    with pytest.raises(StockRefused):
        services.stock_adjust(stock=stock, delta=delta, actor=operator_admin, reason=reason)

    assert _quantities(stock) == (10, 0)
    assert stock.movements.count() == 1


# --- Reservations -------------------------------------------------------------------------------


def test_reserve_increases_reserved_only(variant, warehouse, owner):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10)

    movement = services.stock_reserve(
        variant=variant, warehouse=warehouse, quantity=3, reference="ORD-1", actor=owner
    )

    assert _quantities(stock) == (10, 3)
    assert stock.available == 7
    assert (movement.kind, movement.reserved_delta, movement.reserved_after) == (
        MovementKind.RESERVATION,
        3,
        3,
    )
    assert (movement.reference, movement.actor) == ("ORD-1", owner)


def test_reserve_all_available(variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=5, reserved=2)

    services.stock_reserve(variant=variant, warehouse=warehouse, quantity=3, reference="ORD-2")

    assert _quantities(stock) == (5, 5)


def test_reserve_refuses_more_than_available_and_changes_nothing(variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=5, reserved=2)
    before = StockMovement.objects.count()

    with pytest.raises(InsufficientStock) as excinfo:
        services.stock_reserve(variant=variant, warehouse=warehouse, quantity=4, reference="ORD")

    assert excinfo.value.code == INVENTORY_DEDUCTION_FAILED == 1603102
    assert _quantities(stock) == (5, 2)
    assert StockMovement.objects.count() == before


def test_reserve_without_stock_row_is_insufficient_and_creates_nothing(variant, warehouse):
    with pytest.raises(InsufficientStock):
        services.stock_reserve(variant=variant, warehouse=warehouse, quantity=1, reference="O")

    assert Stock.objects.count() == 0


def test_reserve_refuses_second_reservation_with_same_reference(variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=5)
    services.stock_reserve(variant=variant, warehouse=warehouse, quantity=1, reference="ORD-9")

    with pytest.raises(DuplicateMovement):
        services.stock_reserve(variant=variant, warehouse=warehouse, quantity=1, reference="ORD-9")

    assert _quantities(stock) == (5, 1)
    assert stock.movements.filter(kind=MovementKind.RESERVATION).count() == 1


def test_reserve_refuses_empty_reference(variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=5)

    with pytest.raises(StockRefused, match="reference"):
        services.stock_reserve(variant=variant, warehouse=warehouse, quantity=1, reference=" ")

    assert _quantities(stock) == (5, 0)


def test_reserve_refuses_inactive_warehouse(variant, warehouse, operator_admin):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=5)
    services.warehouse_set_active(warehouse=warehouse, is_active=False, actor=operator_admin)

    with pytest.raises(WarehouseInactive):
        services.stock_reserve(variant=variant, warehouse=warehouse, quantity=1, reference="O")

    assert _quantities(stock) == (5, 0)


def test_reserve_from_factory_stock(variant):
    factory_warehouse = make_supplier_warehouse()
    stock = make_stock(variant=variant, warehouse=factory_warehouse, on_hand=4)

    services.stock_reserve(
        variant=variant, warehouse=factory_warehouse, quantity=4, reference="ORD-F"
    )

    assert _quantities(stock) == (4, 4)


# --- Private stock isolation --------------------------------------------------------------------


def test_reserve_for_merchant_uses_only_its_private_row(variant, warehouse, merchant):
    shared = make_stock(variant=variant, warehouse=warehouse, on_hand=10)
    private = make_stock(variant=variant, warehouse=warehouse, on_hand=3, merchant=merchant)

    services.stock_reserve(
        variant=variant, warehouse=warehouse, quantity=2, reference="ORD-P", merchant=merchant
    )

    assert _quantities(private) == (3, 2)
    assert _quantities(shared) == (10, 0)


def test_other_merchant_cannot_reserve_private_stock(variant, warehouse, merchant, other_merchant):
    private = make_stock(variant=variant, warehouse=warehouse, on_hand=3, merchant=merchant)

    with pytest.raises(InsufficientStock):
        services.stock_reserve(
            variant=variant,
            warehouse=warehouse,
            quantity=1,
            reference="ORD-X",
            merchant=other_merchant,
        )

    assert _quantities(private) == (3, 0)
    assert not Stock.objects.filter(merchant=other_merchant).exists()


def test_shared_reservation_never_touches_private_stock(variant, warehouse, merchant):
    private = make_stock(variant=variant, warehouse=warehouse, on_hand=3, merchant=merchant)

    with pytest.raises(InsufficientStock):
        services.stock_reserve(variant=variant, warehouse=warehouse, quantity=1, reference="O")

    assert _quantities(private) == (3, 0)


# --- Release, shipment, return ------------------------------------------------------------------


def test_release_gives_back_reserved_units(variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10, reserved=4)

    movement = services.stock_release(
        variant=variant, warehouse=warehouse, quantity=3, reference="ORD-C"
    )

    assert _quantities(stock) == (10, 1)
    assert (movement.kind, movement.on_hand_delta, movement.reserved_delta) == ("release", 0, -3)
    _assert_ledger_matches(stock)


def test_release_refuses_more_than_reserved(variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10, reserved=2)
    before = StockMovement.objects.count()

    with pytest.raises(StockRefused, match="reserved"):
        services.stock_release(variant=variant, warehouse=warehouse, quantity=3, reference="O")

    assert _quantities(stock) == (10, 2)
    assert StockMovement.objects.count() == before


def test_release_refuses_duplicate_reference(variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10, reserved=4)
    services.stock_release(variant=variant, warehouse=warehouse, quantity=1, reference="ORD-C")

    with pytest.raises(DuplicateMovement):
        services.stock_release(variant=variant, warehouse=warehouse, quantity=1, reference="ORD-C")

    assert _quantities(stock) == (10, 3)


def test_ship_consumes_reservation(variant, warehouse, operator_admin):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10, reserved=4)

    movement = services.stock_ship(
        variant=variant, warehouse=warehouse, quantity=4, reference="ORD-S", actor=operator_admin
    )

    assert _quantities(stock) == (6, 0)
    assert (movement.kind, movement.on_hand_delta, movement.reserved_delta) == (
        "shipment",
        -4,
        -4,
    )
    assert (movement.on_hand_after, movement.reserved_after) == (6, 0)
    _assert_ledger_matches(stock)


def test_ship_refuses_unreserved_units(variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10, reserved=1)

    with pytest.raises(StockRefused):
        services.stock_ship(variant=variant, warehouse=warehouse, quantity=2, reference="O")

    assert _quantities(stock) == (10, 1)


def test_ship_without_row_is_refused(variant, warehouse):
    with pytest.raises(StockRefused):
        services.stock_ship(variant=variant, warehouse=warehouse, quantity=1, reference="O")

    assert Stock.objects.count() == 0


def test_private_stock_ships_for_its_merchant_only(variant, warehouse, merchant, other_merchant):
    private = make_stock(
        variant=variant, warehouse=warehouse, on_hand=3, reserved=2, merchant=merchant
    )

    with pytest.raises(StockRefused):
        services.stock_ship(
            variant=variant,
            warehouse=warehouse,
            quantity=1,
            reference="O",
            merchant=other_merchant,
        )
    services.stock_ship(
        variant=variant, warehouse=warehouse, quantity=2, reference="O", merchant=merchant
    )

    assert _quantities(private) == (1, 0)


def test_return_adds_on_hand_even_in_inactive_warehouse(variant, operator_admin):
    closed = WarehouseFactory(is_active=False)

    movement = services.stock_return(
        variant=variant,
        warehouse=closed,
        quantity=2,
        actor=operator_admin,
        reason="customer return",
        reference="RMA-1",
    )

    stock = Stock.objects.get(variant=variant, warehouse=closed)
    assert _quantities(stock) == (2, 0)
    assert (movement.kind, movement.on_hand_delta, movement.reference) == ("return", 2, "RMA-1")


def test_full_cycle_keeps_ledger_and_row_in_step(variant, warehouse, operator_admin):
    services.stock_receive(
        variant=variant, warehouse=warehouse, quantity=20, actor=operator_admin, reason="PO"
    )
    services.stock_reserve(variant=variant, warehouse=warehouse, quantity=5, reference="A")
    services.stock_reserve(variant=variant, warehouse=warehouse, quantity=3, reference="B")
    services.stock_release(variant=variant, warehouse=warehouse, quantity=3, reference="B")
    services.stock_ship(variant=variant, warehouse=warehouse, quantity=5, reference="A")
    services.stock_return(
        variant=variant, warehouse=warehouse, quantity=1, actor=operator_admin, reason="RMA"
    )

    stock = Stock.objects.get(variant=variant, warehouse=warehouse)
    assert _quantities(stock) == (16, 0)
    assert list(stock.movements.order_by("pk").values_list("kind", flat=True)) == [
        "receipt",
        "reservation",
        "reservation",
        "release",
        "shipment",
        "return",
    ]
    _assert_ledger_matches(stock)


# --- Audit --------------------------------------------------------------------------------------


def _events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _target(event: AuditEvent) -> tuple[str, str]:
    return event.target_type, event.target_id


def test_warehouse_create_is_audited(operator_admin):
    warehouse = services.warehouse_create(
        code="deber01", name="Berlin", country="DE", actor=operator_admin
    )

    [event] = _events(AuditAction.WAREHOUSE_CREATED)
    assert (event.actor, _target(event)) == (
        operator_admin,
        ("inventory.Warehouse", str(warehouse.pk)),
    )
    assert event.details == {"code": "DEBER01", "kind": WarehouseKind.PLATFORM}


def test_refused_warehouse_create_writes_no_audit_event(operator_admin, warehouse):
    with pytest.raises(WarehouseInvalid):
        services.warehouse_create(code="CNSZ01", name="Again", country="CN", actor=operator_admin)

    assert not _events(AuditAction.WAREHOUSE_CREATED)


def test_warehouse_update_and_set_active_are_audited(operator_admin, warehouse):
    services.warehouse_update(
        warehouse=warehouse, actor=operator_admin, name="Shenzhen 2", carriers=[CarrierFactory()]
    )
    services.warehouse_set_active(warehouse=warehouse, is_active=False, actor=operator_admin)

    updated, deactivated = _events(AuditAction.WAREHOUSE_UPDATED)
    assert {_target(updated), _target(deactivated)} == {("inventory.Warehouse", str(warehouse.pk))}
    assert {updated.actor, deactivated.actor} == {operator_admin}
    assert updated.details == {"fields": ["name", "carriers"]}
    assert deactivated.details == {"is_active": False}


def test_refused_warehouse_update_writes_no_audit_event(operator_admin, warehouse):
    WarehouseFactory(code="TAKEN1")

    with pytest.raises(WarehouseInvalid):
        services.warehouse_update(warehouse=warehouse, actor=operator_admin, code="taken1")

    assert not _events(AuditAction.WAREHOUSE_UPDATED)


def test_receive_into_private_stock_is_audited_under_the_merchant(
    operator_admin, variant, warehouse, merchant
):
    movement = services.stock_receive(
        variant=variant,
        warehouse=warehouse,
        quantity=4,
        actor=operator_admin,
        reason="Inbound",
        merchant=merchant,
    )

    [event] = _events(AuditAction.STOCK_ADJUSTED)
    assert (event.actor, event.merchant, _target(event)) == (
        operator_admin,
        merchant,
        ("inventory.Stock", str(movement.stock_id)),
    )
    assert event.target_label == f"{variant.sku} @ CNSZ01"
    assert event.details == {
        "kind": MovementKind.RECEIPT,
        "movement": movement.pk,
        "on_hand_delta": 4,
        "on_hand_after": 4,
        "reason": "Inbound",
    }


def test_adjust_is_audited_and_reservations_are_not(operator_admin, variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=10, reserved=2)
    AuditEvent.objects.all().delete()

    movement = services.stock_adjust(stock=stock, delta=-3, actor=operator_admin, reason="Damaged")
    services.stock_release(
        variant=variant, warehouse=warehouse, quantity=1, reference="x-1", merchant=None
    )

    [event] = _events(AuditAction.STOCK_ADJUSTED)
    assert (event.actor, event.merchant, _target(event)) == (
        operator_admin,
        None,
        ("inventory.Stock", str(stock.pk)),
    )
    assert event.details["kind"] == MovementKind.ADJUSTMENT
    assert (event.details["movement"], event.details["on_hand_after"]) == (movement.pk, 7)


def test_refused_stock_changes_write_no_audit_event(operator_admin, variant, warehouse):
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=3, reserved=3)
    AuditEvent.objects.all().delete()

    with pytest.raises(StockRefused):
        services.stock_adjust(stock=stock, delta=-1, actor=operator_admin, reason="Lost")
    with pytest.raises(StockRefused):
        services.stock_receive(
            variant=variant, warehouse=warehouse, quantity=0, actor=operator_admin, reason="x"
        )

    assert not _events(AuditAction.STOCK_ADJUSTED)
