"""Browser test: an agent who chose Simplified Chinese works the back-office order list, an
order's page and a merchant's conversation in Chinese (CJK text rendered, pages fit a phone).

With ``DROPYARD_SCREENSHOTS=<dir>`` the pages are also saved there at 1440 and 390 px wide.
"""

import re

import pytest

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator
from dropyard.checkout import services as checkout_services
from dropyard.orders.tests.factories import make_order_world
from dropyard.orders.tests.test_browser_ops_orders import _shoot
from dropyard.sourcing import services as sourcing_services
from dropyard.wallet.tests.payment_helpers import confirmed, fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(db):
    admin = make_operator(role="admin")
    agent = account_services.user_language_set(user=make_operator(role="agent"), language="zh-hans")
    merchant = make_merchant(business_name="Browser Ops Shop")
    account_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=admin)
    owner = merchant.owner
    fund(merchant, owner, 10_000)
    _, orders = confirmed(merchant, owner, make_order_world(), 1, 2, 3)
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders[:2], actor=owner)
    sourcing_services.message_send(merchant=merchant, sender=owner, body="Where is order 1?")
    sourcing_services.message_send(merchant=merchant, sender=agent, body="已安排发货，明天出库。")
    return agent, merchant, orders


@pytest.mark.parametrize("width", [1440, 390])
def test_agent_works_the_back_office_in_chinese(browser, live_server, desk, width):
    agent, merchant, orders = desk
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", agent.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ops/"))

    page.goto(f"{live_server.url}/ops/orders/")
    assert page.locator("h1").inner_text() == "订单"
    assert page.get_by_test_id("result-count").inner_text() == "3 个订单"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shoot(page, "zh-ops-orders")

    page.get_by_role("link", name=orders[0].code).click()
    page.wait_for_url(re.compile(rf"/ops/orders/{orders[0].public_id}/"))
    assert page.get_by_test_id("order-address").locator("h2").inner_text() == "收货地址"
    assert page.get_by_test_id("order-timeline").locator("h2").inner_text() == "操作记录"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shoot(page, "zh-ops-order-detail")

    page.goto(f"{live_server.url}/messages/ops/{merchant.pk}/")
    assert page.locator("#message-form button[type=submit]").inner_text() == "发送"
    assert page.get_by_test_id("merchant-card").inner_text().count("专属代理：") == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shoot(page, "zh-agent-thread")
