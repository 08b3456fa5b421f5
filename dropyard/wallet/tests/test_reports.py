"""Reconciliation reports: statement CSV / XLSX (opening + entries = closing), the wallet's
entries and activity, order history export, the profit report (margin per store and product)."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dropyard.checkout.services import pay_from_wallet
from dropyard.orders import services as order_services
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world, order_item
from dropyard.wallet import reports, selectors
from dropyard.wallet.choices import AccountKind
from dropyard.wallet.models import LedgerTransaction, Payment

from .payment_helpers import confirmed, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


def _at(txn: LedgerTransaction, when: datetime) -> None:
    """Move a transaction in time (test set-up: statements select by creation time)."""
    LedgerTransaction.objects.filter(pk=txn.pk).update(created_at=when)


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def _unpaid(merchant, owner, world, *specs):
    """UNPAID orders, one per (quantity, shop amount or None, store name)."""
    orders = [
        order_services.order_create(
            merchant=merchant,
            actor=owner,
            shop_amount_minor=shop,
            store_name=store,
            **order_item((world.red, q)),
        )
        for q, shop, store in specs
    ]
    order_services.cart_add(merchant=merchant, orders=orders, actor=owner)
    order_services.cart_confirm(merchant=merchant, orders=orders, actor=owner)
    return [Order.objects.get(pk=o.pk) for o in orders]


# --- Statement ------------------------------------------------------------------------------------


def _history(merchant, owner, world):
    """Top-up 100.00 (Jan 5), top-up 50.00 (Feb 10), a payment (Feb 20), top-up 20.00 (Mar 3)."""
    fund(merchant, owner, 10_000)
    fund(merchant, owner, 5_000)
    _, orders = confirmed(merchant, owner, world, 1)
    pay_from_wallet(merchant=merchant, orders=orders, actor=owner)
    fund(merchant, owner, 2_000)
    txns = list(LedgerTransaction.objects.filter(merchant=merchant).order_by("pk"))
    assert [t.kind for t in txns] == ["topup", "topup", "order_payment", "topup"]
    for txn, day in zip(txns, (date(2026, 1, 5), date(2026, 2, 10), date(2026, 2, 20),
                               date(2026, 3, 3)), strict=True):  # fmt: skip
        _at(txn, datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
    return txns, Payment.objects.get(order=orders[0])


def test_statement_csv_opening_plus_entries_is_closing(merchant, owner, world):
    _, payment = _history(merchant, owner, world)
    start, end = reports.day_bounds(date(2026, 2, 1), date(2026, 2, 28))
    statement = selectors.statement(merchant=merchant, date_from=start, date_to=end)

    rows = list(csv.DictReader(io.StringIO(reports.statement_csv(statement))))

    assert [r["kind"] for r in rows] == ["Opening", "Top-up", "Order payment", "Closing"]
    assert _cents(rows[0]["balance"]) == 10_000  # the January top-up
    amounts = [_cents(r["amount"]) for r in rows[1:-1]]
    assert amounts == [5_000, -payment.net_minor]
    assert _cents(rows[-1]["balance"]) == 10_000 + 5_000 - payment.net_minor
    assert _cents(rows[0]["balance"]) + sum(amounts) == _cents(rows[-1]["balance"])
    # Each row's balance is the running sum.
    assert [_cents(r["balance"]) for r in rows[1:-1]] == [15_000, 15_000 - payment.net_minor]
    assert all(r["currency"] == "USD" for r in rows)


def test_statement_without_range_opens_at_zero_and_closes_at_the_balance(merchant, owner, world):
    _history(merchant, owner, world)
    statement = selectors.statement(merchant=merchant)

    rows = list(csv.DictReader(io.StringIO(reports.statement_csv(statement))))

    assert rows[0]["balance"] == "0.00"
    wallet = merchant.ledger_accounts.get(kind=AccountKind.WALLET_AVAILABLE)
    assert _cents(rows[-1]["balance"]) == wallet.balance_minor
    assert sum(_cents(r["amount"]) for r in rows[1:-1]) == wallet.balance_minor


def test_statement_xlsx_has_the_same_rows_as_exact_decimals(merchant, owner, world):
    _, payment = _history(merchant, owner, world)
    start, end = reports.day_bounds(date(2026, 2, 1), date(2026, 2, 28))
    statement = selectors.statement(merchant=merchant, date_from=start, date_to=end)

    ws = load_workbook(io.BytesIO(reports.statement_xlsx(statement, merchant=merchant))).active

    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0][:3] == ["Wallet statement", merchant.business_name, merchant.account_number]
    header = values.index(reports.STATEMENT_COLUMNS)
    table = values[header + 1 :]
    assert [r[2] for r in table] == ["Opening", "Top-up", "Order payment", "Closing"]
    opening, closing = Decimal(str(table[0][6])), Decimal(str(table[-1][6]))
    entries = [Decimal(str(r[5])) for r in table[1:-1]]
    assert opening == Decimal("100.00")
    assert entries == [Decimal("50.00"), -Decimal(payment.net_minor) / 100]
    assert opening + sum(entries) == closing
    assert ws.cell(row=header + 3, column=6).number_format == "#,##0.00"


def test_statement_csv_neutralises_formulas_in_text(merchant, owner):
    fund(merchant, owner, 5_000)
    LedgerTransaction.objects.filter(merchant=merchant).update(memo="=HYPERLINK(1)")

    text = reports.statement_csv(selectors.statement(merchant=merchant))

    assert "'=HYPERLINK(1)" in text
    book = reports.statement_xlsx(selectors.statement(merchant=merchant), merchant=merchant)
    ws = load_workbook(io.BytesIO(book)).active
    memos = [row[3] for row in ws.iter_rows(values_only=True) if len(row) > 3]
    assert "=HYPERLINK(1)" in memos
    assert all(cell.data_type == "s" for cell in ws["D"] if cell.value == "=HYPERLINK(1)")


# --- Wallet entries and activity ---------------------------------------------------------------


def test_wallet_entries_are_the_merchants_own_newest_first(merchant, owner, other_merchant):
    fund(merchant, owner, 5_000)
    fund(merchant, owner, 2_000)
    fund(other_merchant, other_merchant.owner, 9_000)

    entries = list(reports.wallet_entries(merchant=merchant))

    assert [(e.amount_minor, e.balance_after_minor) for e in entries] == [
        (2_000, 7_000),
        (5_000, 5_000),
    ]
    assert list(reports.wallet_entries(merchant=merchant, kind="order_payment")) == []
    assert reports.wallet_transaction_kinds(merchant=merchant) == ["topup"]


def test_activity_sums_spending_and_topups_per_day(merchant, owner, world):
    txns, payment = _history(merchant, owner, world)
    for txn in txns:
        _at(txn, datetime(2026, 3, 1, 10, tzinfo=UTC) - timedelta(days=txn.pk % 2))

    series = reports.wallet_activity(merchant=merchant, days=5, today=date(2026, 3, 2))

    assert series.days[0] == date(2026, 2, 26)
    assert series.days[-1] == date(2026, 3, 2)
    assert sum(series.topped_up_minor) == 17_000
    assert sum(series.spent_minor) == payment.net_minor
    assert series.chart_data()["labels"][-1] == "2026-03-02"
    assert not series.empty


# --- Order history export -----------------------------------------------------------------------


def test_order_history_csv_lists_what_each_order_cost_and_was_paid(merchant, owner, world):
    fund(merchant, owner, 100_000)
    paid, unpaid = _unpaid(merchant, owner, world, (2, 5_000, "Shop A"), (1, None, ""))
    pay_from_wallet(merchant=merchant, orders=[paid], actor=owner)
    payment = Payment.objects.get(order=paid)

    text = "".join(reports.order_history_csv_stream(reports.order_history(merchant=merchant)))
    rows = list(csv.DictReader(io.StringIO(text)))

    assert [r["order_code"] for r in rows] == [paid.code, unpaid.code]
    assert _cents(rows[0]["paid"]) == payment.net_minor
    assert _cents(rows[0]["wallet_discount"]) == payment.discount_minor > 0
    assert rows[0]["payment_method"] == "wallet"
    assert rows[0]["store_sale_price"] == "50.00"
    assert rows[1]["paid"] == ""
    assert rows[1]["store_sale_price"] == ""


# --- Profit report --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (10, [0, 0], [5, 5]),
        (7, [3, 1], [5, 2]),
        (0, [5, 5], [0, 0]),
    ],
)
def test_split_minor_always_adds_up(total, weights, parts):
    assert reports.split_minor(total, weights) == parts
    assert sum(parts) == total


def test_margin_percent_is_rounded_half_up_and_none_without_a_sale():
    assert reports.margin_percent(1, 3) == Decimal("33.3")
    assert reports.margin_percent(-50, 200) == Decimal("-25.0")
    assert reports.margin_percent(5, 0) is None


def test_profit_per_store_and_product_leaves_unpriced_orders_out(merchant, owner, world):
    fund(merchant, owner, 500_000)
    a1, a2, b1, unpriced = _unpaid(
        merchant,
        owner,
        world,
        (1, 4_000, "Shop A"),
        (2, 6_000, "Shop A"),
        (1, 1_000, "Shop B"),
        (3, None, "Shop B"),
    )
    pay_from_wallet(merchant=merchant, orders=[a1, a2, b1, unpriced], actor=owner)
    net = {p.order_id: p.net_minor for p in Payment.objects.filter(merchant=merchant)}
    cancelled = _unpaid(merchant, owner, world, (1, 9_999, "Shop A"))[0]
    order_services.order_cancel(order=cancelled, actor=owner, reason="test")

    report = reports.profit_report(merchant=merchant)

    stores = {row.label: row for row in report.by_store}
    a, b = stores["Shop A"], stores["Shop B"]
    assert (a.orders, a.unpriced_orders, a.sale_minor) == (2, 0, 10_000)
    assert a.cost_minor == net[a1.pk] + net[a2.pk]
    assert a.margin_minor == 10_000 - net[a1.pk] - net[a2.pk]
    assert (b.orders, b.unpriced_orders, b.sale_minor, b.cost_minor) == (2, 1, 1_000, net[b1.pk])
    assert b.unpriced_cost_minor == net[unpriced.pk]
    assert b.margin_minor == 1_000 - net[b1.pk] < 0  # sold below cost: a negative margin
    total = report.total
    assert (total.orders, total.unpriced_orders, total.sale_minor) == (4, 1, 11_000)
    assert total.cost_minor == net[a1.pk] + net[a2.pk] + net[b1.pk]
    assert total.margin_pct == reports.margin_percent(total.margin_minor, 11_000)
    # Every order is one product here: the product row is the sum of the priced orders.
    [product] = report.by_product
    assert product.sale_minor == 11_000
    assert product.cost_minor == total.cost_minor
    assert product.unpriced_orders == 1
    assert report.chart_data()["labels"] == [r.label for r in report.by_store]


def test_order_cost_is_what_the_wallet_payment_charged(merchant, owner, world):
    fund(merchant, owner, 100_000)
    [order] = _unpaid(merchant, owner, world, (3, 9_000, "Shop A"))
    pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    order.refresh_from_db()
    payment = Payment.objects.get(order=order)

    cost = reports.order_cost(order, payment)

    assert cost.cost_minor == payment.net_minor
    assert cost.discount_minor == order.discount_amount_minor + payment.discount_minor
    assert cost.products_minor + cost.freight_minor + cost.fees_minor == order.total_amount_minor
    assert cost.margin_minor == 9_000 - payment.net_minor


def test_profit_report_is_scoped_and_by_payment_date(merchant, owner, other_merchant, world):
    fund(merchant, owner, 100_000)
    [order] = _unpaid(merchant, owner, world, (1, 5_000, "Shop A"))
    pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    Order.objects.filter(pk=order.pk).update(paid_at=datetime(2026, 1, 15, 12, tzinfo=UTC))

    assert reports.profit_report(merchant=other_merchant).orders == []
    start, end = reports.day_bounds(date(2026, 2, 1), None)
    assert reports.profit_report(merchant=merchant, date_from=start, date_to=end).orders == []
    start, end = reports.day_bounds(date(2026, 1, 1), date(2026, 1, 31))
    assert len(reports.profit_report(merchant=merchant, date_from=start, date_to=end).orders) == 1
