"""Browser test: a row's "Pay from wallet" on the supplementary bill list (the generic list)
asks once, then pays that bill only — in a real Chromium against the live server."""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant
from dropyard.wallet import bills as wallet_bills
from dropyard.wallet.choices import MakeupStatus
from dropyard.wallet.models import Makeup

from .payment_helpers import available, fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rows_pay_button_asks_once_and_pays_that_bill(browser, live_server):
    merchant = make_merchant(business_name="Bills Shop")
    owner = merchant.members.get().user
    fund(merchant, owner, 5_000)
    first = wallet_bills.makeup_create(
        merchant=merchant, amount_minor=300, reason="remote area", type="freight"
    )
    newest = wallet_bills.makeup_create(
        merchant=merchant, amount_minor=450, reason="price change", type="product"
    )
    page = browser.new_context(viewport={"width": 390, "height": 900}).new_page()
    questions: list[str] = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))

    page.goto(f"{live_server.url}/wallet/bills/")
    page.get_by_label(f"Select {first.code}").check()  # ticked, but not the row clicked
    page.get_by_test_id("makeup-pay-one").first.click()
    page.wait_for_url(re.compile(r"/wallet/bills/$"))
    page.get_by_text("Paid 1 bill from your wallet").wait_for()

    assert questions == [f"Pay {newest.code} ($4.50) from your wallet?"]
    assert Makeup.objects.get(pk=newest.pk).status == MakeupStatus.PAID
    assert Makeup.objects.get(pk=first.pk).status == MakeupStatus.UNPAID
    assert available(merchant) == 5_000 - 450
