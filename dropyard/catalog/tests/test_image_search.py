"""Search by image: the real imagehash on generated pictures, the index kept when images are
saved, the backfill, the banded lookup, the safe URL reader and ``product/queryProductsByImage``."""

import base64
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from dropyard.catalog import services
from dropyard.catalog.image_fetch import image_url_read
from dropyard.catalog.image_index import image_hashes_backfill
from dropyard.catalog.image_search import products_by_image
from dropyard.catalog.imagehashing import (
    GUARANTEED_DISTANCE,
    INDEX_CROPS,
    MATCH_MAX_DISTANCE,
    ImageRefused,
    band_probes,
    centre_crop,
    hamming,
    hash_bands,
    image_decode,
    phash64,
    to_signed,
)
from dropyard.catalog.models import ProductImageHash
from dropyard.catalog.tests.factories import create_product, encoded, photo

from .image_server import image_server


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _product_with_photo(seed: int, name: str = "Lamp"):
    product = create_product(name=f"{name} {seed}")
    upload = SimpleUploadedFile(f"p{seed}.jpg", encoded(photo(seed), quality=90))
    services.product_image_add(product=product, upload=upload, actor=None)
    return product


def _variants(image: Image.Image) -> dict[str, Image.Image]:
    """The same photo resized, recompressed and slightly cropped (what a shop re-uploads)."""
    w, h = image.size
    return {
        "resized": image.resize((300, 300)),
        "recompressed": Image.open(io.BytesIO(encoded(image, quality=35))),
        "cropped": centre_crop(image, 40).resize((500, 500)),
        "cropped unevenly": image.crop((int(w * 0.04), 0, w, int(h * 0.97))),
    }


# --- Hashes (pure) -------------------------------------------------------------------------------


def test_bands_and_signed_values_round_trip():
    value = 0xF00D_0000_BEEF_8001
    assert hash_bands(value) == [0xF00D, 0x0000, 0xBEEF, 0x8001]
    assert hash_bands(to_signed(value)) == [0xF00D, 0x0000, 0xBEEF, 0x8001]
    assert to_signed(value) < 0
    assert hamming(to_signed(value), value) == 0
    assert hamming(0, 0xFFFF_FFFF_FFFF_FFFF) == 64


def test_probes_cover_every_band_within_two_bits():
    probes = band_probes(0b1010)
    assert len(probes) == len(set(probes)) == 1 + 16 + 120
    assert {bin(p ^ 0b1010).count("1") for p in probes} == {0, 1, 2}
    assert GUARANTEED_DISTANCE == 11
    assert MATCH_MAX_DISTANCE <= GUARANTEED_DISTANCE


def test_the_same_photo_altered_stays_near_and_unrelated_photos_stay_far():
    for seed in range(8):
        original = photo(seed)
        stored = [phash64(centre_crop(original, crop)) for crop in INDEX_CROPS]
        for label, variant in _variants(original).items():
            distance = min(hamming(phash64(variant), h) for h in stored)
            assert distance <= MATCH_MAX_DISTANCE, (seed, label, distance)
        for other in range(100, 104):
            distance = min(hamming(phash64(photo(other)), h) for h in stored)
            assert distance > MATCH_MAX_DISTANCE + 5, (seed, other, distance)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "image is empty"),
        (b"%PDF-1.4 not a picture", "image is not an image"),
        (b"GIF89a\x00\x00", "image is not an image"),
    ],
)
def test_decode_refuses_what_is_not_a_picture(content, message):
    with pytest.raises(ImageRefused) as refused:
        image_decode(content)
    assert refused.value.message == message
    assert refused.value.code == 1600300


def test_decode_refuses_truncated_and_bomb_pictures():
    jpeg = encoded(photo(1), quality=90)
    with pytest.raises(ImageRefused, match="corrupt or truncated"):
        image_decode(jpeg[: len(jpeg) // 2])
    # Huge canvases declared in a few kilobytes: refused from the header, never decoded.
    large = encoded(Image.new("1", (9_000, 5_000)), "PNG")
    assert len(large) < 100_000
    with pytest.raises(ImageRefused, match="too large: 9000×5000 pixels"):
        image_decode(large)
    with pytest.raises(ImageRefused, match="image is too large to decode"):
        image_decode(encoded(Image.new("1", (20_000, 20_000)), "PNG"))
    with pytest.raises(ImageRefused, match="larger than 5 MB"):
        image_decode(b"\xff" * (5 * 1024 * 1024 + 1))


# --- Index on save, backfill ---------------------------------------------------------------------


def test_adding_an_image_stores_its_hashes_in_the_same_transaction(db):
    product = _product_with_photo(3)
    image = product.images.get()
    rows = list(ProductImageHash.objects.filter(image=image).order_by("crop_permille"))
    assert [r.crop_permille for r in rows] == list(INDEX_CROPS)
    assert {r.product_id for r in rows} == {product.pk}
    whole = phash64(image_decode(encoded(photo(3), quality=90)))
    assert rows[0].value == to_signed(whole)
    assert [rows[0].band0, rows[0].band1, rows[0].band2, rows[0].band3] == hash_bands(whole)


def test_a_refused_image_leaves_no_hash_rows(db):
    product = create_product(name="Plain")
    with pytest.raises(Exception, match="not a valid image"):
        services.product_image_add(
            product=product, upload=SimpleUploadedFile("x.jpg", b"nope"), actor=None
        )
    assert ProductImageHash.objects.count() == 0


def test_removing_an_image_removes_its_hashes(db):
    product = _product_with_photo(4)
    services.product_image_remove(image=product.images.get(), actor=None)
    assert ProductImageHash.objects.count() == 0


def test_backfill_indexes_images_saved_without_hashes_and_reports_progress(db, capsys):
    first, second = _product_with_photo(5), _product_with_photo(6)
    ProductImageHash.objects.all().delete()
    broken = first.images.get()
    broken.pk = None
    broken.image.name = "products/missing.jpg"
    broken.save()
    seen = []
    done, unreadable = image_hashes_backfill(
        batch_size=2, progress=lambda *figures: seen.append(figures)
    )
    assert (done, unreadable) == (2, 1)
    assert seen == [(2, 3, 0), (3, 3, 1)]
    assert ProductImageHash.objects.filter(product=second).count() == len(INDEX_CROPS)
    call_command("imagehash_backfill")
    out = capsys.readouterr()
    assert "Indexed 0 images; 1 unreadable (skipped)." in out.out
    assert "1/1 images (1 unreadable)" in out.err


# --- Lookup --------------------------------------------------------------------------------------


def test_lookup_finds_the_product_from_altered_copies_and_ranks_it_first(db):
    products = [_product_with_photo(seed) for seed in range(10, 16)]
    for label, variant in _variants(photo(12)).items():
        matches = products_by_image(image=variant)
        assert matches, label
        assert matches[0].product == products[2], label
        assert matches[0].similarity >= 1 - MATCH_MAX_DISTANCE / 64
    assert products_by_image(image=photo(999)) == []


def test_lookup_uses_indexed_band_queries_not_a_scan(db):
    for seed in range(20, 23):
        _product_with_photo(seed)
    with CaptureQueriesContext(connection) as queries:
        products_by_image(image=photo(21))
    lookup = queries.captured_queries[0]["sql"]
    assert "catalog_productimagehash" in lookup
    for band in range(4):
        assert f'"band{band}" IN (' in lookup
    assert len(queries.captured_queries) == 3  # candidates, products, their images


def test_lookup_leaves_out_products_off_sale(db):
    product = _product_with_photo(30)
    services.product_set_on_sale(product=product, on_sale=False, actor=None, reason="recall")
    assert products_by_image(image=photo(30)) == []


# --- Reading imageUrl ----------------------------------------------------------------------------


@pytest.fixture
def allow_private(settings):
    settings.DROPYARD_IMAGE_FETCH_ALLOW_PRIVATE = True


def test_url_reader_fetches_an_image_from_a_server(allow_private):
    jpeg = encoded(photo(1))
    routes = {
        "/p.jpg": (200, {"Content-Type": "image/jpeg"}, jpeg),
        "/moved": (302, {"Location": "/p.jpg"}, b""),
    }
    with image_server(routes) as base:
        assert image_url_read(f"{base}/p.jpg", site_hosts=set()) == jpeg
        assert image_url_read(f"{base}/moved", site_hosts=set()) == jpeg


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/page", "imageUrl: the URL does not serve an image (text/html)"),
        ("/missing", "imageUrl: the server answered HTTP 404"),
        ("/huge", "imageUrl: the picture is larger than 5 MB"),
        ("/loop", "imageUrl: more than 3 redirects"),
    ],
)
def test_url_reader_refuses_bad_answers(allow_private, path, message):
    routes = {
        "/page": (200, {"Content-Type": "text/html"}, b"<html></html>"),
        "/huge": (200, {"Content-Type": "image/png", "Content-Length": "99999999"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
    }
    with image_server(routes) as base, pytest.raises(ImageRefused) as refused:
        image_url_read(f"{base}{path}", site_hosts=set())
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/a.jpg", "imageUrl must be an http or https URL"),
        ("file:///etc/passwd", "imageUrl must be an http or https URL"),
        ("http://127.0.0.1/a.jpg", "private, loopback and local addresses are refused"),
        ("http://169.254.169.254/latest", "private, loopback and local addresses are refused"),
        ("http://10.1.2.3/a.jpg", "private, loopback and local addresses are refused"),
        ("http://[::1]/a.jpg", "private, loopback and local addresses are refused"),
        ("http://localhost:8000/a.jpg", "private, loopback and local addresses are refused"),
        ("http://a.jpg\x00.example.com/", "imageUrl contains control characters"),
        ("http://user:pw@example.com/a.jpg", "imageUrl must not contain credentials"),
        ("http://example.com:99999/a.jpg", "imageUrl is not a valid URL"),
        ("http://no-such-host.invalid/a.jpg", "the host no-such-host.invalid cannot be resolved"),
        ("", "imageUrl is required"),
    ],
)
def test_url_reader_refuses_unsafe_urls(url, message):
    with pytest.raises(ImageRefused) as refused:
        image_url_read(url, site_hosts=set())
    assert message in refused.value.message


def test_url_reader_reads_this_sites_media_from_storage(db):
    product = _product_with_photo(40)
    name = product.images.get().image.name
    content = image_url_read(f"http://testserver/media/{name}", site_hosts={"testserver"})
    assert content == encoded(photo(40), quality=90)
    with pytest.raises(ImageRefused, match="no such picture on this site"):
        image_url_read("http://testserver/media/../settings.py", site_hosts={"testserver"})


# --- The API -------------------------------------------------------------------------------------


@pytest.fixture
def api(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


def test_api_answers_products_by_image_url_best_first(api, allow_private):
    products = [_product_with_photo(seed, name="Vase") for seed in (50, 51, 52)]
    query = encoded(_variants(photo(51))["cropped"], quality=60)
    with image_server({"/q.jpg": (200, {"Content-Type": "image/jpeg"}, query)}) as base:
        data = api.post("product/queryProductsByImage", {"imageUrl": f"{base}/q.jpg"}).ok()
    assert [row["id"] for row in data] == [products[1].public_id]
    row = data[0]
    assert row["nameEn"] == "Vase 51"
    assert row["sku"] == products[1].sku
    assert row["sellPrice"] == "12.50"
    assert row["saleStatus"] == "3"
    assert row["bigImage"].startswith("http://testserver/media/products/")
    assert 0.84 <= row["similarity"] <= 1.0


def test_api_reads_its_own_big_image_urls_without_the_network(api):
    product = _product_with_photo(60)
    big_image = api.get("product/query", {"pid": product.public_id}).ok()["bigImage"]
    data = api.post("product/queryProductsByImage", {"imageUrl": big_image}).ok()
    assert [(row["id"], row["similarity"]) for row in data] == [(product.public_id, 1.0)]


def test_api_accepts_a_base64_picture_beyond_the_contract(api):
    product = _product_with_photo(61)
    picture = base64.b64encode(encoded(photo(61).resize((256, 256)), "PNG")).decode()
    for value in (picture, f"data:image/png;base64,{picture}"):
        data = api.post("product/queryProductsByImage", {"imageBase64": value}).ok()
        assert [row["id"] for row in data] == [product.public_id]


def test_api_answers_an_empty_list_when_nothing_matches(api):
    _product_with_photo(62)
    picture = base64.b64encode(encoded(photo(777))).decode()
    assert api.post("product/queryProductsByImage", {"imageBase64": picture}).ok() == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "imageUrl is required (or imageBase64, not both)"),
        (
            {"imageUrl": "x", "imageBase64": "eA=="},
            "imageUrl is required (or imageBase64, not both)",
        ),
        ({"imageUrl": "gopher://x/"}, "imageUrl must be an http or https URL"),
        ({"imageUrl": "http://127.0.0.1:1/a.jpg"}, "refused"),
        ({"imageUrl": "https://exa\x07mple.com/a.jpg"}, "control characters"),
        ({"imageUrl": "https://exa\x00mple.com/a.jpg"}, "imageUrl: contains a NUL character"),
        ({"imageBase64": "***"}, "imageBase64 is not valid base64"),
        ({"imageBase64": base64.b64encode(b"plain text").decode()}, "imageBase64 is not an image"),
    ],
)
def test_api_refuses_bad_input_with_1600300(api, body, message):
    assert message in api.post("product/queryProductsByImage", body).error(1600300)


def test_api_refuses_a_truncated_picture_from_a_url(api, allow_private):
    jpeg = encoded(photo(2), quality=90)
    routes = {"/t.jpg": (200, {"Content-Type": "image/jpeg"}, jpeg[:3000])}
    with image_server(routes) as base:
        body = {"imageUrl": f"{base}/t.jpg"}
        message = api.post("product/queryProductsByImage", body).error(1600300)
    assert message == "imageUrl is not a valid image (corrupt or truncated)"
