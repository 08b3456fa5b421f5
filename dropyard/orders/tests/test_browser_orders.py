"""Browser test: a merchant imports 50 orders from CSV (3 broken rows) in a real Chromium.

The merchant logs in, opens Orders → Import CSV, uploads the file and watches the import's
progress panel; the import job runs in-process (the test backend only records the enqueue, so
the test runs the task the worker would run). The result shows 47 imported and the 3 errors
with their CSV line numbers and reasons. Uploading the same file again imports nothing: 47 are
reported as already imported and the order count is unchanged. The pages fit a 360 px screen.
"""

import re

import pytest

from dropyard.accounts.tests.factories import PASSWORD, make_merchant
from dropyard.core.models import Job
from dropyard.orders import csv_io, tasks
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "order_number,customer_name,phone,country_code,province,city,zip,address,sku,quantity"
BROKEN = {
    10: ("country_code", "XX"),  # CSV line 11
    25: ("quantity", "many"),  # CSV line 26
    40: ("sku", "NO-SUCH-SKU"),  # CSV line 41
}


def _csv(sku: str) -> str:
    rows = [HEADER]
    for i in range(1, 51):
        values = {
            "order_number": f"WEB-{i:03d}",
            "customer_name": f"Customer {i}",
            "phone": "+1 213 555 0100",
            "country_code": "US",
            "province": "CA",
            "city": "Los Angeles",
            "zip": "90001",
            "address": f"{i} Main Street",
            "sku": sku,
            "quantity": "1",
        }
        if i in BROKEN:
            column, value = BROKEN[i]
            values[column] = value
        rows.append(",".join(values[c] for c in HEADER.split(",")))
    return "\r\n".join(rows) + "\r\n"


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _upload_and_run(page, path) -> Job:
    page.get_by_test_id("main-nav").get_by_role("link", name="Orders").click()
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url(re.compile(r"/orders/import/\d+/$"))
    job = Job.objects.filter(kind=csv_io.IMPORT_KIND).order_by("-pk").first()
    # Queued: the progress panel is there and polls; then the worker's task runs.
    assert page.get_by_test_id("import-progress").get_attribute("aria-valuenow") == "0"
    assert "Waiting for the worker" in page.get_by_test_id("import-progress-text").inner_text()
    tasks.orders_csv_import.call(job_id=job.pk)
    page.get_by_test_id("import-summary").wait_for()
    assert page.get_by_test_id("import-progress").get_attribute("aria-valuenow") == "100"
    return job


def test_import_50_orders_with_3_broken_rows_then_reupload(browser, live_server, tmp_path):
    merchant = make_merchant(business_name="Browser Orders Shop")
    shop = make_order_world()
    path = tmp_path / "orders.csv"
    path.write_text(_csv(shop.red.sku), encoding="utf-8")

    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", merchant.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/home/$"))

    first = _upload_and_run(page, path)

    assert page.get_by_test_id("import-imported").inner_text() == "47"
    assert page.get_by_test_id("import-duplicates").inner_text() == "0"
    assert page.get_by_test_id("import-failed").inner_text() == "3"
    errors = page.get_by_test_id("import-error")
    assert errors.count() == 3
    assert [errors.nth(i).inner_text().split("\t") for i in range(3)] == [
        ["11", "WEB-010", "country_code: 'XX' is not an ISO 3166-1 alpha-2 country code"],
        ["26", "WEB-025", "quantity 'many' is not a whole number"],
        ["41", "WEB-040", "Variant NO-SUCH-SKU not found"],
    ]
    assert Order.objects.filter(merchant=merchant).count() == 47
    with page.expect_download() as download:
        page.get_by_test_id("import-errors-download").click()
    report = download.value.path().read_text(encoding="utf-8").splitlines()
    assert report[0] == "line,order_number,reason"
    assert [r.split(",")[0] for r in report[1:]] == ["11", "26", "41"]

    # The same file again: nothing new, the 47 are reported as already imported.
    second = _upload_and_run(page, path)

    assert second.pk != first.pk
    assert page.get_by_test_id("import-imported").inner_text() == "0"
    assert page.get_by_test_id("import-duplicates").inner_text() == "47"
    assert page.get_by_test_id("import-failed").inner_text() == "3"
    assert page.get_by_test_id("import-error").count() == 3
    assert Order.objects.filter(merchant=merchant).count() == 47

    # The imported orders are listed under Pending.
    page.get_by_test_id("main-nav").get_by_role("link", name="Orders").click()
    page.get_by_test_id("tab-pending").click()
    page.wait_for_url(re.compile(r"tab=pending"))
    assert page.get_by_test_id("tab-pending").inner_text().split() == ["Pending", "47"]
    assert page.get_by_test_id("order-row").count() == 25  # first page

    # The pages fit a phone screen.
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    phone.add_cookies(page.context.cookies())
    phone_page = phone.new_page()
    order = Order.objects.filter(merchant=merchant).first()
    for url in (
        "/orders/",
        "/orders/import/",
        f"/orders/import/{first.pk}/",
        f"/orders/{order.public_id}/",
        "/orders/new/",
        "/orders/merge/",
    ):
        phone_page.goto(live_server.url + url)
        assert _no_horizontal_overflow(phone_page), url
