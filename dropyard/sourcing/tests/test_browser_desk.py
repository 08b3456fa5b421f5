"""Browser test: an agent opens the sourcing desk and a request's page; both fit a phone.

With ``DROPYARD_SCREENSHOTS=<dir>`` the pages are also saved there at 1440 and 390 px wide.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator
from dropyard.orders.tests.test_browser_ops_orders import _shoot
from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.models import SourcingRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(db):
    admin = make_operator(role="admin")
    agent = make_operator(role="agent")
    merchant = make_merchant(business_name="Acme Drop Co")
    account_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=admin)
    requests = [
        svc.sourcing_request_create(
            merchant=merchant,
            actor=merchant.owner,
            product_name=name,
            source_url=f"https://detail.1688.com/offer/{n}.html",
            target_price_minor=350,
            monthly_quantity=500,
            destination_countries="US, DE",
            description="Foldable, fits phones up to 7 inches; a very long description "
            "that should wrap on a phone without making the page any wider than the screen.",
        ).request
        for n, name in enumerate(("Silicone phone stand", "Walnut desk lamp"), start=1)
    ]
    SourcingRequest.objects.filter(pk=requests[0].pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    return agent, requests


@pytest.mark.parametrize("width", [1440, 390])
def test_agent_opens_the_queue_and_a_request(browser, live_server, desk, width):
    agent, requests = desk
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", agent.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ops/"))

    page.goto(f"{live_server.url}/ops/sourcing/")
    assert page.get_by_test_id("result-count").inner_text() == "2 requests"
    assert page.get_by_test_id("overdue").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shoot(page, "ops-sourcing-queue")

    page.goto(f"{live_server.url}/ops/sourcing/{requests[0].public_id}/")
    page.get_by_test_id("claim-submit").click()
    page.wait_for_url(re.compile(rf"/ops/sourcing/{requests[0].public_id}/"))
    assert page.get_by_test_id("publish-form").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shoot(page, "ops-sourcing-request")
