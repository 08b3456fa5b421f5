"""Browser test: the back office's merchant page shows the merchant's members on the generic
list's table — a sort link swaps only that table (htmx) — and does not scroll sideways at
390 px. Screenshots at 1440 px and 390 px go to /tmp/ops-merchant-*.png for review."""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator, make_staff
from dropyard.stores.tests.browser_steps import screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_merchant_members_sort_in_place_and_fit_a_phone(browser, live_server):
    merchant = make_merchant(business_name="Browser Members Shop")
    staff = make_staff(merchant=merchant, permissions=["orders", "wallet", "stores"])
    admin = make_operator(role="admin")
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ops/$"))

    page.goto(f"{live_server.url}/ops/accounts/merchants/{merchant.pk}/")
    page.locator("#members").get_by_role("link", name="Email").click()
    page.wait_for_url(re.compile(r"msort=email"))
    page.locator("#members .is-sorted").wait_for()
    rows = page.get_by_test_id("member-row")
    emails = sorted([merchant.owner.email, staff.email])
    assert [rows.nth(i).get_by_role("cell").nth(1).inner_text() for i in range(2)] == emails
    screenshots(page, "ops-merchant")
