"""Browser test: a merchant puts a product into the purchase cart from its product page, adds a
second variant by SKU, changes a quantity, creates the purchase order, confirms the payment from
the wallet and finds the units in its private stock and ledger — in a real Chromium against the
live server, at 1440 px and 390 px."""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant
from dropyard.inventory.models import PurchaseOrder, Stock
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock
from dropyard.wallet.tests.payment_helpers import available, fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Nothing in the page's content is wider than the window (the shared top bar is the frame's
# business, not this page's).
FITS = "document.querySelector('main').scrollWidth <= document.querySelector('main').clientWidth"


def _login(page, url, email):
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))


@pytest.mark.parametrize("width", [1440, 390])
def test_cart_pay_private_stock(browser, live_server, width):
    merchant = make_merchant(business_name="Browser Stock Shop")
    owner = merchant.members.get().user
    product = make_inventory_product(variants=2)
    red, blue = product.variants.order_by("position")
    red.price_minor, blue.price_minor = 250, 1000
    red.save(update_fields=["price_minor"])
    blue.save(update_fields=["price_minor"])
    warehouse = WarehouseFactory(code="USLA", country="US", name="Los Angeles")
    make_stock(variant=red, warehouse=warehouse, on_hand=40)
    make_stock(variant=blue, warehouse=warehouse, on_hand=5)
    fund(merchant, owner, 10_000)

    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    _login(page, live_server.url, owner.email)

    # Empty states first.
    page.goto(f"{live_server.url}/private-stock/")
    assert "no private stock yet" in page.get_by_test_id("empty-state").inner_text()

    # From the product page: 4 × red.
    page.goto(f"{live_server.url}/catalog/products/{product.public_id}/")
    form = page.get_by_test_id("buy-private-form")
    form.locator("select[name=vid]").select_option(red.public_id)
    form.locator("input[name=quantity]").fill("4")
    form.get_by_role("button", name="Add to purchase cart").click()
    page.wait_for_url(re.compile(rf"/catalog/products/{product.public_id}/$"))
    assert f"Added 4 × {red.sku}" in page.content()

    # By SKU on the cart page: 2 × blue, then change blue to 3.
    page.goto(f"{live_server.url}/private-stock/cart/")
    page.get_by_label("Variant SKU").fill(blue.sku)
    page.get_by_label("Quantity", exact=True).fill("2")
    page.get_by_test_id("cart-add-form").get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r"/private-stock/cart/$"))
    page.get_by_label(f"Quantity of {blue.sku}").fill("3")
    page.get_by_test_id("cart-line").nth(1).get_by_role("button", name="Update").click()
    page.wait_for_url(re.compile(r"/private-stock/cart/$"))
    assert page.get_by_test_id("cart-total").inner_text() == "$40.00"
    assert page.evaluate(FITS)

    # Create the purchase order, then confirm the payment.
    page.get_by_test_id("order-create").click()
    page.wait_for_url(re.compile(r"/private-stock/orders/SY\d{19}/pay/$"))
    assert page.get_by_test_id("pay-amount").inner_text() == "$40.00"
    assert page.get_by_test_id("pay-balance").inner_text() == "$100.00"
    assert page.get_by_test_id("pay-after").inner_text() == "$60.00"
    assert page.evaluate(FITS)
    page.screenshot(path=f"/tmp/private_stock_pay_{width}.png", full_page=True)
    page.get_by_test_id("pay-confirm").click()
    page.wait_for_url(re.compile(r"/private-stock/$"))

    rows = page.get_by_test_id("private-stock-row")
    assert rows.count() == 2
    assert [a.inner_text() for a in page.get_by_test_id("available").all()] == ["4", "3"]
    assert page.evaluate(FITS)
    page.screenshot(path=f"/tmp/private_stock_{width}.png", full_page=True)
    assert available(merchant) == 6_000
    order = PurchaseOrder.objects.get(merchant=merchant)
    assert order.status == "COMPLETED"
    assert Stock.objects.get(merchant=None, variant=blue, warehouse=warehouse).on_hand == 2

    page.goto(f"{live_server.url}/private-stock/ledger/")
    assert page.get_by_test_id("ledger-row").count() == 2
    assert order.code in page.get_by_test_id("ledger-table").inner_text()
    page.goto(f"{live_server.url}/private-stock/orders/")
    assert page.get_by_test_id("order-status").inner_text() == "Paid, in your private stock"
