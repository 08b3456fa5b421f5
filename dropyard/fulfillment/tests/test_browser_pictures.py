"""Browser test: the printed pick list and packing slip carry each line's product picture.

Chromium prints both pages to PDF (what the warehouse prints); each PDF embeds the picture as an
image object, so the pictures are loaded before printing (they are not lazy on these pages).
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator
from dropyard.catalog import services as catalog_services
from dropyard.fulfillment import services
from dropyard.fulfillment.tests.factories import make_parcel, make_variants
from dropyard.inventory.tests.factories import WarehouseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_printed_pick_list_and_packing_slip_embed_the_pictures(browser, live_server):
    merchant = make_merchant(business_name="Print Shop")
    warehouse = WarehouseFactory(code="SZ11", name="Shenzhen 11")
    (variant,) = make_variants(1, weight_g=250)
    out = io.BytesIO()
    Image.new("RGB", (640, 640), "purple").save(out, format="PNG")
    catalog_services.product_image_add(
        product=variant.product,
        upload=SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png"),
        actor=None,
    )
    parcel = make_parcel(merchant=merchant, warehouse=warehouse, items=[(variant, 2)])
    clerk = make_operator(role="warehouse")
    services.parcel_start_picking(parcels=[parcel], actor=clerk)

    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", clerk.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ops/"))

    for url in (
        f"/ops/fulfillment/warehouses/{warehouse.public_id}/pick-list/",
        f"/ops/fulfillment/parcels/{parcel.public_id}/slip/",
    ):
        page.goto(f"{live_server.url}{url}")
        picture = page.get_by_test_id("product-picture")
        assert picture.count() == 1
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
        pdf = page.pdf(format="A4")

        assert pdf.startswith(b"%PDF")
        assert re.search(rb"/Subtype\s*/Image", pdf)
