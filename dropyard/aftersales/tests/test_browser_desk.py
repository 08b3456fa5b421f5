"""Browser test: support opens the dispute desk and a dispute's page; both fit a phone.

With ``DROPYARD_SCREENSHOTS=<dir>`` the pages are also saved there at 1440 and 390 px wide.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dropyard.accounts.tests.factories import PASSWORD, make_operator
from dropyard.aftersales import services
from dropyard.aftersales.choices import DisputeReason, ExpectType
from dropyard.aftersales.models import Dispute
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import make_shop, paid_order
from dropyard.orders.tests.test_browser_ops_orders import _shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(db):
    support = make_operator(role="support")
    shop = make_shop()
    disputes = []
    for reason in (DisputeReason.DELAYED, DisputeReason.LOST):
        order = paid_order(shop)
        line = order.lines.order_by("pk").first()
        disputes.append(
            services.dispute_create(
                merchant=shop.merchant,
                actor=shop.owner,
                order=order,
                reason=reason,
                expect_type=ExpectType.REFUND,
                message_text="The parcel has not moved for ten days.",
                lines=[ClaimLine(line.line_item_id, 1)],
            )
        )
    Dispute.objects.filter(pk=disputes[0].pk).update(due_at=timezone.now() - timedelta(hours=3))
    return support, disputes


@pytest.mark.parametrize("width", [1440, 390])
def test_support_opens_the_desk_and_a_dispute(browser, live_server, desk, width):
    support, disputes = desk
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", support.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ops/"))

    page.goto(f"{live_server.url}/ops/after-sales/disputes/")
    assert page.get_by_test_id("result-count").inner_text() == "2 disputes"
    assert page.get_by_test_id("overdue").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shoot(page, "ops-disputes")

    page.get_by_role("link", name=disputes[0].order.code).first.click()
    page.wait_for_url(re.compile(rf"/ops/after-sales/disputes/{disputes[0].public_id}/"))
    assert page.get_by_test_id("dispute-lines").locator("tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shoot(page, "ops-dispute")
