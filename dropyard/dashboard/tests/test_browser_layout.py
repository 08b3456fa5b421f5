"""Browser test of the page frame in a real Chromium, for a merchant owner, an operator admin and
warehouse staff, at phone (360, 390) and desktop (1366, 1440, 1920) widths.

At each width the role's sidebar links are there (in the offcanvas menu on phones, opened with the
menu button), the current page is marked with aria-current, nothing is wider than the window, and
the page raises no Content-Security-Policy violation and logs no console error.
"""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [360, 390, 1366, 1440, 1920]
DESKTOP = 992  # Bootstrap's lg breakpoint: the sidebar is beside the page from here up
# Listens before any page script runs: CSP violations are events on the document.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""

ROLES = {
    # role: (pages to open, the link each page marks as current, links the role must see)
    "merchant": (
        [("/home/", "Dashboard"), ("/orders/", "Orders"), ("/catalog/", "Catalog")],
        ["Dashboard", "Catalog", "My products", "Orders", "Wallet", "Messages", "Audit log"],
    ),
    "admin": (
        [("/ops/", "Back office"), ("/ops/accounts/merchants/", "Merchants")],
        ["Back office", "Merchants", "Warehouse work", "Finance", "Staff", "Jobs"],
    ),
    "warehouse": (
        [("/ops/", "Back office"), ("/ops/fulfillment/", "Warehouse work")],
        ["Back office", "Warehouse work", "Warehouses", "Trackings"],
    ),
}


def _user(role: str):
    if role == "merchant":
        return make_merchant(business_name="Layout Shop").owner
    return make_operator(role=role)


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/(home|ops)/$"))


def _check_page(page, width: int, current: str, expected: list[str]) -> None:
    nav = page.get_by_test_id("main-nav")
    if width < DESKTOP:
        assert not nav.is_visible()
        page.get_by_test_id("menu-button").click()
        page.locator("#sidebar.show").wait_for()
    for label in expected:
        assert nav.get_by_role("link", name=label, exact=False).first.is_visible(), label
    marked = nav.locator('[aria-current="page"]')
    assert marked.count() == 1
    assert marked.inner_text().splitlines()[0].strip() == current
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if width < DESKTOP:
        page.locator("#sidebar .btn-close").click()
        page.locator("#sidebar.show").wait_for(state="detached")


@pytest.mark.parametrize("role", list(ROLES))
def test_frame_at_every_width(browser, live_server, role):
    user = _user(role)
    pages, expected = ROLES[role]
    errors: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        _log_in(page, live_server.url, user)
        for path, current in pages:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            _check_page(page, width, current, expected)
            assert page.evaluate("window.__cspViolations") == [], (width, path)
        context.close()

    assert errors == []


def test_login_page_fits_and_keeps_the_policy(browser, live_server):
    for width in (360, 1440):
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.wait_for_load_state("networkidle")

        assert page.get_by_role("link", name="Forgot your password?").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate("window.__cspViolations") == []
        context.close()


def test_sidebar_shrinks_to_icons_and_remembers(browser, live_server):
    user = _user("merchant")
    page = browser.new_context(viewport={"width": 1440, "height": 800}).new_page()
    _log_in(page, live_server.url, user)
    wide = page.locator("#sidebar").bounding_box()["width"]

    page.locator("[data-sidebar-toggle]").click()
    page.goto(f"{live_server.url}/orders/")

    narrow = page.locator("#sidebar").bounding_box()["width"]
    assert narrow < wide / 2
    assert not page.locator("#sidebar .nav-link-title").first.is_visible()
    assert page.get_by_test_id("main-nav").get_by_role("link", name="Orders").is_visible()


def test_target_markets_are_tags_with_search(browser, live_server):
    user = _user("merchant")
    page = browser.new_context(viewport={"width": 1366, "height": 800}).new_page()
    _log_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/account/profile/")

    search = page.locator(".ts-wrapper.multi .ts-control input")
    for typed, country in (("Germ", "Germany"), ("Fran", "France")):
        search.click()
        search.fill("")
        search.press_sequentially(typed)
        page.locator(".ts-dropdown .option", has_text=re.compile(f"^{country}$")).click()

    values = page.evaluate(
        "[...document.querySelector('select[name=target_markets]').selectedOptions]"
        ".map(o => o.value)"
    )
    assert sorted(values) == ["DE", "FR"]
