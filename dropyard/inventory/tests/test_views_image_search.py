"""Merchant catalog: search by image through the view (real hashes, real selector)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog import services
from dropyard.catalog.imagehashing import centre_crop
from dropyard.catalog.tests.factories import create_product, encoded, photo

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/catalog/image-search/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lamp(db):
    product = create_product(name="Brass Desk Lamp", prices=(2400,))
    upload = SimpleUploadedFile("lamp.jpg", encoded(photo(7), quality=90))
    services.product_image_add(product=product, upload=upload, actor=None)
    create_product(name="Unrelated Mug")
    return product


def _post(client, content: bytes, name: str = "query.jpg", **extra):
    return client.post(URL, {"image": SimpleUploadedFile(name, content)}, **extra)


def test_the_catalog_page_offers_the_drop_zone(client, owner):
    client.force_login(owner)
    html = client.get(reverse("catalog:search")).content.decode()
    assert reverse("catalog:image_search") == URL
    assert "Drag or upload an image to search" in html
    assert 'type="file" name="image" id="image-search-input" accept="image/*"' in html


def test_a_cropped_copy_finds_the_product_with_its_similarity(client, owner, lamp):
    client.force_login(owner)
    query = encoded(centre_crop(photo(7), 40).resize((400, 400)), quality=50)
    response = _post(client, query, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="image-query"' in html
    assert "data:image/jpeg;base64," in html
    assert html.count('data-testid="product-card"') == 1
    assert "Brass Desk Lamp" in html
    assert "$24.00" in html
    assert "% similar" in html
    assert "Unrelated Mug" not in html


def test_an_unrelated_picture_shows_the_empty_state(client, owner, lamp):
    client.force_login(owner)
    html = _post(client, encoded(photo(901)), **HTMX).content.decode()
    assert 'data-testid="image-empty"' in html
    assert "No matches" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text", "The file is not an image"),
        (b"\xff" * (5 * 1024 * 1024 + 10), "The picture is larger than 5 MB"),
        (
            encoded(photo(3), quality=90)[:2000],
            "The file is not a valid image (corrupt or truncated)",
        ),
    ],
)
def test_bad_files_get_a_clear_error(client, owner, lamp, content, message):
    client.force_login(owner)
    response = _post(client, content, **HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_no_file_and_get_requests(client, owner):
    client.force_login(owner)
    response = client.post(URL, {}, **HTMX)
    assert response.status_code == 400
    assert "Choose a picture to search by." in response.content.decode()
    assert client.get(URL)["Location"] == reverse("catalog:search")


def test_without_htmx_the_results_are_a_page_of_their_own(client, owner, lamp):
    client.force_login(owner)
    html = _post(client, encoded(photo(7))).content.decode()
    assert "<title>Search by image · Dropyard</title>" in html
    assert "Brass Desk Lamp" in html


def test_only_merchants_search_by_image(client, lamp):
    assert client.post(URL).status_code == 302  # to the login page
    client.force_login(make_operator(role="warehouse"))
    assert _post(client, encoded(photo(7))).status_code == 403
