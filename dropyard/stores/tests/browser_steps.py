"""Steps the stores browser tests share: a logged-in merchant page, a shopper's checkout on a
Sandbox storefront, and screenshots at desktop and phone width."""

import re
from typing import Any

from dropyard.accounts.tests.factories import PASSWORD
from dropyard.stores.tests.sandbox_world import SHOPPER

WIDTHS = {"desktop": 1440, "phone": 390}


def screenshots(page: Any, name: str) -> None:
    """``/tmp/<name>-desktop.png`` and ``-phone.png``, full page; each fails (timeout) unless
    the page stops scrolling sideways once the resize has settled (15 s: under CI load a
    re-layout of the Sandbox listing page once took longer than 5 s)."""
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(
            "document.documentElement.scrollWidth <= window.innerWidth + 1", timeout=15000
        )
        page.screenshot(path=f"/tmp/{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def merchant_page(browser: Any, live_server: Any, user: Any) -> Any:
    """A desktop-width page of a new browser context, logged in as ``user`` (on its home)."""
    page = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))
    return page


def shopper_checkout(page: Any) -> None:
    """On a storefront's checkout form: fill in the shopper's address (``SHOPPER``), pay, and
    wait for the shop's order page."""
    page.get_by_test_id("checkout-form").wait_for()
    for name, value in SHOPPER.items():
        if not value:
            continue
        field = page.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.get_by_test_id("pay").click()
    page.get_by_test_id("order-status").wait_for()
