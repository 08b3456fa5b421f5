"""Browser tests over the demo: every role's main pages (``demo.tour``, the pages the screenshot
tour photographs) at desktop and phone width have no serious or critical accessibility violation
(axe-core through ``axe-playwright-python``), nothing wider than the window, and no page error."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from dropyard.demo import loader as demo
from dropyard.demo.tour import PASSWORD, ROLES, Role, Stop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {1440: 900, 390: 844}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def demo_site(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv(demo.DEMO_PRODUCTS_ENV, "12")
    demo.demo_load()


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, f"{email} could not log in"


def _open(page, base: str, stop: Stop) -> str | None:
    """Open the stop's page; the reason when it cannot be opened."""
    if stop.path.startswith("first:"):
        list_path, pattern = stop.path[len("first:") :].split("|", 1)
        page.goto(base + list_path)
        hrefs = page.eval_on_selector_all("a[href]", "a => a.map(x => x.getAttribute('href'))")
        target = next((h for h in hrefs if re.search(pattern, h)), None)
        if target is None:
            return f"no link matching {pattern} on {list_path}"
        response = page.goto(base + target)
    else:
        response = page.goto(base + stop.path)
    if response is None or response.status != 200:
        return f"{stop.path} answered {response and response.status}"
    page.wait_for_load_state("networkidle")
    return None


def _blocking(results) -> list[str]:
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


@pytest.mark.parametrize("role", ROLES, ids=[role.slug for role in ROLES])
def test_main_pages_are_accessible_and_fit(browser, live_server, demo_site, role: Role):
    axe = Axe()
    problems: list[str] = []
    for width, height in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        _log_in(page, live_server.url, role.email)
        for stop in role.stops:
            where = f"{role.slug} {stop.slug} @{width}"
            failure = _open(page, live_server.url, stop)
            if failure:
                problems.append(f"{where}: {failure}")
                continue
            for violation in _blocking(axe.run(page)):
                problems.append(f"{where}: {violation}")
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
                problems.append(f"{where}: wider than the window")
            problems += [f"{where}: page error {error}" for error in errors]
            errors.clear()
        context.close()
    assert problems == [], "\n".join(problems)
