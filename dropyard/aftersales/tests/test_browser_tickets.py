"""Browser test: a merchant opens a ticket through the form, the desk answers it, the merchant
completes and rates it; at desktop (1440 px) and phone (390 px) width. Screenshots:
``/tmp/tickets-*-{desktop,phone}.png``."""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD
from dropyard.aftersales import tickets_services
from dropyard.aftersales.models import Ticket
from dropyard.stores.tests.browser_steps import WIDTHS, screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, user):
    page = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/(home|ops)/"))
    return page


def test_a_ticket_from_the_form_to_the_rating(browser, live_server, merchant, owner, support):
    for n in range(3):
        tickets_services.ticket_create(
            merchant=merchant,
            actor=owner,
            category=["payment", "logistics", "product"][n],
            priority=["low", "urgent", "normal"][n],
            subject=f"Earlier question number {n + 1} about something important",
            message="Details",
        )
    page = _login(browser, live_server, owner)
    page.goto(f"{live_server.url}/after-sales/tickets/new/")
    page.select_option("select[name=category]", "account")
    page.select_option("select[name=priority]", "high")
    page.fill("input[name=subject]", "Please change the login email of our account")
    page.fill("textarea[name=message]", "We moved to a new domain: shop@example.test.")
    page.get_by_test_id("ticket-submit").click()
    page.get_by_test_id("ticket-thread").wait_for()
    ticket = Ticket.objects.get(category="account")
    assert page.get_by_test_id("ticket-status").inner_text() == "Awaiting support's reply"
    screenshots(page, "tickets-merchant-detail")
    page.goto(f"{live_server.url}/after-sales/tickets/")
    assert page.get_by_test_id("ticket-row").count() == 4
    screenshots(page, "tickets-merchant-list")

    desk = _login(browser, live_server, support)
    desk.goto(f"{live_server.url}/ops/after-sales/tickets/?queue=all")
    assert desk.get_by_test_id("desk-row").count() == 4
    screenshots(desk, "tickets-desk")
    desk.goto(f"{live_server.url}/ops/after-sales/tickets/{ticket.public_id}/")
    desk.fill("textarea[name=message]", "Done: the login email is now shop@example.test.")
    desk.get_by_test_id("ticket-reply-submit").click()
    desk.get_by_test_id("ticket-history").wait_for()
    assert desk.get_by_test_id("ticket-status").inner_text() == "Awaiting the merchant"
    screenshots(desk, "tickets-desk-detail")

    page.goto(f"{live_server.url}/after-sales/tickets/{ticket.public_id}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("ticket-complete").click()
    page.get_by_test_id("ticket-rate-form").wait_for()
    page.get_by_label("5 ★").check()
    page.get_by_test_id("ticket-rate-submit").click()
    page.get_by_test_id("ticket-rating").wait_for()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == ("REVIEWED", 5)
    screenshots(page, "tickets-merchant-rated")
