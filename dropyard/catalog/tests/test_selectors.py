"""Catalog selectors: category tree, lookups, reviews, reports, My Products."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.catalog import selectors, services
from dropyard.catalog.choices import ReportReason, ReportStatus
from dropyard.catalog.exceptions import ProductNotFound, VariantNotFound
from dropyard.catalog.tests.factories import create_product, make_category_path, png_bytes
from dropyard.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_category_tree_nests_three_levels():
    leaf = make_category_path("Home", "Kitchen", "Gadgets")
    other_top = services.category_create(name="Zoo", position=5)

    tree = selectors.category_tree()

    assert [node.category for node in tree] == [leaf.parent.parent, other_top]
    assert [n.category for n in tree[0].children] == [leaf.parent]
    assert [n.category for n in tree[0].children[0].children] == [leaf]
    assert tree[1].children == []


def test_product_get_by_pid_sku_and_variant_sku():
    product = create_product(name="Mug")
    variant = product.variants.first()

    assert selectors.product_get(pid=product.public_id) == product
    assert selectors.product_get(sku=product.sku) == product
    assert selectors.product_get(variant_sku=variant.sku) == product


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"pid": "1"}, ProductNotFound, 1602001),
        ({"sku": "NOPE"}, ProductNotFound, 1602001),
        ({"variant_sku": "NOPE"}, VariantNotFound, 1602000),
        ({}, ProductNotFound, 1602001),
    ],
)
def test_product_get_unknown(kwargs, error, code):
    with pytest.raises(error) as caught:
        selectors.product_get(**kwargs)
    assert caught.value.code == code


def test_variant_get_and_list():
    product = create_product(prices=(100, 200, 300))
    first, second, third = product.variants.order_by("position")
    services.variant_set_on_sale(variant=second, on_sale=False, actor=None)

    assert selectors.variant_get(vid=first.public_id) == first
    assert selectors.variant_get(sku=third.sku) == third
    assert selectors.variant_list(product=product) == [first, second, third]
    assert selectors.variant_list(product=product, on_sale_only=True) == [first, third]
    with pytest.raises(VariantNotFound):
        selectors.variant_get(vid="nope")


def test_review_list_newest_first_and_by_score():
    product = create_product()
    reviews = [
        services.review_create(
            product=product,
            rating=rating,
            text="",
            country="US",
            reviewer_name="R",
            reviewed_on=date(2026, 1, day),
        )
        for rating, day in ((5, 1), (3, 2), (5, 3))
    ]

    assert list(selectors.review_list(product=product)) == [reviews[2], reviews[1], reviews[0]]
    assert list(selectors.review_list(product=product, score=5)) == [reviews[2], reviews[0]]


def test_my_product_list_is_per_merchant_and_filters(merchant, other_merchant):
    leaf = make_category_path("Toys", "Plush", "Bears")
    bear = create_product(name="Blue Teddy Bear", category=leaf)
    kettle = create_product(name="Green Kettle")
    for product in (bear, kettle):
        services.my_product_add(merchant=merchant, product=product, actor=None)
    services.my_product_add(merchant=other_merchant, product=kettle, actor=None)

    mine = selectors.my_product_list(merchant=merchant)
    assert [s.product for s in mine] == [kettle, bear]
    assert [s.product for s in selectors.my_product_list(merchant=merchant, keyword="ted")] == [
        bear
    ]
    by_top = selectors.my_product_list(merchant=merchant, category_id=leaf.parent.parent.pk)
    assert [s.product for s in by_top] == [bear]
    assert [s.product for s in selectors.my_product_list(merchant=other_merchant)] == [kettle]
    assert selectors.my_product_ids(merchant=merchant) == {bear.pk, kettle.pk}


def test_report_lists(merchant, other_merchant, operator_admin):
    product = create_product()
    first = services.report_create(
        product=product, merchant=merchant, reporter=None, reason=ReportReason.OTHER
    )
    second = services.report_create(
        product=product, merchant=other_merchant, reporter=None, reason=ReportReason.PROHIBITED
    )
    services.report_dismiss(report=second, actor=operator_admin, note="fine")

    assert list(selectors.report_list(status=ReportStatus.PENDING)) == [first]
    assert list(selectors.report_list(status=ReportStatus.DISMISSED)) == [second]
    assert list(selectors.report_list()) == [second, first]
    assert list(selectors.report_list_for_merchant(merchant=merchant)) == [first]
    assert list(selectors.report_list_for_merchant(merchant=other_merchant)) == [second]


# --- Operator back office -----------------------------------------------------------------------


def test_category_list_leaves_and_parents():
    leaf = make_category_path("Home", "Kitchen", "Gadgets")
    middle, top = leaf.parent, leaf.parent.parent

    assert list(selectors.category_list(leaves_only=True)) == [leaf]
    assert set(selectors.category_list(parents_only=True)) == {top, middle}
    assert set(selectors.category_list()) == {top, middle, leaf}


def test_product_list_includes_off_sale_products_newest_first():
    older = create_product(name="Older kettle")
    newer = create_product(name="Newer mug")
    services.product_set_on_sale(product=older, on_sale=False, reason="Recall", actor=None)

    assert list(selectors.product_list()) == [newer, older]
    assert list(selectors.product_list(on_sale=False)) == [older]
    assert list(selectors.product_list(on_sale=True)) == [newer]


def test_product_list_filters_by_text_and_category():
    kettle = create_product(name="Steel kettle", prices=(100, 200))
    mug = create_product(name="Mug")
    variant_sku = mug.variants.first().sku

    assert list(selectors.product_list(q="KETTLE")) == [kettle]
    assert list(selectors.product_list(q=kettle.sku)) == [kettle]
    assert list(selectors.product_list(q=variant_sku)) == [mug]
    # a term matching several variants still lists the product once
    assert list(selectors.product_list(q=kettle.variants.first().sku[:4])).count(kettle) == 1
    assert list(selectors.product_list(category=mug.category)) == [mug]


def test_product_image_get():
    product = create_product()
    image = services.product_image_add(
        product=product,
        upload=SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        actor=None,
    )

    found = selectors.product_image_get(pk=image.pk)

    assert (found, found.product) == (image, product)
    with pytest.raises(NotFound):
        selectors.product_image_get(pk=image.pk + 1)


def test_report_get(merchant):
    report = services.report_create(
        product=create_product(), merchant=merchant, reporter=None, reason=ReportReason.MISLEADING
    )

    found = selectors.report_get(pk=report.pk)

    assert (found, found.merchant) == (report, merchant)
    with pytest.raises(NotFound):
        selectors.report_get(pk=report.pk + 1)
