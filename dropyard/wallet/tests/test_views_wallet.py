"""Merchant wallet pages (wallet page, statements, exports, profit) and the finance overview /
refunds queue. Paying orders from the wallet (``wallet:pay``) is the checkout's page
(``checkout/tests/test_views.py``)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dropyard.accounts.tests.factories import make_operator, make_staff
from dropyard.checkout import services as checkout_services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import refunds
from dropyard.wallet.models import Invoice, Payment, TopUp

from .payment_helpers import confirmed, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


# --- Wallet page --------------------------------------------------------------------------------


def test_empty_wallet_page_shows_zero_balance_and_empty_states(owner_client):
    html = owner_client.get(reverse("wallet:home")).content.decode()

    assert 'data-testid="balance-available">$0.00<' in html
    assert 'data-testid="balance-frozen">$0.00<' in html
    assert 'data-testid="empty-state"' in html
    assert 'data-testid="chart-empty"' in html
    assert 'action="/wallet/topups/sandbox/"' in html
    assert 'href="/wallet/topups/wire/"' in html


def test_wallet_page_lists_own_entries_with_running_balance_and_chart(
    owner_client, merchant, owner, other_merchant
):
    fund(merchant, owner, 5_000)
    fund(merchant, owner, 2_500)
    fund(other_merchant, other_merchant.owner, 9_900)

    response = owner_client.get(reverse("wallet:home"))

    html = response.content.decode()
    assert 'data-testid="balance-available">$75.00<' in html
    assert html.count('data-testid="entry-row"') == 2
    assert 'data-testid="entry-balance">$75.00<' in html
    assert 'data-testid="entry-balance">$50.00<' in html
    assert "$99.00" not in html
    assert 'id="wallet-chart-data"' in html
    assert response.context["activity"].topped_up_minor[-1] == 7_500


def test_wallet_entries_filter_by_kind_and_htmx_gets_the_list_only(
    owner_client, merchant, owner, world
):
    fund(merchant, owner, 50_000)
    _, orders = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders, actor=owner)

    response = owner_client.get(
        reverse("wallet:home"), {"kind": "order_payment"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "<html" not in html
    assert html.count('data-testid="entry-row"') == 1
    assert "Wallet payment of 1 order," in html


def test_wallet_entries_bad_dates_are_reported_not_a_crash(owner_client, merchant, owner):
    fund(merchant, owner, 5_000)

    response = owner_client.get(
        reverse("wallet:home"), {"date_from": "2026-03-01", "date_to": "2026-01-01"}
    )

    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()


def test_staff_without_wallet_area_gets_403_and_no_pay_button(client, merchant, staff_user):
    client.force_login(staff_user)

    assert client.get(reverse("wallet:home")).status_code == 403
    assert client.post(reverse("wallet:pay"), {"ids": ["x"]}).status_code == 403
    assert (
        'data-testid="bulk-pay-wallet"' not in client.get(reverse("orders:list")).content.decode()
    )


# --- Statement, order history, profit ----------------------------------------------------------


def test_statement_page_and_downloads_reconcile(owner_client, merchant, owner, world):
    fund(merchant, owner, 20_000)
    _, orders = confirmed(merchant, owner, world, 2)
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders, actor=owner)
    net = Payment.objects.get(order=orders[0]).net_minor

    page = owner_client.get(reverse("wallet:statement"))
    csv_response = owner_client.get(reverse("wallet:statement_csv"))
    xlsx_response = owner_client.get(reverse("wallet:statement_xlsx"))

    assert f'data-testid="statement-closing">${(20_000 - net) / 100:.2f}<' in page.content.decode()
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"].startswith('attachment; filename="wallet-statement')
    assert csv_response["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert [r["kind"] for r in rows] == ["Opening", "Top-up", "Order payment", "Closing"]
    topup = TopUp.objects.get(merchant=merchant)
    invoice = Invoice.objects.get(merchant=merchant, kind="invoice")
    codes = "; ".join(f"Order {o.code}" for o in sorted(orders, key=lambda o: o.code))
    assert [r["reference"] for r in rows] == [
        "",
        f"Top-up {topup.code}; Receipt {topup.receipt.number}",
        f"{codes}; Invoice {invoice.number}",
        "",
    ]
    assert [r["amount"] for r in rows[1:-1]] == ["200.00", f"-{net / 100:.2f}"]
    assert rows[-1]["balance"] == f"{(20_000 - net) / 100:.2f}"
    ws = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert ws["A1"].value == "Wallet statement"


def test_statement_download_with_a_bad_range_is_400(owner_client):
    response = owner_client.get(
        reverse("wallet:statement_csv"), {"date_from": "2026-02-02", "date_to": "2026-02-01"}
    )
    assert response.status_code == 400
    assert response.content.decode() == "The start date is after the end date."
    bad = owner_client.get(reverse("wallet:statement_xlsx"), {"date_from": "yesterday"})
    assert bad.status_code == 400


def test_statement_only_shows_own_wallet(owner_client, merchant, other_merchant):
    fund(other_merchant, other_merchant.owner, 9_900)

    rows = list(
        csv.DictReader(
            io.StringIO(owner_client.get(reverse("wallet:statement_csv")).content.decode())
        )
    )

    assert [(r["kind"], r["balance"]) for r in rows] == [("Opening", "0.00"), ("Closing", "0.00")]


def test_order_history_export_is_the_merchants_orders(
    owner_client, merchant, owner, other_merchant, world
):
    _, mine = confirmed(merchant, owner, world, 1)
    confirmed(other_merchant, other_merchant.owner, world, 1)

    response = owner_client.get(reverse("wallet:order_export"))

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["order_code"] for r in rows] == [mine[0].code]
    assert rows[0]["status"] == OrderStatus.UNPAID


def test_profit_page_says_unpriced_orders_are_left_out(owner_client, merchant, owner, world):
    fund(merchant, owner, 50_000)
    _, orders = confirmed(merchant, owner, world, 1, 2)
    Order.objects.filter(pk=orders[0].pk).update(shop_amount_minor=5_000, store_name="Shop A")
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders, actor=owner)
    net = Payment.objects.get(order=orders[0]).net_minor

    html = owner_client.get(reverse("wallet:profit")).content.decode()

    assert 'data-testid="total-sale">$50.00<' in html
    assert f'data-testid="total-margin">${(5_000 - net) / 100:.2f}<' in html
    assert "1 of 2 orders have <strong>no sale price</strong>" in html
    assert "left out of the sale, cost and margin totals" in html
    assert 'id="profit-chart-data"' in html


def test_profit_page_empty_state(owner_client):
    html = owner_client.get(reverse("wallet:profit")).content.decode()
    assert "No paid orders in this period yet." in html


# --- Finance ------------------------------------------------------------------------------------


def test_finance_home_shows_queues_and_a_zero_trial_balance(client, merchant, owner):
    fund(merchant, owner, 5_000)
    client.force_login(make_operator(role="finance"))

    html = client.get(reverse("wallet_ops:home")).content.decode()

    assert 'data-testid="pending-wires">0<' in html
    assert 'data-testid="tb-total">$0.00 USD<' in html
    assert 'data-testid="tb-unbalanced"' not in html
    for name in ("wire_list", "refund_list", "trial_balance", "integrity_check"):
        assert f'href="{reverse("wallet_ops:" + name)}"' in html
    assert f'href="{reverse("wallet_providers_ops:event_list")}"' in html


def test_refunds_queue_lists_refunds_and_filters(client, merchant, owner, world):
    fund(merchant, owner, 100_000)
    _, orders = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders, actor=owner)
    refund = refunds.refund_issue(
        merchant=merchant,
        order=orders[0],
        amount_minor=100,
        reason="damaged",
        actor=owner,
        idempotency_key="t-1",
    )
    client.force_login(make_operator(role="finance"))

    listed = client.get(reverse("wallet_ops:refund_list")).content.decode()
    filtered = client.get(reverse("wallet_ops:refund_list"), {"status": "pending"}).content.decode()

    assert listed.count('data-testid="refund-row"') == 1
    assert refund.reason in listed
    assert "No refund matches these filters." in filtered


def test_merchant_and_other_staff_cannot_open_finance(client, owner):
    client.force_login(owner)
    assert client.get(reverse("wallet_ops:home")).status_code == 403
    client.force_login(make_operator(role="warehouse"))
    assert client.get(reverse("wallet_ops:refund_list")).status_code == 403


def test_staff_with_wallet_area_can_use_the_wallet(client, merchant):
    staff = make_staff(merchant=merchant, permissions=["wallet"])
    client.force_login(staff)
    assert client.get(reverse("wallet:home")).status_code == 200
