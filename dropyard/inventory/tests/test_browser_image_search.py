"""Browser test: a merchant searches the catalog by image in a real Chromium.

Uploads a recompressed, cropped copy of a product photo with the file picker and sees the
product with its similarity; drops an unrelated picture on the zone and sees the empty state;
picks a text file and gets the error before anything is sent. Screenshots at 1440 px and
390 px go to /tmp/image-search-*.png.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.accounts.tests.factories import PASSWORD, make_merchant
from dropyard.catalog import services
from dropyard.catalog.imagehashing import centre_crop
from dropyard.catalog.tests.factories import create_product, encoded, photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    merchant = make_merchant(business_name="Image Search Shop")
    for seed, name in ((7, "Brass Desk Lamp"), (8, "Linen Cushion"), (9, "Glass Vase")):
        product = create_product(name=name, prices=(1900 + seed,))
        upload = SimpleUploadedFile(f"{seed}.jpg", encoded(photo(seed), quality=90))
        services.product_image_add(product=product, upload=upload, actor=None)
    return merchant


def test_upload_a_picture_and_see_the_matching_product(browser, live_server, shop, tmp_path):
    query = tmp_path / "my-lamp.jpg"
    query.write_bytes(encoded(centre_crop(photo(7), 40).resize((500, 500)), quality=55))
    unrelated = encoded(photo(555), "PNG")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")

    for width, height, label in ((1440, 900, "desktop"), (390, 844, "phone")):
        page = browser.new_context(viewport={"width": width, "height": height}).new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", shop.owner.email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_url(re.compile(r"/home/$"))
        page.goto(f"{live_server.url}/catalog/")

        # Keyboard: the picker is reachable and labelled.
        picker = page.get_by_label("Drag or upload an image to search")
        picker.focus()
        assert page.evaluate("document.activeElement.id") == "image-search-input"

        # A text file is refused in the page, before anything is sent.
        picker.set_input_files(str(notes))
        error = page.get_by_test_id("image-search-error")
        assert "is not an image" in error.inner_text()
        assert page.get_by_test_id("image-results").count() == 0

        # Choosing the picture searches at once.
        picker.set_input_files(str(query))
        match = page.get_by_test_id("image-results").get_by_test_id("product-card")
        match.first.wait_for()
        assert match.count() == 1
        assert "Brass Desk Lamp" in match.inner_text()
        assert re.search(r"\d+% similar", match.inner_text())
        assert page.get_by_test_id("image-query").is_visible()
        assert error.inner_text() == ""
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=f"/tmp/image-search-{label}.png", full_page=True)

        # Dropping an unrelated picture on the zone: the empty state.
        page.evaluate(
            """async (bytes) => {
                const file = new File([new Uint8Array(bytes)], "other.png", {type: "image/png"});
                const data = new DataTransfer();
                data.items.add(file);
                const zone = document.getElementById("image-drop");
                zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true}));
                zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
            }""",
            list(unrelated),
        )
        page.get_by_test_id("image-empty").wait_for()
        assert page.get_by_test_id("image-results").get_by_test_id("product-card").count() == 0
        page.screenshot(path=f"/tmp/image-search-empty-{label}.png", full_page=True)
        page.context.close()
