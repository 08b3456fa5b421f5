"""Conformance: ``POST storehouseCenterWeb/syncStorehouseVideoRequests`` as CJ clients send it.

CJ's MCP client posts ``{"orderIdList": ["<orderId>", …]}`` (JSON, ``CJ-Access-Token``) and
reads ``data`` as ``[{orderId, pictureJson: [url, …]}]``; it then downloads each URL without
any header. The answer fields a client relies on: ``orderId`` (string, as sent),
``pictureJson`` (a list of fetchable URLs, possibly empty).
"""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dropyard.accounts.storage import private_storage
from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog.tests.factories import encoded, photo
from dropyard.fulfillment import services
from dropyard.fulfillment.tests.factories import make_parcel, make_variants
from dropyard.orders.models import ParcelPhoto
from dropyard.orders.tests.api_fixtures import authed as api  # noqa: F401 (a fixture)

pytestmark = pytest.mark.conformance

PATH = "storehouseCenterWeb/syncStorehouseVideoRequests"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path, monkeypatch):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    monkeypatch.setattr(ParcelPhoto._meta.get_field("image"), "storage", private_storage())


@pytest.fixture
def photographed(merchant):
    """An order whose parcel the warehouse photographed twice while packing."""
    clerk = make_operator(role="warehouse")
    (variant,) = make_variants(1)
    parcel = make_parcel(merchant=merchant, items=[(variant, 1)])
    services.parcel_start_picking(parcels=[parcel], actor=clerk)
    for seed in (1, 2):
        upload = SimpleUploadedFile(f"{seed}.jpg", encoded(photo(seed)))
        services.parcel_photo_add(parcel=parcel, upload=upload, actor=clerk)
    return parcel.orders.get()


def test_order_id_list_answers_picture_urls_a_client_can_download(api, photographed, merchant):
    (variant,) = make_variants(1)
    waiting = make_parcel(merchant=merchant, items=[(variant, 1)]).orders.get()
    body = {"orderIdList": [photographed.public_id, waiting.public_id]}
    data = api.post(PATH, body).ok()
    assert [row["orderId"] for row in data] == [photographed.public_id, waiting.public_id]
    assert [len(row["pictureJson"]) for row in data] == [2, 0]
    download = Client().get(data[0]["pictureJson"][0])  # no token, no session
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"


def test_another_merchants_order_ids_are_not_answered(api, photographed, other_merchant):
    (variant,) = make_variants(1)
    foreign = make_parcel(merchant=other_merchant, items=[(variant, 1)]).orders.get()
    data = api.post(PATH, {"orderIdList": [foreign.public_id, photographed.public_id]}).ok()
    assert [row["orderId"] for row in data] == [photographed.public_id]


def test_an_empty_order_id_list_answers_1600300(api):
    assert api.post(PATH, {"orderIdList": []}).error(1600300) == (
        "orderIdList is required (a list of order ids)"
    )
