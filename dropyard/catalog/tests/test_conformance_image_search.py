"""Conformance: ``POST product/queryProductsByImage`` in the request forms CJ clients send.

CJ's own MCP client (contract §0 MCP, ``endpoints.ts`` / ``http-client.ts``) posts a JSON body
``{"imageUrl": …}`` with ``CJ-Access-Token`` and ``Content-Type: application/json``; clients
search with a picture on the web, or with a ``bigImage`` a product list handed them. The answer
fields a client relies on: ``data`` a list, each entry's ``id``, ``nameEn``, ``sku``,
``bigImage``, ``sellPrice`` (decimal string), best match first.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dropyard.catalog import services
from dropyard.catalog.imagehashing import centre_crop
from dropyard.catalog.tests.factories import create_product, encoded, photo
from dropyard.core.testing.cj_client import check_envelope

from .image_server import image_server

pytestmark = pytest.mark.conformance

PATH = "product/queryProductsByImage"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def catalog(db):
    products = []
    for seed, name in ((71, "Ceramic Mug"), (72, "Wool Scarf"), (73, "Phone Stand")):
        product = create_product(name=name, prices=(899,))
        upload = SimpleUploadedFile(f"{seed}.jpg", encoded(photo(seed), quality=92))
        services.product_image_add(product=product, upload=upload, actor=None)
        products.append(product)
    return products


def _entry_fields(row: dict) -> None:
    assert set(row) >= {"id", "nameEn", "sku", "bigImage", "sellPrice", "similarity"}
    assert isinstance(row["id"], str)
    assert isinstance(row["sellPrice"], str)


def test_image_url_of_a_picture_on_the_web(api, catalog, settings):
    """The MCP form: JSON ``{imageUrl}``; the picture is a shop's resized, recompressed copy."""
    settings.DROPYARD_IMAGE_FETCH_ALLOW_PRIVATE = True  # the "web" is a local server here
    copy = encoded(centre_crop(photo(72), 40).resize((600, 600)), quality=70)
    routes = {"/cdn/scarf.jpg?w=600": (200, {"Content-Type": "image/jpeg"}, copy)}
    with image_server(routes) as base:
        data = api.post(PATH, {"imageUrl": f"{base}/cdn/scarf.jpg?w=600"}).ok()
    assert [row["id"] for row in data] == [catalog[1].public_id]
    _entry_fields(data[0])
    assert (data[0]["nameEn"], data[0]["sellPrice"]) == ("Wool Scarf", "8.99")


def test_image_url_from_a_product_list_raw_body_with_charset(client, api_key, catalog):
    """A client re-using a ``bigImage`` from ``product/list``, body sent as raw bytes with
    ``application/json;charset=UTF-8`` (Java/axios clients)."""
    from dropyard.core.testing.cj_client import CJClient

    cj = CJClient(client)
    token = cj.get_access_token(api_key).ok()["accessToken"]
    listed = cj.get("product/list", {"pageNum": 1, "pageSize": 10}).ok()["list"]
    big_image = next(p["productImage"] for p in listed if p["productNameEn"] == "Phone Stand")
    response = Client().post(
        f"/api2.0/v1/{PATH}",
        data=json.dumps({"imageUrl": big_image}).encode(),
        content_type="application/json;charset=UTF-8",
        headers={"CJ-Access-Token": token},
    )
    body = json.loads(response.content)
    check_envelope(body, headers=response.headers)
    assert (response.status_code, body["code"], body["result"]) == (200, 200, True)
    assert [row["id"] for row in body["data"]] == [catalog[2].public_id]
    assert body["data"][0]["similarity"] == 1.0


def test_image_url_that_is_not_a_picture_answers_1600300(api, catalog, settings):
    settings.DROPYARD_IMAGE_FETCH_ALLOW_PRIVATE = True
    routes = {"/page": (200, {"Content-Type": "text/html"}, b"<html>shop</html>")}
    with image_server(routes) as base:
        message = api.post(PATH, {"imageUrl": f"{base}/page"}).error(1600300)
    assert message == "imageUrl: the URL does not serve an image (text/html)"


def test_image_url_to_an_internal_address_answers_1600300(api, catalog):
    message = api.post(PATH, {"imageUrl": "http://169.254.169.254/latest/meta-data"}).error(1600300)
    assert message == "imageUrl: private, loopback and local addresses are refused"
