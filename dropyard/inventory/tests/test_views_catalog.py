"""Merchant catalog pages: permissions, search, product page, freight estimate, My Products and
reports, through the views with the real selectors and services."""

import datetime

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_staff
from dropyard.catalog import services
from dropyard.catalog.choices import ReportReason, ReportStatus
from dropyard.catalog.models import ImproperReport, MyProduct, Product, Review, ReviewPhoto
from dropyard.catalog.search import search_index_rebuild
from dropyard.catalog.tests.factories import CategoryFactory, make_product
from dropyard.inventory.services import stock_receive
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.logistics.tests.factories import RateCardFactory, ShippingLineFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _product(name: str, variants: int = 1, **fields):
    """A product in a three-level category path."""
    top = CategoryFactory(parent=None)
    leaf = CategoryFactory(name="Gifts", parent=CategoryFactory(name="Soft", parent=top))
    return make_product(name=name, variants=variants, category=leaf, **fields)


@pytest.fixture
def product(db):
    product = _product(name="Blue Teddy Bear", variants=2)
    first, second = product.variants.all()
    second.price_minor = 1500
    second.save(update_fields=["price_minor"])
    product.max_price_minor = 1500
    product.save(update_fields=["max_price_minor"])
    search_index_rebuild()
    return product


@pytest.fixture
def stocked(product):
    warehouse = WarehouseFactory(country="CN")
    stock_receive(
        variant=product.variants.first(),
        warehouse=warehouse,
        quantity=7,
        actor=None,
        reason="test",
    )
    return product


def _login(client, user):
    client.force_login(user)
    return client


# --- Permissions ------------------------------------------------------------------------------


def _urls(product):
    pid = product.public_id
    return [
        reverse("catalog:search"),
        reverse("catalog:product", args=[pid]),
        reverse("catalog:product_freight", args=[pid]),
        reverse("catalog:my_products"),
    ]


def test_anonymous_is_sent_to_login(client, product):
    for url in _urls(product):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_staff_without_products_area_is_refused(client, merchant, staff_user, product):
    _login(client, staff_user)
    for url in _urls(product):
        assert client.get(url).status_code == 403
    response = client.post(reverse("catalog:my_product_add"), {"product": product.public_id})

    assert response.status_code == 403
    assert MyProduct.objects.count() == 0


def test_staff_with_products_area_opens_the_pages(client, merchant, product):
    _login(client, make_staff(merchant=merchant, permissions=["products"]))

    assert [client.get(url).status_code for url in _urls(product)[:2]] == [200, 200]


def test_unknown_product_is_404(client, owner):
    _login(client, owner)

    assert client.get(reverse("catalog:product", args=["nope"])).status_code == 404


# --- Search -----------------------------------------------------------------------------------


def test_search_lists_cards_with_price_range_and_stock_badge(client, owner, stocked):
    _product(name="Red Kettle", variants=1)
    search_index_rebuild()
    _login(client, owner)

    response = client.get(reverse("catalog:search"), {"q": "teddy"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    body = response.content.decode()
    assert "Blue Teddy Bear" in body
    assert "Red Kettle" not in body
    assert "$12.50–$15.00" in body
    assert "In stock" in body


def test_search_htmx_answers_the_results_partial(client, owner, product):
    _login(client, owner)

    response = client.get(reverse("catalog:search"), {"q": "teddy"}, **HTMX)

    assert [t.name for t in response.templates][0] == "catalog/partials/_results.html"
    assert "<html" not in response.content.decode()


def test_search_in_stock_filter_hides_unstocked(client, owner, stocked):
    _product(name="Blue Teddy Mug", variants=1)
    search_index_rebuild()
    _login(client, owner)

    response = client.get(reverse("catalog:search"), {"q": "blue", "in_stock": "on"})

    assert [p.name for p in response.context["page"].object_list] == ["Blue Teddy Bear"]


def test_search_price_range_filters(client, owner, product):
    cheap = _product(name="Cheap thing", variants=1)
    cheap.variants.update(price_minor=100)
    type(cheap).objects.filter(pk=cheap.pk).update(min_price_minor=100, max_price_minor=100)
    search_index_rebuild()
    _login(client, owner)

    response = client.get(reverse("catalog:search"), {"min_price": "10", "max_price": "13"})

    assert [p.name for p in response.context["page"].object_list] == ["Blue Teddy Bear"]


def test_search_empty_state_and_bad_price_range(client, owner, product):
    _login(client, owner)

    response = client.get(reverse("catalog:search"), {"min_price": "20", "max_price": "10"})

    body = response.content.decode()
    assert "The minimum price must not be above the maximum." in body
    empty = client.get(reverse("catalog:search"), {"q": "zzzzzz"})
    assert empty.context["page"].paginator.count == 0
    assert 'data-testid="empty-state"' in empty.content.decode()


# --- Product page -----------------------------------------------------------------------------


def test_product_page_shows_variants_stock_and_reviews(client, owner, stocked):
    _login(client, owner)

    response = client.get(reverse("catalog:product", args=[stocked.public_id]))

    assert response.status_code == 200
    body = response.content.decode()
    for variant in stocked.variants.all():
        assert variant.sku in body
    assert "$29.99" in body  # suggested retail price
    assert response.context["stock_rows"] == [
        {"country": "CN", "country_name": "China", "platform": 7, "factory": 0}
    ]
    assert response.context["private_rows"] == []
    assert "No reviews yet." in body


def test_product_page_links_the_video_only_when_there_is_one(client, owner, product):
    _login(client, owner)
    url = reverse("catalog:product", args=[product.public_id])
    assert "Watch the product video" not in client.get(url).content.decode()

    Product.objects.filter(pk=product.pk).update(video_url="https://videos.example.com/p.mp4")

    body = client.get(url).content.decode()
    assert '<a href="https://videos.example.com/p.mp4" target="_blank"' in body


def test_private_stock_shows_only_to_its_merchant(client, owner, other_merchant, product):
    warehouse = WarehouseFactory(country="US", region="CA", city="Ontario")
    stock_receive(
        variant=product.variants.first(),
        warehouse=warehouse,
        quantity=4,
        actor=None,
        reason="bulk buy",
        merchant=other_merchant,
    )
    _login(client, owner)

    mine = client.get(reverse("catalog:product", args=[product.public_id]))
    client.force_login(other_merchant.owner)
    theirs = client.get(reverse("catalog:product", args=[product.public_id]))

    assert mine.context["private_rows"] == []
    assert mine.context["stock_rows"] == []
    assert 'data-testid="private-stock-table"' not in mine.content.decode()
    assert [row["available"] for row in theirs.context["private_rows"]] == [4]
    assert 'data-testid="private-stock-table"' in theirs.content.decode()


def test_reviews_show_rating_text_photos_country_and_date(client, owner, product):
    review = Review.objects.create(
        product=product,
        rating=4,
        text="Soft and well stitched",
        country="DE",
        reviewer_name="Anna",
        reviewed_on=datetime.date(2026, 1, 3),
    )
    ReviewPhoto.objects.create(review=review, image="reviews/bear.jpg")
    client.force_login(owner)

    response = client.get(reverse("catalog:product", args=[product.public_id]))

    body = response.content.decode()
    for text in ("★★★★☆", "Anna", "Soft and well stitched", "DE", "2026-01-03", "reviews/bear.jpg"):
        assert text in body


def test_freight_estimate_lists_available_and_unavailable_lines(client, owner, stocked):
    card = RateCardFactory(origin_country="CN", dest_country="DE", min_days=6, max_days=9)
    ShippingLineFactory(name="Sea Freight")  # active, no rate to DE
    variant = stocked.variants.first()
    _login(client, owner)

    response = client.get(
        reverse("catalog:product_freight", args=[stocked.public_id]),
        {
            "variant": variant.public_id,
            "quantity": 2,
            "origin_country": "CN",
            "dest_country": "DE",
        },
        **HTMX,
    )

    assert response.status_code == 200
    quote = response.context["quote"]
    assert [o.line.name for o in quote.available] == [card.line.name]
    assert [u.line.name for u in quote.unavailable] == ["Sea Freight"]
    body = response.content.decode()
    assert "$5.00" in body
    assert "6–9 days" in body


def test_freight_estimate_without_country_is_400(client, owner, stocked):
    _login(client, owner)

    response = client.get(
        reverse("catalog:product_freight", args=[stocked.public_id]),
        {"variant": stocked.variants.first().public_id, "quantity": 1, "origin_country": "CN"},
        **HTMX,
    )

    assert response.status_code == 400
    assert response.context["quote"] is None


# --- My Products ------------------------------------------------------------------------------


def test_add_and_remove_my_product(client, merchant, owner, product):
    _login(client, owner)

    added = client.post(reverse("catalog:my_product_add"), {"product": product.public_id})

    assert added.status_code == 302
    assert list(MyProduct.objects.values_list("merchant_id", "product_id")) == [
        (merchant.pk, product.pk)
    ]
    listing = client.get(reverse("catalog:my_products"))
    assert "Blue Teddy Bear" in listing.content.decode()
    client.post(reverse("catalog:my_product_remove"), {"product": product.public_id})
    assert MyProduct.objects.count() == 0


def test_add_by_htmx_swaps_the_button(client, owner, product):
    _login(client, owner)

    response = client.post(
        reverse("catalog:my_product_add"),
        {"product": product.public_id},
        HTTP_HX_TARGET="my-product-action",
        **HTMX,
    )

    assert "Remove" in response.content.decode()
    assert MyProduct.objects.filter(product=product).count() == 1


def test_my_products_hides_other_merchants_items(client, owner, other_merchant, product):
    services.my_product_add(merchant=other_merchant, product=product, actor=other_merchant.owner)
    _login(client, owner)

    response = client.get(reverse("catalog:my_products"))

    assert response.context["page"].paginator.count == 0
    assert "Blue Teddy Bear" not in response.content.decode()


def test_my_products_search(client, merchant, owner, product):
    other = _product(name="Red Kettle", variants=1)
    for item in (product, other):
        services.my_product_add(merchant=merchant, product=item, actor=owner)
    _login(client, owner)

    response = client.get(reverse("catalog:my_products"), {"q": "kettle"})

    assert [i.product.name for i in response.context["page"].object_list] == ["Red Kettle"]


def test_remove_from_another_merchant_leaves_their_item(client, owner, other_merchant, product):
    services.my_product_add(merchant=other_merchant, product=product, actor=other_merchant.owner)
    _login(client, owner)

    client.post(reverse("catalog:my_product_remove"), {"product": product.public_id})

    assert MyProduct.objects.filter(merchant=other_merchant).count() == 1


# --- Reports ----------------------------------------------------------------------------------


def test_report_is_created_and_shown_to_its_merchant_only(
    client, merchant, owner, other_merchant, product
):
    _login(client, owner)

    response = client.post(
        reverse("catalog:report", args=[product.public_id]),
        {"reason": ReportReason.MISLEADING, "note": "Photos show another item"},
    )

    assert response.status_code == 302
    report = ImproperReport.objects.get()
    assert (report.merchant_id, report.reporter_id, report.reason, report.status) == (
        merchant.pk,
        owner.pk,
        ReportReason.MISLEADING,
        ReportStatus.PENDING,
    )
    page = client.get(reverse("catalog:product", args=[product.public_id]))
    assert [r.pk for r in page.context["reports"]] == [report.pk]
    client.force_login(other_merchant.owner)
    theirs = client.get(reverse("catalog:product", args=[product.public_id]))
    assert list(theirs.context["reports"]) == []


def test_report_without_reason_is_refused(client, owner, product):
    _login(client, owner)

    response = client.post(
        reverse("catalog:report", args=[product.public_id]), {"reason": ""}, **HTMX
    )

    assert response.status_code == 400
    assert ImproperReport.objects.count() == 0


def test_past_report_shows_the_operator_outcome(client, merchant, owner, operator_admin, product):
    report = services.report_create(
        product=product, merchant=merchant, reporter=owner, reason=ReportReason.PROHIBITED
    )
    services.report_take_off_sale(report=report, actor=operator_admin, reason="Counterfeit brand")
    client.force_login(owner)

    response = client.get(reverse("catalog:product", args=[product.public_id]))

    body = response.content.decode()
    assert "Product taken off sale" in body
    assert "Counterfeit brand" in body
