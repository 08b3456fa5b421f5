"""Parcel photos at packing: the service (validation, private storage, audit, the warehouse's
requirement), the packing pages, the merchant's order page, the signed links and
``storehouseCenterWeb/syncStorehouseVideoRequests``."""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from dropyard.accounts.storage import private_storage
from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog.tests.factories import encoded, photo
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.fulfillment import services
from dropyard.fulfillment.tests.factories import make_parcel, make_variants
from dropyard.orders.choices import ParcelStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import ParcelPhoto
from dropyard.orders.parcel_photos import photo_from_token, photo_url
from dropyard.orders.tests.api_fixtures import authed as api  # noqa: F401 (a fixture)
from dropyard.orders.tests.api_fixtures import other_cj  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
PS = ParcelStatus
PATH = "storehouseCenterWeb/syncStorehouseVideoRequests"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path, monkeypatch):
    """Fresh media roots; the photo field uses the real private storage, made anew here."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    monkeypatch.setattr(ParcelPhoto._meta.get_field("image"), "storage", private_storage())
    return tmp_path


@pytest.fixture
def clerk():
    return make_operator(role="warehouse")


@pytest.fixture
def parcel(merchant, clerk):
    (variant,) = make_variants(1, weight_g=250)
    parcel = make_parcel(merchant=merchant, items=[(variant, 2)])
    services.parcel_start_picking(parcels=[parcel], actor=clerk)
    parcel.refresh_from_db()
    return parcel


def _upload(name: str = "box.jpg", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, encoded(photo(5)) if content is None else content)


def _exif_rotated_jpeg() -> bytes:
    """A 300×200 JPEG whose EXIF says "rotate 90°" (as phones write them)."""
    image = Image.new("RGB", (300, 200), "navy")
    exif = image.getexif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


# --- Service -------------------------------------------------------------------------------------


def test_a_photo_is_re_encoded_upright_stored_privately_and_audited(parcel, clerk, storage):
    saved = services.parcel_photo_add(
        parcel=parcel, upload=_upload(content=_exif_rotated_jpeg()), actor=clerk
    )
    assert (saved.width, saved.height) == (200, 300)  # turned upright
    assert saved.taken_by == clerk
    path = storage / "private" / saved.image.name
    assert path.exists()
    assert saved.image.name.startswith(f"parcel-photos/{parcel.public_id}/")
    stored = Image.open(path)
    assert stored.format == "JPEG"
    assert 0x0112 not in stored.getexif()  # metadata dropped
    assert not (storage / "media" / "parcel-photos").exists()
    with pytest.raises(ValueError, match="no public URL"):
        _ = saved.image.url
    event = AuditEvent.objects.get(action=AuditAction.PARCEL_PHOTO_ADDED)
    assert event.merchant_id == parcel.merchant_id
    assert event.details["photo"] == saved.public_id


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"plain text", "The photo is not an image"),
        (encoded(photo(1), quality=90)[:1500], "The photo is not a valid image (corrupt or"),
        (b"\x00" * 100, "The photo is not an image"),
    ],
)
def test_what_is_not_a_picture_is_refused(parcel, clerk, content, message):
    with pytest.raises(ParcelRefused, match=message.replace("(", r"\(")):
        services.parcel_photo_add(parcel=parcel, upload=_upload(content=content), actor=clerk)
    assert ParcelPhoto.objects.count() == 0


def test_an_oversized_file_is_refused(parcel, clerk):
    big = _upload(content=b"\xff" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ParcelRefused, match="larger than 5 MB"):
        services.parcel_photo_add(parcel=parcel, upload=big, actor=clerk)


def test_photos_only_at_the_packing_bench_and_at_most_ten(merchant, clerk):
    (variant,) = make_variants(1)
    ready = make_parcel(merchant=merchant, items=[(variant, 1)])
    with pytest.raises(ParcelRefused, match="is ready to pick: photos are taken while"):
        services.parcel_photo_add(parcel=ready, upload=_upload(), actor=clerk)
    services.parcel_start_picking(parcels=[ready], actor=clerk)
    for _ in range(ParcelPhoto.MAX_PHOTOS):
        services.parcel_photo_add(parcel=ready, upload=_upload(), actor=clerk)
    with pytest.raises(ParcelRefused, match="at most 10 photos"):
        services.parcel_photo_add(parcel=ready, upload=_upload(), actor=clerk)


def test_a_warehouse_that_requires_photos_refuses_packing_without_one(parcel, clerk):
    parcel.warehouse.parcel_photos_required = True
    parcel.warehouse.save(update_fields=["parcel_photos_required"])
    with pytest.raises(ParcelRefused, match="requires a photo of the parcel before it is packed"):
        services.parcel_pack(parcel=parcel, measured_weight_g=500, actor=clerk)
    parcel.refresh_from_db()
    assert parcel.status == PS.PICKING
    services.parcel_photo_add(parcel=parcel, upload=_upload(), actor=clerk)
    services.parcel_pack(parcel=parcel, measured_weight_g=500, actor=clerk)
    parcel.refresh_from_db()
    assert parcel.status == PS.PACKED


def test_by_default_photos_are_optional(parcel, clerk):
    assert parcel.warehouse.parcel_photos_required is False
    packed = services.parcel_pack(parcel=parcel, measured_weight_g=500, actor=clerk)
    assert packed.status == PS.PACKED


# --- Signed links --------------------------------------------------------------------------------


def test_a_signed_link_serves_the_photo_and_a_forged_or_expired_one_does_not(
    parcel, clerk, client, settings
):
    saved = services.parcel_photo_add(parcel=parcel, upload=_upload(), actor=clerk)
    url = photo_url(saved)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert photo_from_token(token) == saved
    assert client.get(url[:-3] + "xx/").status_code == 404
    assert client.get("/orders/parcel-photos/%00/").status_code == 400  # the input boundary
    settings.DROPYARD_PARCEL_PHOTO_URL_MAX_AGE = -1
    assert client.get(url).status_code == 404


# --- Warehouse pages -----------------------------------------------------------------------------


def test_the_pack_page_has_the_photo_step_with_the_camera_input(parcel, clerk, client):
    client.force_login(clerk)
    html = client.get(reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id])).content
    html = html.decode()
    assert 'data-testid="photo-step"' in html
    assert 'accept="image/*"' in html
    assert 'capture="environment"' in html
    assert "multiple" in html
    assert "Optional" in html


def test_uploading_photos_from_the_pack_page(parcel, clerk, client):
    client.force_login(clerk)
    url = reverse("fulfillment_ops:parcel_photos", args=[parcel.public_id])
    response = client.post(
        url, {"photo": [_upload("a.jpg"), _upload("b.png", encoded(photo(6), "PNG"))]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id])
    assert parcel.photos.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert page.count("/orders/parcel-photos/") == 4  # two thumbnails, each linked
    detail = client.get(reverse("fulfillment_ops:parcel_detail", args=[parcel.public_id]))
    assert 'data-testid="parcel-photos"' in detail.content.decode()


def test_a_bad_file_on_the_pack_page_gets_a_clear_error(parcel, clerk, client):
    client.force_login(clerk)
    url = reverse("fulfillment_ops:parcel_photos", args=[parcel.public_id])
    response = client.post(url, {"photo": [_upload("notes.txt", b"hello")]})
    assert response.status_code == 400
    assert "notes.txt: The photo is not an image" in response.content.decode()
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Take or choose at least one photo." in response.content.decode()
    assert parcel.photos.count() == 0


def test_the_pack_page_says_when_a_photo_is_required(parcel, clerk, client):
    parcel.warehouse.parcel_photos_required = True
    parcel.warehouse.save(update_fields=["parcel_photos_required"])
    client.force_login(clerk)
    url = reverse("fulfillment_ops:parcel_pack", args=[parcel.public_id])
    html = client.get(url).content.decode()
    assert "Required before packing" in html
    assert 'data-testid="photo-needed"' in html
    response = client.post(url, {"measured_weight_g": 500})
    assert response.status_code == 400
    assert "requires a photo of the parcel" in response.content.decode()


# --- Merchant order page -------------------------------------------------------------------------


def test_the_merchant_sees_the_photos_on_the_order_page(
    parcel, clerk, client, owner, other_merchant
):
    services.parcel_photo_add(parcel=parcel, upload=_upload(), actor=clerk)
    order = parcel.orders.get()
    client.force_login(owner)
    html = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()
    assert 'data-testid="order-parcel-photos"' in html
    assert "Packing photo 1 of parcel" in html
    client.force_login(other_merchant.owner)
    assert client.get(reverse("orders:detail", args=[order.public_id])).status_code == 404


# --- API -----------------------------------------------------------------------------------------


def test_api_returns_the_photo_links_of_the_callers_orders(api, parcel, clerk, merchant):
    first = services.parcel_photo_add(parcel=parcel, upload=_upload(), actor=clerk)
    second = services.parcel_photo_add(parcel=parcel, upload=_upload(), actor=clerk)
    order = parcel.orders.get()
    (variant,) = make_variants(1)
    bare = make_parcel(merchant=merchant, items=[(variant, 1)]).orders.get()
    data = api.post(PATH, {"orderIdList": [order.public_id, bare.order_number]}).ok()
    assert [row["orderId"] for row in data] == [order.public_id, bare.public_id]
    assert data[1]["pictureJson"] == []
    links = data[0]["pictureJson"]
    assert len(links) == 2
    assert all(link.startswith("http://testserver/orders/parcel-photos/") for link in links)
    tokens = [link.rstrip("/").rsplit("/", 1)[1] for link in links]
    assert [photo_from_token(t) for t in tokens] == [first, second]
    anonymous = Client()
    assert anonymous.get(links[0]).status_code == 200


def test_api_leaves_out_other_merchants_and_unknown_orders(api, parcel, clerk, other_cj):
    services.parcel_photo_add(parcel=parcel, upload=_upload(), actor=clerk)
    order = parcel.orders.get()
    assert other_cj.post(PATH, {"orderIdList": [order.public_id, "nope"]}).ok() == []
    assert api.post(PATH, {"orderIdList": ["nope", order.public_id]}).ok()[0]["orderId"] == (
        order.public_id
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "orderIdList is required (a list of order ids)"),
        ({"orderIdList": []}, "orderIdList is required (a list of order ids)"),
        ({"orderIdList": ["a\u0007b"]}, "orderIdList[0] contains control characters"),
        ({"orderIdList": ["a\u0000b"]}, "orderIdList[0]: contains a NUL character"),
        ({"orderIdList": ["ok", ""]}, "orderIdList[1] must be an order id of 1–64 characters"),
        ({"orderIdList": ["x"] * 101}, "orderIdList holds at most 100 order ids"),
    ],
)
def test_api_refuses_bad_input_with_1600300(api, body, message):
    assert api.post(PATH, body).error(1600300) == message


@pytest.mark.parametrize("item", [{"id": 1}, True, 1.5, None])
def test_api_refuses_items_that_are_not_ids(api, item):
    message = api.post(PATH, {"orderIdList": [item]}).error(1600300)
    assert message.startswith("orderIdList[0]")


def test_api_numbers_are_read_as_their_digits(api, parcel):
    order = parcel.orders.get()
    order.order_number = "123456789012"
    order.save(update_fields=["order_number"])
    body = json.dumps({"orderIdList": [123456789012]})
    data = api.post(PATH, raw_body=body).ok()
    assert [row["orderId"] for row in data] == [order.public_id]
