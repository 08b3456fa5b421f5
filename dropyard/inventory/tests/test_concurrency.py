"""Stock under concurrent reservations (real threads, one DB connection each) and a randomised
sequence test of the stock invariants (seeded ``random``, no hypothesis)."""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from dropyard.inventory import services
from dropyard.inventory.choices import MovementKind
from dropyard.inventory.exceptions import DuplicateMovement, InsufficientStock, StockRefused
from dropyard.inventory.models import Stock
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock


def _reserve_concurrently(*, threads: int, available: int) -> tuple[list[str], Stock, float]:
    variant = make_inventory_product().variants.get()
    warehouse = WarehouseFactory()
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=available)
    start = threading.Barrier(threads)

    def reserve(i: int) -> str:
        try:
            start.wait(timeout=30)
            services.stock_reserve(
                variant=variant, warehouse=warehouse, quantity=1, reference=f"ORD-{i}"
            )
        except InsufficientStock:
            return "insufficient"
        else:
            return "reserved"
        finally:
            connection.close()  # each thread has its own connection; don't leak it

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(reserve, range(threads)))
    elapsed = time.monotonic() - began
    stock.refresh_from_db()
    return outcomes, stock, elapsed


def _assert_outcome(outcomes: list[str], stock: Stock, *, threads: int, available: int) -> None:
    assert outcomes.count("reserved") == available
    assert outcomes.count("insufficient") == threads - available
    assert (stock.on_hand, stock.reserved) == (available, available)
    reservations = stock.movements.filter(kind=MovementKind.RESERVATION)
    assert reservations.count() == available
    assert reservations.aggregate(total=Sum("reserved_delta"))["total"] == stock.reserved
    assert sorted(reservations.values_list("reserved_after", flat=True)) == list(
        range(1, available + 1)
    )
    totals = stock.movements.aggregate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
    assert (totals["on_hand"], totals["reserved"]) == (stock.on_hand, stock.reserved)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_reservations_of_ten_available_on_postgresql(record_property):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")

    outcomes, stock, elapsed = _reserve_concurrently(threads=50, available=10)

    _assert_outcome(outcomes, stock, threads=50, available=10)
    record_property("reserved", outcomes.count("reserved"))
    record_property("elapsed_seconds", round(elapsed, 3))


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant covers this")
    if connection.is_in_memory_db():
        # The default test database is a shared-cache in-memory SQLite: its table locks fail at
        # once ("database table is locked") instead of honouring busy_timeout, so threads cannot
        # queue. With a file test database (TEST NAME) IMMEDIATE transactions serialise them.
        pytest.skip("threads cannot share an in-memory SQLite test database reliably")

    outcomes, stock, _ = _reserve_concurrently(threads=12, available=5)

    _assert_outcome(outcomes, stock, threads=12, available=5)


def _run_threads(threads: int, work) -> list[str]:
    start = threading.Barrier(threads)

    def run(i: int) -> str:
        try:
            start.wait(timeout=30)
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, range(threads)))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_receipts_share_one_row_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    variant = make_inventory_product().variants.get()
    warehouse = WarehouseFactory()

    def receive(i: int) -> str:
        services.stock_receive(
            variant=variant, warehouse=warehouse, quantity=1, actor=None, reason=f"r{i}"
        )
        return "received"

    outcomes = _run_threads(10, receive)

    assert outcomes == ["received"] * 10
    stock = Stock.objects.get(variant=variant, warehouse=warehouse)
    assert (stock.on_hand, stock.reserved, stock.movements.count()) == (10, 0, 10)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_reference_applies_once_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    variant = make_inventory_product().variants.get()
    warehouse = WarehouseFactory()
    stock = make_stock(variant=variant, warehouse=warehouse, on_hand=20)

    def reserve(i: int) -> str:
        try:
            services.stock_reserve(
                variant=variant, warehouse=warehouse, quantity=1, reference="ORD-SAME"
            )
        except DuplicateMovement:
            return "duplicate"
        return "reserved"

    outcomes = _run_threads(10, reserve)

    assert sorted(outcomes) == ["duplicate"] * 9 + ["reserved"]
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (20, 1)
    assert stock.movements.filter(kind=MovementKind.RESERVATION).count() == 1


# --- Randomised sequences -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_random_sequences_keep_invariants_and_ledger(seed, operator_admin):
    rng = random.Random(seed)
    variant = make_inventory_product().variants.get()
    warehouse = WarehouseFactory()
    on_hand = reserved = 0
    open_reservations: list[tuple[str, int]] = []
    for step in range(60):
        op = rng.choice(["receive", "reserve", "release", "ship", "adjust"])
        quantity = rng.randint(1, 8)
        reference = f"S{seed}-{step}"
        try:
            if op == "receive":
                services.stock_receive(
                    variant=variant,
                    warehouse=warehouse,
                    quantity=quantity,
                    actor=operator_admin,
                    reason="r",
                )
                on_hand += quantity
            elif op == "reserve":
                services.stock_reserve(
                    variant=variant, warehouse=warehouse, quantity=quantity, reference=reference
                )
                assert on_hand - reserved >= quantity
                reserved += quantity
                open_reservations.append((reference, quantity))
            elif op in ("release", "ship"):
                # sometimes a fresh reference with an arbitrary quantity (may exceed reserved)
                call = services.stock_release if op == "release" else services.stock_ship
                if open_reservations and rng.random() < 0.8:
                    _, quantity = open_reservations.pop(rng.randrange(len(open_reservations)))
                call(variant=variant, warehouse=warehouse, quantity=quantity, reference=reference)
                assert reserved >= quantity
                reserved -= quantity
                if op == "ship":
                    on_hand -= quantity
            else:
                delta = quantity if rng.random() < 0.5 else -quantity
                stock = Stock.objects.filter(variant=variant, warehouse=warehouse).first()
                if stock is None:
                    continue
                services.stock_adjust(stock=stock, delta=delta, actor=operator_admin, reason="c")
                assert on_hand + delta >= reserved
                on_hand += delta
        except InsufficientStock:
            assert op == "reserve"
            assert on_hand - reserved < quantity
        except StockRefused:
            assert op in ("release", "ship", "adjust")

        row = Stock.objects.filter(variant=variant, warehouse=warehouse).first()
        if row is None:
            assert on_hand == reserved == 0
            continue
        assert (row.on_hand, row.reserved) == (on_hand, reserved)
        assert 0 <= row.reserved <= row.on_hand
        totals = row.movements.aggregate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
        )
        assert (totals["on_hand"] or 0, totals["reserved"] or 0) == (on_hand, reserved)
