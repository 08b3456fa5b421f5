import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from dropyard.accounts.tests.factories import make_staff
from dropyard.catalog.tests.factories import make_product
from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.choices import AuthorityEventKind, SourcingStatus
from dropyard.sourcing.models import AuthorityEvent, SourcingRequest
from dropyard.stores.models import Store, StoreVariant

pytestmark = pytest.mark.django_db

URL = "https://detail.1688.com/offer/624523847261.html"
LIST = "/sourcing/"
NEW = "/sourcing/new/"


def _png(colour=(200, 40, 40)) -> bytes:
    image = Image.new("RGB", (64, 64), colour)
    for x in range(32):
        for y in range(64):
            image.putpixel((x, y), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _create(merchant, owner, **fields):
    fields.setdefault("product_name", "Silicone phone stand")
    fields.setdefault("source_url", URL)
    return svc.sourcing_request_create(merchant=merchant, actor=owner, **fields).request


def _flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- List ---------------------------------------------------------------------------------------


def test_empty_list_explains_sourcing_and_offers_a_new_request(client, owner):
    client.force_login(owner)

    response = client.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="sourcing-empty"' in html
    assert "Sourcing asks your personal agent to find a product" in html
    assert f'href="{NEW}"' in html
    assert 'data-testid="quota-remaining">5<' in html


def test_list_shows_own_requests_with_tabs_and_counts(client, merchant, owner, other_merchant):
    _create(merchant, owner, target_price_minor=350)
    cancelled = _create(merchant, owner, source_url="https://shop.example.com/p/2")
    svc.sourcing_cancel(merchant=merchant, request=cancelled, actor=owner)
    _create(other_merchant, other_merchant.owner, product_name="Not mine")
    client.force_login(owner)

    everything = client.get(LIST).content.decode()
    only_cancelled = client.get(LIST, {"tab": "cancelled"}).content.decode()

    assert everything.count('data-testid="sourcing-row"') == 2
    assert "Not mine" not in everything
    assert "$3.50" in everything
    assert 'data-testid="tab-submitted">Submitted <span class="badge text-bg-light">1<' in (
        everything
    )
    assert 'data-testid="tab-all">All <span class="badge text-bg-light">2<' in everything
    assert only_cancelled.count('data-testid="sourcing-row"') == 1
    assert cancelled.code in only_cancelled


@pytest.mark.parametrize(
    ("query", "found"),
    [("phone", 2), ("624523847261", 1), ("shop.example.com", 1), ("nothing-like-it", 0)],
)
def test_search_by_name_url_or_code(client, merchant, owner, query, found):
    first = _create(merchant, owner)
    _create(merchant, owner, product_name="Phone case", source_url="https://shop.example.com/p/1")
    client.force_login(owner)

    by_query = client.get(LIST, {"q": query}).content.decode()
    by_code = client.get(LIST, {"q": first.code.lower()}).content.decode()

    assert by_query.count('data-testid="sourcing-row"') == found
    assert by_code.count('data-testid="sourcing-row"') == 1


def test_list_with_nul_byte_or_unknown_tab_does_not_fail(client, merchant, owner):
    _create(merchant, owner)
    client.force_login(owner)

    bad_search = client.get(LIST, {"q": "a\x00b"})
    bad_tab = client.get(LIST, {"tab": "nope", "sort": "nonsense", "page": "x"})

    assert (bad_search.status_code, bad_tab.status_code) == (400, 200)
    assert bad_tab.content.decode().count('data-testid="sourcing-row"') == 1


def test_csv_export_has_the_requests(client, merchant, owner):
    request = _create(merchant, owner, target_price_minor=1999)
    client.force_login(owner)

    response = client.get(LIST, {"export": "csv"})

    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0] == "Product,Platform,Target price,Status,Asked"
    assert lines[1].startswith(f"{request.code} Silicone phone stand,1688,19.99 USD,Submitted,")


def test_quota_panel_shows_score_band_rules_and_why_the_score_moved(client, merchant, owner):
    _create(merchant, owner)
    _create(merchant, owner)  # a duplicate: -1
    client.force_login(owner)

    html = client.get(LIST).content.decode()

    assert 'data-testid="quota-remaining">4<' in html
    assert 'data-testid="quota-score">59 / 100 · <span class="fw-semibold">Good</span>' in html
    assert "Duplicate request" in html
    assert html.count('data-testid="authority-event"') == 1
    assert "-1 → 59" in html


def test_uploaded_picture_is_served_only_to_its_merchant(client, merchant, owner, other_merchant):
    request = _create(merchant, owner, source_url="", image_content=_png())
    picture = reverse("sourcing_requests:picture", args=[request.public_id])
    client.force_login(owner)

    listed = client.get(LIST).content.decode()
    mine = client.get(picture)
    client.force_login(other_merchant.owner)
    theirs = client.get(picture)

    assert f'src="{picture}"' in listed
    assert (mine.status_code, mine["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(mine.streaming_content)[:2] == b"\xff\xd8"
    assert theirs.status_code == 404


def test_picture_address_shown_only_when_https(client, merchant, owner):
    _create(merchant, owner, source_url="", image_url="https://img.example.com/a.jpg")
    _create(merchant, owner, source_url="", image_url="http://img.example.com/b.jpg")
    client.force_login(owner)

    html = client.get(LIST).content.decode()

    assert 'src="https://img.example.com/a.jpg"' in html
    assert "http://img.example.com/b.jpg" not in html
    assert html.count('data-testid="no-picture"') == 1


# --- New request --------------------------------------------------------------------------------


def test_create_by_url_with_money_and_countries(client, merchant, owner):
    client.force_login(owner)

    response = client.post(
        NEW,
        {
            "source_url": URL,
            "product_name": " Silicone phone stand ",
            "target_price": "3.5",
            "monthly_quantity": "200",
            "destination_countries": ["US", "DE"],
            "notes": "Black only",
        },
    )

    request = SourcingRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sourcing_requests:detail", args=[request.public_id])
    assert (request.platform, request.product_name, request.target_price_minor) == (
        "1688",
        "Silicone phone stand",
        350,
    )
    assert (request.monthly_quantity, request.destination_countries, request.notes) == (
        200,
        ["US", "DE"],
        "Black only",
    )
    assert _flash(response) == [f"Sourcing request {request.code} sent to your agent."]


def test_create_by_upload_stores_the_picture_privately(client, merchant, owner):
    client.force_login(owner)
    upload = SimpleUploadedFile("stand.png", _png(), content_type="image/png")

    response = client.post(
        NEW, {"picture": upload, "product_name": "Stand", "description": "A red stand"}
    )

    request = SourcingRequest.objects.get()
    assert response.status_code == 302
    assert (request.platform, request.description, request.image_hash is not None) == (
        "none",
        "A red stand",
        True,
    )
    assert request.image.name == f"sourcing/{merchant.pk}/{request.public_id}.jpg"


def test_create_with_a_store_variant_of_the_merchant(client, merchant, owner, other_merchant):
    store = Store.objects.create(merchant=merchant, name="My shop", platform="sandbox")
    variant = StoreVariant.objects.create(
        store=store,
        platform_product_id="1",
        platform_variant_id="11",
        title="Stand",
        currency="USD",
    )
    theirs = StoreVariant.objects.create(
        store=Store.objects.create(merchant=other_merchant, name="Theirs", platform="sandbox"),
        platform_product_id="2",
        platform_variant_id="22",
        title="Their stand",
        currency="USD",
    )
    client.force_login(owner)

    page = client.get(NEW).content.decode()
    refused = client.post(
        NEW, {"source_url": URL, "product_name": "Stand", "store_variant": str(theirs.pk)}
    )
    accepted = client.post(
        NEW, {"source_url": URL, "product_name": "Stand", "store_variant": str(variant.pk)}
    )

    assert "My shop · Stand" in page
    assert "Their stand" not in page
    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert SourcingRequest.objects.get().store_variant == variant


def test_duplicate_redirects_to_the_existing_request_with_a_flash(client, merchant, owner):
    first = _create(merchant, owner)
    client.force_login(owner)

    response = client.post(NEW, {"source_url": URL + "?spm=x", "product_name": "Again"})

    assert response.status_code == 302
    assert response["Location"] == reverse("sourcing_requests:detail", args=[first.public_id])
    assert _flash(response) == [f"You already asked for this product: {first.code} (Submitted)."]
    assert SourcingRequest.objects.count() == 1


def test_over_the_quota_shows_the_service_message_and_creates_nothing(client, merchant, owner):
    for n in range(svc.quota_for(merchant).quota):
        _create(merchant, owner, source_url=f"https://shop.example.com/p/{n}")
    client.force_login(owner)

    response = client.post(NEW, {"source_url": URL, "product_name": "One more"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Today&#x27;s 5 sourcing requests are used; the quota renews at" in html
    assert SourcingRequest.objects.count() == 5


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"product_name": "Stand"}, None, "Give a product link or a picture of the product."),
        ({"source_url": URL, "product_name": ""}, "product_name", "This field is required."),
        ({"source_url": "ftp://x.example/p", "product_name": "S"}, "source_url", "Enter a valid"),
        (
            {"source_url": URL, "product_name": "S", "target_price": "1e30"},
            "target_price",
            "Ensure",
        ),
        (
            {"source_url": URL, "product_name": "S", "target_price": "100000000.01"},
            "target_price",
            "less than or equal to 100000000",
        ),
        ({"source_url": URL, "product_name": "S", "target_price": "0"}, "target_price", "0.01"),
        (
            {"source_url": URL, "product_name": "S", "monthly_quantity": "-1"},
            "monthly_quantity",
            "greater than or equal to 1",
        ),
        (
            {"source_url": URL, "product_name": "S", "destination_countries": ["XX"]},
            "destination_countries",
            "Select a valid choice",
        ),
    ],
)
def test_bad_input_is_a_form_error_and_creates_nothing(client, owner, data, field, message):
    client.force_login(owner)

    response = client.post(NEW, data)

    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert response.status_code == 400
    assert any(message in e for e in errors), errors
    assert SourcingRequest.objects.count() == 0


def test_nul_byte_in_a_field_is_a_bad_request_and_creates_nothing(client, owner):
    client.force_login(owner)

    response = client.post(NEW, {"source_url": URL, "product_name": "A\x00B"})

    assert response.status_code == 400
    assert SourcingRequest.objects.count() == 0


def test_a_file_that_is_not_a_picture_is_refused_on_its_field(client, owner):
    client.force_login(owner)
    upload = SimpleUploadedFile("notes.png", b"%PDF-1.4 not a picture", content_type="image/png")

    response = client.post(NEW, {"picture": upload, "product_name": "Stand"})

    assert response.status_code == 400
    assert response.context["form"].errors["picture"] == ["The picture is not an image"]
    assert SourcingRequest.objects.count() == 0
    assert AuthorityEvent.objects.count() == 0


def test_a_picture_over_the_size_limit_is_refused_before_reading(client, owner):
    client.force_login(owner)
    upload = SimpleUploadedFile("big.png", b"x" * (5 * 1024 * 1024 + 1), content_type="image/png")

    response = client.post(NEW, {"picture": upload, "product_name": "Stand"})

    assert response.status_code == 400
    assert response.context["form"].errors["picture"] == ["The picture is larger than 5 MB."]
    assert SourcingRequest.objects.count() == 0


def test_platform_hint_names_the_shop(client, owner):
    client.force_login(owner)

    amazon = client.get(
        reverse("sourcing_requests:platform"), {"source_url": "https://www.amazon.de/dp/B0C1234567"}
    )
    empty = client.get(reverse("sourcing_requests:platform"), {"source_url": ""})

    assert 'Recognised shop: <span class="badge text-bg-light border">Amazon</span>' in (
        amazon.content.decode()
    )
    assert (empty.status_code, "Recognised" in empty.content.decode()) == (200, False)


# --- Detail and cancel --------------------------------------------------------------------------


def test_detail_shows_progress_quotes_and_the_agent(client, assigned, owner, agent):
    request = _create(assigned, owner, target_price_minor=350)
    svc.sourcing_claim(request=request, actor=agent)
    svc.sourcing_quote_add(
        request=request,
        actor=agent,
        supplier_name="Yiwu Stands Co",
        unit_price_minor=280,
        moq=50,
        lead_time_days=7,
        weight_g=120,
        photo_urls=["https://img.example.com/q1.jpg"],
    )
    client.force_login(owner)

    html = client.get(
        reverse("sourcing_requests:detail", args=[request.public_id])
    ).content.decode()

    assert 'data-testid="sourcing-status">Quoted<' in html
    assert html.count('data-done="1"') == 3
    assert 'aria-current="step" data-done="1">Quoted</li>' in html
    assert html.count('data-testid="sourcing-quote"') == 1
    assert "Yiwu Stands Co" in html
    assert "$2.80" in html
    assert "7 days" in html
    assert 'src="https://img.example.com/q1.jpg"' in html
    assert agent.display_name in html
    assert f'href="{reverse("sourcing:messages")}"' in html
    assert html.count('data-testid="sourcing-event"') == 4


def test_published_request_links_the_catalog_product_and_its_variant(
    client, assigned, owner, agent
):
    product = make_product(variants=1, name="Bamboo soap dish")
    variant = product.variants.get()
    request = _create(assigned, owner)
    svc.sourcing_claim(request=request, actor=agent)
    request.product, request.variant = product, variant
    with transaction.atomic():
        svc.sourcing_transition(request=request, to_status=SourcingStatus.PUBLISHED, actor=agent)
    client.force_login(owner)

    html = client.get(
        reverse("sourcing_requests:detail", args=[request.public_id])
    ).content.decode()

    product_url = reverse("catalog:product", args=[product.public_id])
    assert f'href="{product_url}" class="text-break" data-testid="sourcing-product-link">' in html
    assert f'data-testid="sourcing-variant-sku">{variant.sku}<' in html
    assert html.count('data-done="1"') == 3
    assert 'data-testid="sourcing-cancel"' not in html


def test_failed_request_shows_the_reason_and_no_withdraw(client, assigned, owner, agent):
    request = _create(assigned, owner)
    svc.sourcing_fail(request=request, actor=agent, reason="No factory makes it any more")
    client.force_login(owner)

    html = client.get(
        reverse("sourcing_requests:detail", args=[request.public_id])
    ).content.decode()

    assert "No factory makes it any more" in html
    assert 'data-testid="sourcing-cancel"' not in html


def test_cancel_before_claim_asks_first_and_costs_nothing(client, merchant, owner):
    request = _create(merchant, owner)
    url = reverse("sourcing_requests:cancel", args=[request.public_id])
    client.force_login(owner)

    confirm = client.get(url)
    request.refresh_from_db()
    assert (confirm.status_code, request.status) == (200, SourcingStatus.SUBMITTED)
    assert 'data-testid="cancel-free"' in confirm.content.decode()

    done = client.post(url)

    request.refresh_from_db()
    assert done.status_code == 302
    assert request.status == SourcingStatus.CANCELLED
    assert AuthorityEvent.objects.count() == 0
    assert _flash(done) == [f"Sourcing request {request.code} withdrawn."]


def test_cancel_after_claim_warns_and_costs_authority(client, assigned, owner, agent):
    request = _create(assigned, owner)
    svc.sourcing_claim(request=request, actor=agent)
    url = reverse("sourcing_requests:cancel", args=[request.public_id])
    client.force_login(owner)

    confirm = client.get(url).content.decode()
    client.post(url)

    assert "your authority score falls by 2 points" in confirm
    assert list(AuthorityEvent.objects.values_list("kind", "delta")) == [
        (AuthorityEventKind.ABANDONED, -2)
    ]


def test_cancel_of_a_closed_request_is_refused_with_a_message(client, merchant, owner):
    request = _create(merchant, owner)
    svc.sourcing_cancel(merchant=merchant, request=request, actor=owner)
    url = reverse("sourcing_requests:cancel", args=[request.public_id])
    client.force_login(owner)

    shown = client.get(url)
    posted = client.post(url)

    assert (shown.status_code, posted.status_code) == (302, 302)
    assert _flash(posted)[-1].startswith("sourcing request")
    assert AuthorityEvent.objects.count() == 0


@pytest.mark.parametrize("name", ["detail", "cancel", "picture"])
def test_another_merchants_request_is_not_found(client, merchant, owner, other_merchant, name):
    request = _create(merchant, owner, image_content=_png())
    client.force_login(other_merchant.owner)

    got = client.get(reverse(f"sourcing_requests:{name}", args=[request.public_id]))
    posted = client.post(reverse("sourcing_requests:cancel", args=[request.public_id]))

    request.refresh_from_db()
    assert (got.status_code, posted.status_code) == (404, 404)
    assert request.status == SourcingStatus.SUBMITTED


@pytest.mark.parametrize("url", [LIST, NEW])
def test_staff_without_the_products_area_is_refused(client, staff_user, url):
    client.force_login(staff_user)

    assert client.get(url).status_code == 403


def test_staff_with_the_products_area_may_create(client, merchant):
    staff = make_staff(merchant=merchant, permissions=["products"])
    client.force_login(staff)

    response = client.post(NEW, {"source_url": URL, "product_name": "Stand"})

    assert response.status_code == 302
    assert SourcingRequest.objects.get().created_by == staff
