"""Browser test: a merchant tops up with the Sandbox provider, pays three orders in bulk from
the wallet with the discount shown and applied, downloads the invoice and exports the
statement — in a real Chromium against the live server.
"""

import csv
import io
import re
from decimal import Decimal

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import quotes
from dropyard.wallet.models import Invoice

from .payment_helpers import available, confirmed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _money(minor: int) -> str:
    return f"${Decimal(minor) / 100:,.2f}"


def test_top_up_pay_three_orders_from_wallet_invoice_and_statement(browser, live_server):
    merchant = make_merchant(business_name="Browser Wallet Shop")
    owner = merchant.members.get().user
    world = make_order_world()
    _, orders = confirmed(merchant, owner, world, 1, 2, 3)
    quote = quotes.payment_quote(merchant=merchant, orders=orders)
    assert quote.discount_minor > 0

    page = browser.new_context(accept_downloads=True).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))

    # Top up $500.00 with the Sandbox provider from the wallet page.
    page.get_by_test_id("main-nav").get_by_role("link", name="Wallet").click()
    page.wait_for_url(re.compile(r"/wallet/$"))
    assert page.get_by_test_id("balance-available").inner_text() == "$0.00"
    page.get_by_label("Sandbox amount (USD)").fill("500.00")
    page.get_by_role("button", name="Sandbox top-up (no real money)").click()
    page.wait_for_url(re.compile(r"/wallet/topups/\w+/$"))
    assert available(merchant) == 50_000
    page.goto(f"{live_server.url}/wallet/")
    assert page.get_by_test_id("balance-available").inner_text() == "$500.00"

    # Select the three unpaid orders and pay them in bulk from the wallet.
    page.get_by_test_id("main-nav").get_by_role("link", name="Orders").click()
    for order in orders:
        page.get_by_label(f"Select {order.order_number}").check()
    page.get_by_test_id("bulk-pay-wallet").click()
    page.wait_for_url(re.compile(r"/wallet/pay/$"))
    assert page.get_by_test_id("pay-line").count() == 3
    assert page.get_by_test_id("pay-gross").inner_text() == _money(quote.gross_minor)
    assert page.get_by_test_id("pay-discount").inner_text() == "-" + _money(quote.discount_minor)
    assert page.get_by_test_id("pay-net").inner_text() == _money(quote.net_minor)
    assert page.get_by_test_id("pay-after").inner_text() == _money(50_000 - quote.net_minor)
    assert "Wallet discount (2%)" in page.get_by_test_id("pay-quote").inner_text()
    page.get_by_test_id("pay-confirm").click()  # the confirm() dialog is accepted
    page.wait_for_url(re.compile(r"/wallet/$"))

    after = 50_000 - quote.net_minor
    assert page.get_by_test_id("balance-available").inner_text() == _money(after)
    assert (
        f"{quote.gross.wire()} − {quote.discount.wire()} discount = {quote.net.wire()} USD"
        in page.get_by_test_id("messages").inner_text()
    )
    assert available(merchant) == after
    assert set(
        Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)
    ) == {OrderStatus.UNSHIPPED}

    # Download the payment's invoice.
    invoice = Invoice.objects.get(merchant=merchant, kind="invoice")
    assert invoice.total_minor == quote.net_minor
    page.get_by_test_id("invoices-link").click()
    row = page.get_by_test_id("invoice-row").filter(has_text=invoice.number)
    with page.expect_download() as download:
        row.get_by_test_id("invoice-download").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # Export the statement as CSV: opening + entries = closing.
    page.goto(f"{live_server.url}/wallet/")
    page.get_by_test_id("statement-link").click()
    assert page.get_by_test_id("statement-closing").inner_text() == _money(after)
    with page.expect_download() as download:
        page.get_by_test_id("statement-csv").click()
    text = download.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["kind"] for r in rows] == ["Opening", "Top-up", "Order payment", "Closing"]
    assert [r["amount"] for r in rows[1:-1]] == ["500.00", f"-{quote.net.wire()}"]
    assert rows[0]["balance"] == "0.00"
    assert rows[-1]["balance"] == f"{Decimal(after) / 100:.2f}"
