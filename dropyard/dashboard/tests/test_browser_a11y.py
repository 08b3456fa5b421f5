"""Browser tests of the frame's accessibility helpers (app.css, app.js, base.html): on a phone the
avatar-only user menu and the logo link keep their names, a searchable select (Tom Select) keeps
its label, and a table box that scrolls sideways becomes a focusable, named region while it
overflows. The demo tour (``demo/tests/test_browser_tour.py``) runs axe-core over whole pages."""

import pytest
from playwright.sync_api import expect

from dropyard.dashboard.tests.test_browser_layout import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A table 600 px wide after the page's h2: wider than a 390 px phone, narrower than a desktop.
WIDE_TABLE = """
const main = document.querySelector("#main .container-xl");
main.insertAdjacentHTML("beforeend",
  '<h2>Test lines</h2><div class="table-responsive" id="wide"><table class="table"'
  + ' style="width:600px"><tr><td>a</td></tr></table></div>');
"""


def _page(browser, live_server, user, width: int):
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    _log_in(page, live_server.url, user)
    return page


def test_phone_user_menu_and_logo_keep_their_names(browser, live_server, owner):
    page = _page(browser, live_server, owner, 390)

    menu = page.get_by_role("button", name=owner.display_name, exact=True)
    assert menu.is_visible()
    assert menu.bounding_box()["width"] < 60  # the avatar only: the name is hidden visually
    assert page.get_by_role("link", name="Dropyard", exact=True).is_visible()


def test_searchable_select_keeps_its_label(browser, live_server, owner):
    page = _page(browser, live_server, owner, 1440)
    page.goto(f"{live_server.url}/orders/new/")
    page.locator(".ts-wrapper").first.wait_for()

    select = page.locator("#id_shipping_country_code")
    assert select.get_attribute("aria-label") == "Country"
    assert select.get_attribute("aria-hidden") == "true"  # one combobox for screen readers
    combobox = page.get_by_role("combobox", name="Country", exact=True)
    assert combobox.count() == 1
    assert combobox.get_attribute("id") == "id_shipping_country_code-ts-control"
    search = page.locator(
        "#id_shipping_country_code + .ts-wrapper .ts-dropdown input.dropdown-input"
    )
    assert search.get_attribute("aria-label") == "Country"  # the type-to-filter box


def test_wide_table_is_a_focusable_region_while_it_scrolls(browser, live_server, owner):
    page = _page(browser, live_server, owner, 390)
    page.evaluate(WIDE_TABLE)
    box = page.locator("#wide")

    page.set_viewport_size({"width": 380, "height": 800})  # a resize makes app.js look again
    expect(box).to_have_attribute("tabindex", "0")
    assert box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label") == "Test lines"

    page.set_viewport_size({"width": 1440, "height": 800})
    expect(box).not_to_have_attribute("role", "region")
    assert box.get_attribute("tabindex") is None
