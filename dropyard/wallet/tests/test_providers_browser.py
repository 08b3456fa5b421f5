"""Browser test: a card top-up in a real Chromium, from the amount to the credited wallet.

The merchant enters an amount and clicks "Pay by card"; Stripe's hosted Checkout page is stood
in for by a route that sends the browser back to the success URL (as Stripe does after
payment). The return page waits for confirmation; when Stripe's signed webhook arrives, its
htmx polling turns the status into "Credited" without a reload.
"""

import re

import pytest
from django.test import Client

from dropyard.accounts.tests.factories import PASSWORD
from dropyard.wallet.choices import TopUpStatus
from dropyard.wallet.ledger import wallet_balance
from dropyard.wallet.models import TopUp

from . import providers_fakes
from .providers_fakes import post_stripe, session_completed, stripe_event, stripe_signed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

stripe_on = providers_fakes.stripe_on
provider_http = providers_fakes.provider_http


def test_card_topup_waits_for_the_webhook_then_shows_credited(
    browser, live_server, merchant, owner, stripe_on, provider_http, settings
):
    settings.SITE_URL = live_server.url
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))

    def stripe_checkout(route):
        # Stripe's hosted page: after payment it sends the buyer to the success URL.
        success_url = provider_http.stripe.requests[-1].form()["success_url"]
        route.fulfill(status=302, headers={"Location": success_url})

    page.route("https://checkout.stripe.test/**", stripe_checkout)
    page.goto(f"{live_server.url}/wallet/providers/topup/")
    page.fill("input[name=amount]", "40")
    page.get_by_test_id("pay-stripe").click()
    page.wait_for_url(re.compile(r"/return/$"))

    status = page.get_by_test_id("topup-status")
    assert "Waiting for confirmation" in status.inner_text()
    topup = TopUp.objects.get()
    assert topup.amount_minor == 4000

    payload = stripe_event("evt_browser", "checkout.session.completed", session_completed(topup))
    assert post_stripe(Client(), payload, stripe_signed(payload)).status_code == 200

    page.wait_for_selector('[data-testid=topup-status][data-status="succeeded"]', timeout=10_000)
    assert "40.00 USD received, fee 1.46 USD" in page.get_by_test_id("topup-status").inner_text()
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    assert wallet_balance(merchant=merchant).available_minor == 4000 - 146
