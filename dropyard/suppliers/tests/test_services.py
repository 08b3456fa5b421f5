"""Supplier portal services: drafts, the review transition table, warehouse and stock."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.accounts.models import Notification
from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.catalog.search import product_search_ids
from dropyard.catalog.tests.factories import make_category_path, png_bytes
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.inventory.choices import MovementKind, WarehouseKind
from dropyard.inventory.models import Stock, StockMovement

from .. import services
from ..choices import TRANSITIONS, ReviewStatus, can_transition
from ..exceptions import ReviewTransitionRefused, SupplierPortalError
from ..models import SupplierProductReviewEvent
from .factories import make_approved, make_draft, make_submitted, make_supplier, variant_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return make_supplier()


@pytest.fixture
def support():
    return make_operator(role="support")


def _png(name="a.png"):
    return SimpleUploadedFile(name, png_bytes((400, 400)), content_type="image/png")


# --- The transition table (pure) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "to", "allowed"),
    [
        (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, True),
        (ReviewStatus.DRAFT, ReviewStatus.APPROVED, False),
        (ReviewStatus.DRAFT, ReviewStatus.REJECTED, False),
        (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, True),
        (ReviewStatus.SUBMITTED, ReviewStatus.REJECTED, True),
        (ReviewStatus.SUBMITTED, ReviewStatus.DRAFT, False),
        (ReviewStatus.REJECTED, ReviewStatus.SUBMITTED, True),
        (ReviewStatus.REJECTED, ReviewStatus.APPROVED, False),
        (ReviewStatus.APPROVED, ReviewStatus.SUBMITTED, False),
        (ReviewStatus.APPROVED, ReviewStatus.REJECTED, False),
    ],
)
def test_transition_table(current, to, allowed):
    assert can_transition(current, to) is allowed


def test_every_status_has_a_row():
    assert set(TRANSITIONS) == set(ReviewStatus.values)


# --- Drafts ---------------------------------------------------------------------------------------


def test_create_makes_an_off_sale_draft_of_the_supplier(supplier):
    review = make_draft(supplier=supplier, images=[_png()])

    product = review.product
    assert review.status == ReviewStatus.DRAFT
    assert review.supplier == supplier
    assert product.supplier == supplier
    assert product.is_on_sale is False
    assert product.off_sale_reason == services.DRAFT_OFF_SALE_REASON
    assert product.min_price_minor == 1250
    assert product.images.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.SUPPLIER_PRODUCT).count() == 1


def test_a_draft_is_searchable_only_once_approved(supplier, support):
    review = make_submitted(supplier=supplier, name="Zyxwv bottle")
    before = product_search_ids(keyword="Zyxwv")

    services.supplier_product_transition(review=review, to=ReviewStatus.APPROVED, actor=support)

    assert before == (0, [])
    assert product_search_ids(keyword="Zyxwv") == (1, [review.product.pk])


def test_create_with_a_bad_picture_creates_nothing(supplier):
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")

    with pytest.raises(Exception, match="not a valid image"):
        make_draft(supplier=supplier, images=[bad])

    assert supplier.product_reviews.count() == 0


def test_only_the_supplier_itself_creates(supplier, support):
    with pytest.raises(SupplierPortalError):
        services.supplier_product_create(
            supplier=supplier,
            actor=support,
            name="x",
            category=make_category_path(),
            variant=variant_data(),
        )


def test_supplier_cannot_set_operator_fields(supplier):
    with pytest.raises(SupplierPortalError, match="product_type"):
        make_draft(supplier=supplier, product_type="service")


def test_update_and_variant_add_while_draft(supplier):
    review = make_draft(supplier=supplier)

    services.supplier_product_update(review=review, actor=supplier.user, name="Better bottle")
    services.supplier_product_variant_add(
        review=review, actor=supplier.user, data=variant_data(price_minor=1500)
    )

    review.product.refresh_from_db()
    assert review.product.name == "Better bottle"
    assert (review.product.min_price_minor, review.product.max_price_minor) == (1250, 1500)


def test_no_edit_once_submitted(supplier):
    review = make_submitted(supplier=supplier)

    with pytest.raises(ReviewTransitionRefused):
        services.supplier_product_update(review=review, actor=supplier.user, name="Changed")
    with pytest.raises(ReviewTransitionRefused):
        services.supplier_product_image_add(review=review, actor=supplier.user, upload=_png())


def test_another_supplier_cannot_edit(supplier):
    review = make_draft(supplier=supplier)
    other = make_supplier(company_name="Other Co")

    with pytest.raises(SupplierPortalError):
        services.supplier_product_update(review=review, actor=other.user, name="Mine now")


def test_variant_of_another_product_is_refused(supplier):
    review = make_draft(supplier=supplier)
    other = make_draft(supplier=supplier, name="Other")

    with pytest.raises(SupplierPortalError):
        services.supplier_product_variant_update(
            review=review,
            variant=other.product.variants.get(),
            actor=supplier.user,
            price_minor=1,
        )


# --- Review -----------------------------------------------------------------------------------


def test_submit_approve_puts_on_sale_and_notifies(supplier, support):
    review = make_submitted(supplier=supplier)

    review = services.supplier_product_transition(
        review=review, to=ReviewStatus.APPROVED, actor=support
    )

    review.product.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    assert review.reviewer == support
    assert review.product.is_on_sale is True
    assert review.product.off_sale_reason == ""
    assert list(review.events.values_list("from_status", "to_status")) == [
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]
    notice = Notification.objects.get(user=supplier.user)
    assert notice.kind == "supplier.product.approved"
    assert notice.url == f"/supplier/portal/products/{review.product.public_id}/"


def test_reject_needs_a_reason_keeps_it_off_sale_and_allows_resubmit(supplier, support):
    review = make_submitted(supplier=supplier)
    with pytest.raises(SupplierPortalError, match="reason"):
        services.supplier_product_transition(
            review=review, to=ReviewStatus.REJECTED, actor=support, reason="  "
        )

    review = services.supplier_product_transition(
        review=review, to=ReviewStatus.REJECTED, actor=support, reason="Blurry pictures"
    )
    services.supplier_product_update(review=review, actor=supplier.user, name="Fixed")
    review = services.supplier_product_transition(
        review=review, to=ReviewStatus.SUBMITTED, actor=supplier.user
    )

    review.product.refresh_from_db()
    assert review.product.is_on_sale is False
    assert review.status == ReviewStatus.SUBMITTED
    assert review.reason == ""
    assert (
        SupplierProductReviewEvent.objects.filter(review=review, to_status="rejected")
        .values_list("note", flat=True)
        .get()
        == "Blurry pictures"
    )
    assert Notification.objects.get(user=supplier.user).params["reason"] == "Blurry pictures"


@pytest.mark.parametrize("role", ["agent", "warehouse", "finance"])
def test_only_catalog_operators_decide(supplier, role):
    review = make_submitted(supplier=supplier)

    with pytest.raises(SupplierPortalError):
        services.supplier_product_transition(
            review=review, to=ReviewStatus.APPROVED, actor=make_operator(role=role)
        )


def test_supplier_cannot_approve_itself(supplier):
    review = make_submitted(supplier=supplier)

    with pytest.raises(SupplierPortalError):
        services.supplier_product_transition(
            review=review, to=ReviewStatus.APPROVED, actor=supplier.user
        )


def test_refused_move_changes_nothing(supplier, support):
    review = make_draft(supplier=supplier)

    with pytest.raises(ReviewTransitionRefused):
        services.supplier_product_transition(review=review, to=ReviewStatus.APPROVED, actor=support)

    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.events.count() == 0


# --- Warehouse and stock ----------------------------------------------------------------------


def _warehouse(supplier, **fields):
    return services.supplier_warehouse_save(
        supplier=supplier,
        actor=supplier.user,
        **{"name": "Shenzhen WH", "country": "CN", "city": "Shenzhen", **fields},
    )


def test_warehouse_save_creates_one_then_edits_it(supplier):
    first = _warehouse(supplier)
    second = _warehouse(supplier, name="Dongguan WH")

    assert first.pk == second.pk
    assert second.name == "Dongguan WH"
    assert (second.kind, second.supplier, second.is_verified) == (
        WarehouseKind.SUPPLIER,
        supplier,
        False,
    )
    assert second.code == f"SUP{supplier.pk}"


def test_stock_set_receives_then_adjusts(supplier, support):
    review = make_approved(supplier=supplier, reviewer=support)
    warehouse = _warehouse(supplier)
    variant = review.product.variants.get()

    services.supplier_stock_set(
        supplier=supplier, variant=variant, quantity=40, actor=supplier.user, reason="Count"
    )
    services.supplier_stock_set(
        supplier=supplier, variant=variant, quantity=25, actor=supplier.user, reason="Damage"
    )
    unchanged = services.supplier_stock_set(
        supplier=supplier, variant=variant, quantity=25, actor=supplier.user, reason="Same"
    )

    stock = Stock.objects.get(variant=variant, warehouse=warehouse)
    assert stock.on_hand == 25
    assert unchanged is None
    assert list(
        StockMovement.objects.filter(stock=stock)
        .order_by("pk")
        .values_list("kind", "on_hand_delta", "reason")
    ) == [(MovementKind.RECEIPT, 40, "Count"), (MovementKind.ADJUSTMENT, -15, "Damage")]


def test_stock_set_refusals(supplier, support):
    draft = make_draft(supplier=supplier)
    approved = make_approved(supplier=supplier, reviewer=support, name="OK")
    other = make_supplier(company_name="Other Co")
    variant = approved.product.variants.get()

    with pytest.raises(SupplierPortalError, match="warehouse"):
        services.supplier_stock_set(
            supplier=supplier, variant=variant, quantity=1, actor=supplier.user, reason="x"
        )
    _warehouse(supplier)
    _warehouse(other)
    refusals = [
        dict(supplier=supplier, variant=draft.product.variants.get(), quantity=1, reason="x"),
        dict(supplier=other, variant=variant, quantity=1, reason="x"),
        dict(supplier=supplier, variant=variant, quantity=-1, reason="x"),
        dict(supplier=supplier, variant=variant, quantity=1, reason=" "),
    ]
    for kwargs in refusals:
        with pytest.raises(SupplierPortalError):
            services.supplier_stock_set(actor=kwargs["supplier"].user, **kwargs)

    assert Stock.objects.filter(variant__product__supplier=supplier).count() == 0


def test_portal_is_for_the_supplier_not_a_merchant(supplier):
    merchant = make_merchant()

    with pytest.raises(SupplierPortalError):
        services.supplier_warehouse_save(
            supplier=supplier, actor=merchant.owner, name="x", country="CN"
        )
