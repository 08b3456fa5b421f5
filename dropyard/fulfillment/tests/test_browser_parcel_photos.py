"""Browser test: the packer photographs a parcel, packs it, and the merchant sees the photo.

The warehouse requires photos: packing without one is refused with the reason; the packer
uploads two photos through the camera input, packs; the merchant opens the order and sees the
photos (served through signed links). Screenshots at 1440 px and 390 px go to
/tmp/parcel-photos-*.png.
"""

import re

import pytest

from dropyard.accounts.storage import private_storage
from dropyard.accounts.tests.factories import PASSWORD, make_merchant, make_operator
from dropyard.catalog.tests.factories import encoded, photo
from dropyard.fulfillment import services
from dropyard.fulfillment.tests.factories import make_parcel, make_variants
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.orders.models import ParcelPhoto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bench(settings, tmp_path, monkeypatch):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    monkeypatch.setattr(ParcelPhoto._meta.get_field("image"), "storage", private_storage())
    merchant = make_merchant(business_name="Photo Shop")
    warehouse = WarehouseFactory(code="SZ07", name="Shenzhen 7", parcel_photos_required=True)
    (variant,) = make_variants(1, weight_g=250)
    parcel = make_parcel(merchant=merchant, warehouse=warehouse, items=[(variant, 2)], on_hand=5)
    clerk = make_operator(role="warehouse")
    services.parcel_start_picking(parcels=[parcel], actor=clerk)
    return merchant, clerk, parcel


def _login(browser, live_server, user, width, height):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


def test_photograph_pack_and_the_merchant_sees_the_photos(browser, live_server, bench, tmp_path):
    merchant, clerk, parcel = bench
    front, inside = tmp_path / "front.jpg", tmp_path / "inside.png"
    front.write_bytes(encoded(photo(11)))
    inside.write_bytes(encoded(photo(12), "PNG"))

    page = _login(browser, live_server, clerk, 1440, 900)
    page.goto(f"{live_server.url}/ops/fulfillment/parcels/{parcel.public_id}/pack/")
    assert page.get_by_test_id("photo-requirement").inner_text() == "Required before packing"
    page.fill("input[name=measured_weight_g]", "540")
    page.get_by_role("button", name="Packed", exact=True).click()
    assert "requires a photo of the parcel" in page.content()

    camera = page.get_by_label("Photos of the parcel")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files([str(front), str(inside)])
    page.get_by_role("button", name="Save photos").click()
    page.get_by_test_id("parcel-photos").wait_for()
    images = page.get_by_test_id("parcel-photos").locator("img")
    assert images.count() == 2
    # Every thumbnail loads through its signed link (waits for the images to arrive).
    page.wait_for_function(
        # A function, not an expression: Playwright evals expressions, which the CSP forbids.
        "() => Array.from(document.querySelectorAll('[data-testid=parcel-photos] img'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    page.screenshot(path="/tmp/parcel-photos-pack-desktop.png", full_page=True)
    phone = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, storage_state=page.context.storage_state()
    ).new_page()
    phone.goto(page.url)
    phone.screenshot(path="/tmp/parcel-photos-pack-phone.png", full_page=True)
    wide = phone.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect()"
        ".right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 8)"
    )
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), wide
    phone.context.close()
    page.fill("input[name=measured_weight_g]", "540")
    page.get_by_role("button", name="Packed", exact=True).click()
    page.wait_for_url(re.compile(r"tab=packed"))
    page.context.close()

    order = parcel.orders.get()
    for width, height, label in ((1440, 900, "desktop"), (390, 844, "phone")):
        page = _login(browser, live_server, merchant.owner, width, height)
        page.goto(f"{live_server.url}/orders/{order.public_id}/")
        shown = page.get_by_test_id("order-parcel-photos").locator("img")
        assert shown.count() == 2
        shown.first.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('[data-testid=order-parcel-photos] img'))"
            ".every(img => img.complete && img.naturalWidth > 0)"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=f"/tmp/parcel-photos-order-{label}.png", full_page=True)
        page.context.close()
