"""Supplier portal pages and the operators' review queue."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog.tests.factories import make_category_path, png_bytes
from dropyard.inventory.models import Stock

from .. import services
from ..choices import ReviewStatus
from ..models import SupplierProductReview
from .factories import make_approved, make_draft, make_submitted, make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return make_supplier()


@pytest.fixture
def client_for():
    def build(user):
        client = Client()
        client.force_login(user)
        return client

    return build


def _product_post(category, **overrides):
    return {
        "name": "Glass jar",
        "category": category.pk,
        "description_html": "<p>Nice</p><script>x</script>",
        "hs_code": "701349",
        "material": "Glass",
        "packing": "Box",
        "variant-options": "Size=L",
        "variant-weight_g": "400",
        "variant-length_mm": "100",
        "variant-width_mm": "100",
        "variant-height_mm": "150",
        "variant-price_minor": "7.25",
        "variant-suggested_price_minor": "19.90",
        "variant-barcode": "",
        **overrides,
    }


def test_home_shows_company_counts_and_next_steps(supplier, client_for):
    make_draft(supplier=supplier)

    response = client_for(supplier.user).get(reverse("suppliers_portal:home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Good Factory Co" in body
    assert 'data-testid="count-draft">1<' in body
    assert "Set up your warehouse" in body


def test_product_new_creates_a_draft_with_pictures(supplier, client_for):
    category = make_category_path()
    picture = SimpleUploadedFile("p.png", png_bytes((300, 300)), content_type="image/png")

    response = client_for(supplier.user).post(
        reverse("suppliers_portal:product_new"), {**_product_post(category), "images": [picture]}
    )

    review = SupplierProductReview.objects.get(supplier=supplier)
    assert response.status_code == 302
    assert response["Location"] == f"/supplier/portal/products/{review.product.public_id}/"
    assert review.status == ReviewStatus.DRAFT
    assert review.product.is_on_sale is False
    assert review.product.description_html == "<p>Nice</p>"
    assert review.product.variants.get().price_minor == 725
    assert review.product.images.count() == 1


def test_product_new_bad_picture_is_a_form_error_not_a_500(supplier, client_for):
    bad = SimpleUploadedFile("p.png", b"nope", content_type="image/png")

    response = client_for(supplier.user).post(
        reverse("suppliers_portal:product_new"),
        {**_product_post(make_category_path()), "images": [bad]},
    )

    assert response.status_code == 400
    assert "not a valid image" in response.content.decode()
    assert SupplierProductReview.objects.count() == 0


def test_edit_then_submit(supplier, client_for):
    review = make_draft(supplier=supplier)
    client = client_for(supplier.user)
    pid = review.product.public_id

    edit = client.post(
        reverse("suppliers_portal:product", kwargs={"pid": pid}),
        _product_post(review.product.category, name="Renamed"),
    )
    submit = client.post(reverse("suppliers_portal:product_submit", kwargs={"pid": pid}))

    review.refresh_from_db()
    assert (edit.status_code, submit.status_code) == (302, 302)
    assert review.product.name == "Renamed"
    assert review.status == ReviewStatus.SUBMITTED


def test_another_suppliers_product_is_404(supplier, client_for):
    review = make_draft(supplier=supplier)
    other = client_for(make_supplier(company_name="Other Co").user)
    pid = review.product.public_id
    variant = review.product.variants.get()

    answers = [
        other.get(reverse("suppliers_portal:product", kwargs={"pid": pid})).status_code,
        other.post(reverse("suppliers_portal:product_submit", kwargs={"pid": pid})).status_code,
        other.get(
            reverse(
                "suppliers_portal:product_variant_edit",
                kwargs={"pid": pid, "vid": variant.public_id},
            )
        ).status_code,
    ]

    assert answers == [404, 404, 404]
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_another_suppliers_variant_cannot_be_stocked(supplier, client_for):
    review = make_approved(supplier=supplier)
    other = make_supplier(company_name="Other Co")
    services.supplier_warehouse_save(supplier=other, actor=other.user, name="W", country="CN")

    response = client_for(other.user).post(
        reverse("suppliers_portal:stock_set"),
        {"variant": review.product.variants.get().public_id, "quantity": "5", "reason": "x"},
    )

    assert response.status_code == 404
    assert Stock.objects.count() == 0


def test_warehouse_then_stock(supplier, client_for):
    review = make_approved(supplier=supplier)
    client = client_for(supplier.user)
    variant = review.product.variants.get()

    saved = client.post(
        reverse("suppliers_portal:warehouse"),
        {"name": "Main WH", "country": "CN", "city": "Yiwu"},
    )
    stocked = client.post(
        reverse("suppliers_portal:stock_set"),
        {"variant": variant.public_id, "quantity": "12", "reason": "Count"},
    )
    page = client.get(reverse("suppliers_portal:stock"))

    assert (saved.status_code, stocked.status_code, page.status_code) == (302, 302, 200)
    assert Stock.objects.get(variant=variant).on_hand == 12
    assert f'data-testid="stock-{variant.sku}"' in page.content.decode()


def test_warehouse_bad_country_is_400(supplier, client_for):
    response = client_for(supplier.user).post(
        reverse("suppliers_portal:warehouse"), {"name": "W", "country": "XX"}
    )

    assert response.status_code == 400


def test_portal_refuses_a_deactivated_supplier(supplier, client_for):
    supplier.is_active = False
    supplier.save(update_fields=["is_active"])

    response = client_for(supplier.user).get(reverse("suppliers_portal:home"))

    assert response.status_code == 403


def test_portal_post_needs_csrf(supplier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supplier.user)

    response = client.post(reverse("suppliers_portal:warehouse"), {"name": "W", "country": "CN"})

    assert response.status_code == 403
    assert supplier.warehouses.count() == 0


# --- Operators' queue ---------------------------------------------------------------------------


def test_queue_lists_submitted_oldest_first(supplier, client_for):
    first = make_submitted(supplier=supplier, name="First bottle")
    make_submitted(supplier=supplier, name="Second bottle")
    make_draft(supplier=supplier, name="Draft bottle")

    response = client_for(make_operator(role="support")).get(reverse("suppliers_ops:reviews"))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("First bottle") < body.index("Second bottle")
    assert "Draft bottle" not in body
    assert reverse("suppliers_ops:review", kwargs={"pk": first.pk}) in body


def test_approve_confirms_then_puts_on_sale(supplier, client_for):
    review = make_submitted(supplier=supplier)
    client = client_for(make_operator(role="support"))
    url = reverse("suppliers_ops:review_approve", kwargs={"pk": review.pk})

    confirm = client.get(url)
    review.refresh_from_db()
    status_after_get = review.status
    decided = client.post(url)

    review.refresh_from_db()
    assert confirm.status_code == 200
    assert status_after_get == ReviewStatus.SUBMITTED
    assert decided.status_code == 302
    assert review.status == ReviewStatus.APPROVED
    assert review.product.is_on_sale is True


def test_reject_needs_a_reason(supplier, client_for):
    review = make_submitted(supplier=supplier)
    client = client_for(make_operator(role="support"))
    url = reverse("suppliers_ops:review_reject", kwargs={"pk": review.pk})

    empty = client.post(url, {"reason": "   "})
    rejected = client.post(url, {"reason": "Pictures are blurry"})

    review.refresh_from_db()
    assert (empty.status_code, rejected.status_code) == (400, 302)
    assert review.status == ReviewStatus.REJECTED
    assert review.reason == "Pictures are blurry"


def test_decide_twice_is_a_message_not_a_500(supplier, client_for):
    review = make_submitted(supplier=supplier)
    client = client_for(make_operator(role="support"))
    url = reverse("suppliers_ops:review_approve", kwargs={"pk": review.pk})
    client.post(url)

    again = client.post(url, follow=True)

    assert again.status_code == 200
    assert "cannot be moved" in again.content.decode()


def test_unknown_review_is_404(client_for):
    response = client_for(make_operator(role="support")).get(
        reverse("suppliers_ops:review", kwargs={"pk": 999999})
    )

    assert response.status_code == 404


def test_sidebar_lists_the_portal_pages_for_an_approved_supplier(supplier, client_for):
    response = client_for(supplier.user).get(reverse("suppliers_portal:home"))

    names = [link["name"] for link in response.context["nav_links"]]
    assert names == [
        "suppliers_portal:home",
        "suppliers_portal:products",
        "suppliers_portal:stock",
        "suppliers_portal:parcels",
        "suppliers_portal:earnings",
        "supplier:apply",
    ]
