"""Browser test: a supplier packs and ships a parcel from a 390 px phone (Enter submits each
form), and finance pays its payout on a 1440 px screen. Screenshots go to
``DROPYARD_SCREENSHOT_DIR`` when set (to look at them), nowhere otherwise."""

import os
from pathlib import Path

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_operator
from dropyard.inventory.tests.factories import make_supplier
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.models import Parcel
from dropyard.wallet.choices import PayoutStatus
from dropyard.wallet.models import Payout
from dropyard.wallet.supplier_ledger import supplier_payable_minor

from .factories_ship import priced_variants, supplier_parcel, supplier_warehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _shot(page, name: str) -> None:
    folder = os.environ.get("DROPYARD_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _login(browser, live_server, user, viewport):
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


def test_a_supplier_ships_from_a_phone_and_finance_pays_it(browser, live_server, merchant):
    supplier = make_supplier(company_name="Ningbo Lamps")
    warehouse, carrier = supplier_warehouse(supplier)
    lamp, shade = priced_variants([2500, 800])
    parcel = supplier_parcel(merchant=merchant, warehouse=warehouse, items=[(lamp, 2), (shade, 1)])
    page = _login(browser, live_server, supplier.user, PHONE)

    page.goto(f"{live_server.url}/supplier/portal/orders/")
    _shot(page, "supplier-queue-to-pack-390")
    assert page.evaluate(FITS)
    weight = page.get_by_label("Weight (g)")
    weight.fill(str(parcel.actual_weight_g))
    with page.expect_navigation():
        weight.press("Enter")
    page.goto(f"{live_server.url}/supplier/portal/orders/?tab=to_ship")
    _shot(page, "supplier-queue-to-ship-390")
    assert page.evaluate(FITS)
    tracking = page.get_by_label("Tracking number")
    tracking.fill("YT20261207")
    with page.expect_navigation():
        tracking.press("Enter")
    assert "shipped with YT20261207" in page.get_by_role("alert").first.inner_text()

    assert Parcel.objects.get(pk=parcel.pk).status == ParcelStatus.SHIPPED
    assert supplier_payable_minor(supplier=supplier) == 4500 + 720
    page.goto(f"{live_server.url}/supplier/portal/earnings/")
    assert page.get_by_test_id("payable").inner_text() == "$52.20"
    page.get_by_label("Amount").fill("52.20")
    page.get_by_label("Bank details").fill("Ningbo Lamps, Bank of Ningbo, 6222 0000 1111")
    page.get_by_test_id("request-payout").click()
    page.wait_for_load_state()
    assert page.evaluate(FITS)
    _shot(page, "supplier-earnings-390")

    finance = _login(browser, live_server, make_operator(role="finance"), DESKTOP)
    finance.goto(f"{live_server.url}/ops/suppliers/payouts/")
    _shot(finance, "ops-payouts-1440")
    payout = Payout.objects.get()
    finance.get_by_role("link", name=payout.code).click()
    finance.get_by_test_id("approve").click()
    finance.get_by_test_id("confirm-decision").click()
    finance.get_by_test_id("pay").click()
    finance.get_by_label("Bank transfer reference").fill("BOC-778899")
    finance.get_by_test_id("confirm-decision").click()
    finance.wait_for_load_state()
    _shot(finance, "ops-payout-paid-1440")

    assert Payout.objects.get().status == PayoutStatus.PAID
    assert supplier_payable_minor(supplier=supplier) == 0
