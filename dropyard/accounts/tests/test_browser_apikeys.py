"""Browser test: the Developer API page's key scopes, at desktop (1440 px) and phone (390 px) width.

The owner creates a key with only two scopes (every box starts ticked), sees them on the
created page and in the key list; a staff member with the developer permission sees the keys
but no form. Screenshots: ``/tmp/apikeys-*-{desktop,phone}.png``.
"""

import pytest

from dropyard.accounts import services
from dropyard.accounts.models import ApiKey
from dropyard.accounts.tests.factories import make_staff
from dropyard.stores.tests.browser_steps import merchant_page, screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_creates_a_scoped_key_and_staff_cannot(browser, live_server, merchant, owner):
    services.apikey_create(merchant=merchant, actor=owner, name="Full ERP")
    page = merchant_page(browser, live_server, owner)
    page.goto(f"{live_server.url}/account/api-keys/")
    boxes = page.get_by_test_id("apikey-scopes").locator("input[type=checkbox]")
    assert [box.is_checked() for box in boxes.all()] == [True] * 6
    screenshots(page, "apikeys-form")

    page.fill("input[name=name]", "Order sync")
    for box in boxes.all():
        box.set_checked(box.get_attribute("value") in {"read", "orders"})
    page.get_by_role("button", name="Create key").click()
    assert page.get_by_test_id("apikey-created-scopes").inner_text() == "Scopes: Read, Orders."
    assert ApiKey.objects.get(name="Order sync").scopes == ["read", "orders"]

    page.goto(f"{live_server.url}/account/api-keys/")
    cells = page.get_by_test_id("apikey-scopes-cell")
    assert [cell.inner_text().split() for cell in cells.all()] == [
        ["Read", "Orders"],
        ["Full", "access"],
    ]
    screenshots(page, "apikeys-list")

    staff = make_staff(merchant=merchant, permissions=["developer"])
    staff_page = merchant_page(browser, live_server, staff)
    staff_page.goto(f"{live_server.url}/account/api-keys/")
    assert staff_page.get_by_test_id("apikey-form").count() == 0
    assert staff_page.get_by_test_id("apikey-owner-only").is_visible()
    assert staff_page.get_by_test_id("apikey-row").count() == 2
    screenshots(staff_page, "apikeys-staff")


def test_created_key_page_keeps_the_key_when_docs_open_and_warns_before_leaving(
    browser, live_server, merchant, owner
):
    page = merchant_page(browser, live_server, owner)
    page.goto(f"{live_server.url}/account/api-keys/")
    page.fill("input[name=name]", "ERP")
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-api-key").input_value()
    page.get_by_test_id("copy-key").click()  # a user gesture: browsers warn only after one

    with page.context.expect_page() as docs:
        page.get_by_role("link", name="API documentation").click()
    assert docs.value.url == f"{live_server.url}/api2.0/v1/docs"
    assert page.locator("#new-api-key").input_value() == key

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
