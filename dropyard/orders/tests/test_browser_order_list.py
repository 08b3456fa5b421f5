"""Browser test: the order list on a 390 px phone is one card per order with its status, total
and main action in view, no sideways scrolling, and the filters folded behind a "Filters" button;
at 1440 px the filters are open and the table has its header row."""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant
from dropyard.orders import services
from dropyard.orders.status_labels import order_status_label
from dropyard.orders.templatetags.orders_tags import money
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _inside(box, width: int) -> bool:
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def test_phone_cards_show_status_total_and_action_with_filters_folded(browser, live_server):
    merchant = make_merchant(business_name="Phone List Shop")
    shop = make_order_world()
    orders = [
        services.order_create(
            merchant=merchant,
            actor=merchant.owner,
            **order_item(
                (shop.red, 1), number=f"PHONE-{i}", shipping_customer_name="A Long Customer Name"
            ),
        )
        for i in range(3)
    ]
    newest = orders[-1]

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", merchant.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))
    page.goto(f"{live_server.url}/orders/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_test_id("filter-form").is_visible() is False
    assert page.get_by_test_id("filters-toggle").is_visible() is True
    rows = page.get_by_test_id("order-row")
    assert rows.count() == 3
    first = rows.first
    for cell in (
        "td[data-label=Status]",
        "td[data-label=Total]",
        "[data-testid=order-main-action]",
    ):
        locator = first.locator(cell)
        assert locator.is_visible(), cell
        assert _inside(locator.bounding_box(), 390), cell
        assert locator.bounding_box()["y"] + locator.bounding_box()["height"] <= 844, cell
    assert first.locator("td[data-label=Total]").inner_text() == money(
        newest.total_amount_minor, newest.currency
    )
    assert first.locator("td[data-label=Status] .badge").inner_text() == (
        order_status_label(newest.status, newest.sub_status).label
    )
    assert first.locator("[data-testid=order-main-action]").inner_text() == "Pay…"

    page.get_by_test_id("filters-toggle").click()
    page.get_by_test_id("filter-form").wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    wide = browser.new_context(viewport={"width": 1440, "height": 900})
    wide.add_cookies(phone.cookies())
    desk = wide.new_page()
    desk.goto(f"{live_server.url}/orders/")
    assert desk.get_by_test_id("filter-form").is_visible() is True
    assert desk.get_by_test_id("filters-toggle").is_visible() is False
    assert desk.locator("[data-testid=order-table] thead").is_visible() is True
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1440
