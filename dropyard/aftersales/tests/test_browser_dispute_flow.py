"""Browser test of a whole dispute (issue 13's Done-when): the merchant opens a dispute with a
photo from the order's page; support starts the review and asks for more evidence; the merchant
sees the request (and a notice in the bell) and answers with a second photo; support grants a
resend; the merchant finds it all in the AS service center: outcome, resend order, history,
both photos and the thread. Both sides at 1440 px, the merchant's final pages also at 390 px
without sideways scrolling.

With ``DROPYARD_SCREENSHOTS=<dir>`` every step is also saved there.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dropyard.accounts.tests.factories import PASSWORD, make_operator
from dropyard.aftersales.choices import DisputeOutcome, DisputeStatus
from dropyard.aftersales.models import Dispute
from dropyard.aftersales.tests.factories import delivered_order, make_shop
from dropyard.catalog.tests.factories import encoded, photo
from dropyard.orders.choices import OrderType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHOTOS_LOADED = (
    "() => { const imgs = document.querySelectorAll('[data-testid=dispute-evidence] img');"
    " return imgs.length === 2 && Array.from(imgs).every(i => i.complete && i.naturalWidth > 0); }"
)
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
TOO_WIDE = (
    "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect()"
    ".right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 8)"
)


@pytest.fixture
def world(private_files):
    shop = make_shop()
    return shop, delivered_order(shop), make_operator(role="support")


def _login(browser, live_server, user):
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    # Every data-confirm question is answered yes; the questions are kept to assert on.
    page.questions = []

    def answer(dialog):
        page.questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _shoot(page, name: str) -> None:
    folder = os.environ.get("DROPYARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        # From the top: a full-page shot taken scrolled down repeats the sticky top bar.
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=f"{folder}/flow-{name}-{width}.png", full_page=True)


def _texts(locator) -> list[str]:
    """Each element's text on one line, its times (``Y-m-d H:i``) written ``T``."""
    return [
        re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "T", " ".join(text.split()))
        for text in locator.all_inner_texts()
    ]


def test_dispute_from_photo_to_resend(browser, live_server, world, tmp_path):
    shop, order, support = world
    red = order.lines.order_by("pk").first()
    first, second = tmp_path / "cracked.png", tmp_path / "label.png"
    first.write_bytes(encoded(photo(31, (640, 480)), "PNG"))
    second.write_bytes(encoded(photo(32, (480, 640)), "PNG"))
    merchant = _login(browser, live_server, shop.owner)
    desk = _login(browser, live_server, support)

    # The merchant opens a dispute from the order's page: 1 red, damaged, asks for a resend.
    merchant.goto(f"{live_server.url}/orders/{order.public_id}/")
    merchant.get_by_test_id("dispute-button").click()
    merchant.wait_for_url(re.compile(r"/dispute/$"))
    merchant.get_by_test_id(f"qty-{red.variant.sku}").fill("1")
    merchant.get_by_label("Reason").select_option(label="Product damaged")
    merchant.get_by_label("Resend", exact=True).check()
    merchant.get_by_label("Describe the problem").fill("The red one arrived cracked")
    _shoot(merchant, "1-open")
    merchant.get_by_test_id("dispute-review-submit").click()
    merchant.get_by_test_id("dispute-caps").wait_for()
    merchant.get_by_label("Photos or videos").set_input_files([str(first)])
    _shoot(merchant, "2-review")
    merchant.get_by_test_id("dispute-open-submit").click()
    merchant.wait_for_url(re.compile(r"/after-sales/disputes/\w+/$"))
    dispute = Dispute.objects.get()
    assert merchant.url == f"{live_server.url}/after-sales/disputes/{dispute.public_id}/"
    assert merchant.get_by_test_id("dispute-status").inner_text() == "Awaiting response"
    _shoot(merchant, "3-opened")

    # Support finds it on the desk, starts the review and asks for more evidence.
    desk.goto(f"{live_server.url}/ops/after-sales/disputes/")
    assert desk.get_by_test_id("result-count").inner_text() == "1 dispute"
    _shoot(desk, "4-desk")
    desk.get_by_role("link", name=order.code).first.click()
    desk.wait_for_url(re.compile(rf"/ops/after-sales/disputes/{dispute.public_id}/$"))
    assert desk.get_by_test_id("dispute-evidence").get_by_test_id("evidence-item").count() == 1
    desk.get_by_test_id("start-review").click()
    expect(desk.get_by_test_id("dispute-status")).to_have_text("Dispute reviewing")
    desk.get_by_test_id("evidence-form").get_by_label("What is missing").fill(
        "Please add a photo of the shipping label"
    )
    desk.get_by_test_id("evidence-form").get_by_role("button", name="Ask for evidence").click()
    expect(desk.get_by_test_id("dispute-status")).to_have_text("More evidence requested")
    assert desk.questions == [
        "Ask the merchant for more evidence? The dispute will wait for their answer."
    ]
    _shoot(desk, "5-evidence-asked")

    # The merchant sees the request on the dispute and in the bell, and answers with a photo.
    merchant.reload()
    assert int(merchant.get_by_test_id("bell-count").inner_text()) >= 1
    assert merchant.get_by_test_id("dispute-status").inner_text() == "More evidence requested"
    assert merchant.get_by_test_id("evidence-request-message").inner_text() == (
        "Please add a photo of the shipping label"
    )
    merchant.get_by_test_id("bell-button").click()
    # The bell's notices load when it opens.
    expect(merchant.get_by_test_id("bell-item").first).to_contain_text(
        f"More evidence is needed for the dispute about order {order.code}"
    )
    _shoot(merchant, "6-evidence-requested")
    merchant.keyboard.press("Escape")
    reply = merchant.get_by_test_id("reply-form")
    reply.get_by_label("Your message").fill("Here is the label, next to the crack")
    reply.get_by_label("Photos or videos").set_input_files([str(second)])
    reply.get_by_role("button", name="Send").click()
    expect(merchant.get_by_test_id("dispute-status")).to_have_text("Dispute reviewing")
    assert merchant.get_by_test_id("evidence-requested").count() == 0
    _shoot(merchant, "7-answered")

    # Support sees the answer and grants a resend, after the confirmation.
    desk.reload()
    assert desk.get_by_test_id("dispute-status").inner_text() == "Dispute reviewing"
    assert desk.get_by_test_id("dispute-evidence").get_by_test_id("evidence-item").count() == 2
    desk.get_by_test_id("resend-form").get_by_label("Note").fill("Sending a new one")
    desk.get_by_test_id("resend-form").get_by_role("button", name="Resend").click()
    expect(desk.get_by_test_id("dispute-status")).to_have_text("Processed")
    assert desk.questions[-1] == (
        "Send the claimed goods again at no charge? This cannot be undone."
    )
    _shoot(desk, "8-resent")
    dispute.refresh_from_db()
    resend = dispute.resend_order
    assert (dispute.status, dispute.outcome) == (DisputeStatus.RESOLVED, DisputeOutcome.RESENT)
    assert (resend.order_type, resend.original_order_id) == (OrderType.RESEND, order.pk)

    # The merchant's AS service center: the dispute is under "Processed", with everything.
    merchant.goto(f"{live_server.url}/after-sales/")
    merchant.get_by_test_id("tab-processed").click()
    merchant.wait_for_url(re.compile(r"tab=processed"))
    assert merchant.get_by_test_id("tab-processed").inner_text().split() == ["Processed", "1"]
    rows = merchant.get_by_test_id("dispute-row")
    assert rows.count() == 1
    assert order.code in rows.first.inner_text()
    _shoot(merchant, "9-center")
    rows.first.get_by_role("link", name=order.code).first.click()
    merchant.wait_for_url(re.compile(rf"/after-sales/disputes/{dispute.public_id}/$"))
    assert merchant.get_by_test_id("dispute-status").inner_text() == "Processed"
    assert merchant.get_by_test_id("dispute-outcome").inner_text() == "Resent"
    resend_link = merchant.get_by_test_id("dispute-resend").get_by_role("link")
    assert resend_link.inner_text() == resend.code
    assert resend_link.get_attribute("href") == f"/orders/{resend.public_id}/"
    me = shop.owner.email
    assert _texts(merchant.get_by_test_id("dispute-message")) == [
        f"{me} · T The red one arrived cracked",
        "Operator · T Please add a photo of the shipping label",
        f"{me} · T Here is the label, next to the crack",
    ]
    assert _texts(merchant.get_by_test_id("dispute-event")) == [
        "T Opened: Product damaged",
        "T Dispute reviewing Review started",
        "T More evidence requested Please add a photo of the shipping label",
        "T Dispute reviewing The merchant answered",
        f"T Resend order created: {resend.code}",
        "T Processed Sending a new one",
    ]
    assert _texts(merchant.get_by_test_id("dispute-decision")) == [
        f"Decision Resent · T Sending a new one Resend order: {resend.code}"
    ]
    # A resend moves no money: no "Granted $0.00" next to it.
    assert merchant.get_by_test_id("dispute-granted").count() == 0
    merchant.get_by_test_id("dispute-thread").scroll_into_view_if_needed()
    merchant.wait_for_function(PHOTOS_LOADED)
    _shoot(merchant, "10-resolved")

    # The final pages on a phone.
    merchant.set_viewport_size({"width": 390, "height": 844})
    for url, name in (
        (f"/after-sales/disputes/{dispute.public_id}/", "10-resolved"),
        ("/after-sales/?tab=processed", "9-center"),
        (f"/orders/{resend.public_id}/", "11-resend-order"),
        (f"/orders/{order.public_id}/", "12-order"),
    ):
        merchant.goto(f"{live_server.url}{url}")
        if "disputes" in url:
            merchant.get_by_test_id("dispute-thread").scroll_into_view_if_needed()
            merchant.wait_for_function(PHOTOS_LOADED)
        _shoot(merchant, name)
        assert merchant.evaluate(FITS), f"{url} scrolls sideways: {merchant.evaluate(TOO_WIDE)}"
    merchant.context.close()
    desk.context.close()
