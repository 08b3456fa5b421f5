"""The price request flow in Chromium: the merchant asks from the product page, the agent
answers on the request's page, and the merchant's list and product page show the new price.
Screenshots at desktop and phone width (/tmp/prices-*.png); the pages never scroll sideways."""

import re
from typing import Any

import pytest

from dropyard.accounts.tests.factories import PASSWORD
from dropyard.catalog.tests.factories import make_product
from dropyard.sourcing.models import PriceNegotiation

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1440, "phone": 390}


def _shoot(page: Any, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(
            "document.documentElement.scrollWidth <= window.innerWidth + 1", timeout=15000
        )
        page.screenshot(path=f"/tmp/prices-{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def _login(browser: Any, live_server: Any, user: Any) -> Any:
    page = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/(home|ops)/"))
    return page


def test_ask_answer_and_see_the_new_price(browser, live_server, assigned, owner, agent):
    product = make_product(variants=2, name="Ceramic pour-over coffee dripper")
    variant = product.variants.order_by("position").last()

    page = _login(browser, live_server, owner)
    page.goto(f"{live_server.url}/catalog/products/{product.public_id}/")
    page.locator(f'a[data-testid="ask-price"][href$="vid={variant.public_id}"]').click()
    page.get_by_test_id("ask-form").wait_for()
    assert page.locator("select[name=variant]").input_value() == variant.sku
    page.fill("input[name=monthly_quantity]", "800")
    page.fill("input[name=target_price]", "9.80")
    page.fill("textarea[name=note]", "Peak season volume for two stores.")
    page.get_by_test_id("ask-submit").click()
    page.get_by_test_id("negotiation-row").wait_for()
    assert page.get_by_test_id("negotiation-status").inner_text() == "Waiting for the agent"
    _shoot(page, "merchant-list")

    negotiation = PriceNegotiation.objects.get()
    ops = _login(browser, live_server, agent)
    ops.goto(f"{live_server.url}/price-requests/ops/{negotiation.public_id}/")
    assert ops.get_by_test_id("list-price").inner_text() == "$12.50"
    _shoot(ops, "ops-detail")
    ops.fill("input[name=price]", "10.40")
    ops.fill("#answer_note", "Done.")
    ops.get_by_test_id("answer-submit").click()
    ops.get_by_test_id("negotiation-outcome").wait_for()

    page.goto(f"{live_server.url}/price-requests/")
    assert page.get_by_test_id("answered-price").inner_text() == "$10.40"
    _shoot(page, "merchant-answered")
    page.goto(f"{live_server.url}/catalog/products/{product.public_id}/")
    assert page.get_by_test_id("your-price").inner_text() == "Your price $10.40"
