"""Browser test: a merchant sends a sourcing request through the form at phone (390 px) and
desktop (1440 px) width; no page scrolls sideways. Screenshots of the list and a quoted
request's page: ``/tmp/shots-src-merchant/{list,detail,new}-{desktop,phone}.png``."""

import os

import pytest

from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.models import SourcingRequest
from dropyard.stores.tests.browser_steps import WIDTHS, merchant_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots-src-merchant"
NOT_WIDER = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _shoot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(NOT_WIDER, timeout=15000)
        page.screenshot(path=f"{SHOTS}/{name}-{label}.png", full_page=True)


def _send(page, live_server, *, width: int, url: str, name: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/sourcing/new/")
    assert page.evaluate(NOT_WIDER)
    page.fill("input[name=source_url]", url)
    page.get_by_test_id("platform-hint").get_by_text("AliExpress").wait_for()
    page.fill("input[name=product_name]", name)
    page.fill("input[name=target_price]", "4.25")
    page.fill("input[name=monthly_quantity]", "300")
    page.get_by_test_id("sourcing-submit").click()
    page.get_by_test_id("sourcing-progress").wait_for()
    assert page.get_by_test_id("sourcing-title").inner_text() == name
    assert page.evaluate(NOT_WIDER)


def test_a_request_from_the_form_at_phone_and_desktop_width(
    browser, live_server, assigned, owner, agent
):
    page = merchant_page(browser, live_server, owner)
    page.goto(f"{live_server.url}/sourcing/")
    page.get_by_test_id("sourcing-empty").wait_for()
    _shoot(page, "empty")

    _send(
        page,
        live_server,
        width=WIDTHS["phone"],
        url="https://www.aliexpress.com/item/1005006123456789.html",
        name="Magnetic phone mount for car dashboards, foldable, with a very long name",
    )
    _send(
        page,
        live_server,
        width=WIDTHS["desktop"],
        url="https://www.aliexpress.com/item/1005006987654321.html",
        name="Bamboo soap dish",
    )
    assert SourcingRequest.objects.count() == 2

    quoted = SourcingRequest.objects.get(product_name="Bamboo soap dish")
    svc.sourcing_claim(request=quoted, actor=agent)
    svc.sourcing_quote_add(
        request=quoted,
        actor=agent,
        supplier_name="Fujian Bamboo Works",
        unit_price_minor=310,
        moq=100,
        lead_time_days=10,
        weight_g=85,
    )
    page.goto(f"{live_server.url}/sourcing/")
    assert page.get_by_test_id("sourcing-row").count() == 2
    page.locator("[data-testid=quota-rules] summary").click()
    page.locator("[data-testid=authority-events] summary").click()
    assert page.get_by_test_id("quota-remaining").inner_text() == "3"
    _shoot(page, "list")
    page.goto(f"{live_server.url}/sourcing/{quoted.public_id}/")
    assert page.get_by_test_id("sourcing-quote").count() == 1
    _shoot(page, "detail")
    page.goto(f"{live_server.url}/sourcing/new/")
    _shoot(page, "new")
    page.goto(f"{live_server.url}/sourcing/{quoted.public_id}/cancel/")
    page.get_by_test_id("cancel-costs-authority").wait_for()
    _shoot(page, "cancel")
