"""Catalog services: categories, products and variants, images, reviews, reports, My Products."""

import os
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dropyard.catalog import services
from dropyard.catalog.choices import ReportReason, ReportStatus
from dropyard.catalog.exceptions import CatalogError, ProductOffSale
from dropyard.catalog.models import MyProduct, Product, Variant
from dropyard.catalog.search import product_search
from dropyard.catalog.tests.factories import (
    CategoryFactory,
    create_product,
    make_category_path,
    png_bytes,
    variant_data,
)
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db


# --- Categories ---------------------------------------------------------------------------------


def test_category_create_sets_levels():
    top = services.category_create(name="Home")
    middle = services.category_create(name="Kitchen", parent=top)
    leaf = services.category_create(name="Gadgets", parent=middle)

    assert [top.level, middle.level, leaf.level] == [1, 2, 3]


def test_category_create_refuses_fourth_level():
    leaf = make_category_path()

    with pytest.raises(CatalogError, match="at most three levels"):
        services.category_create(name="Too deep", parent=leaf)


def test_category_create_refuses_duplicate_name_under_same_parent():
    top = services.category_create(name="Toys")

    with pytest.raises(CatalogError, match="already exists"):
        services.category_create(name="Toys")
    assert top.level == 1


def test_category_rename_reindexes_products():
    leaf = make_category_path(third="Mugs")
    product = create_product(name="Plain thing", category=leaf)

    services.category_rename(category=leaf, name="Tumblers")

    assert product_search(keyword="tumbl")[1] == [product]
    assert product_search(keyword="mugs") == (0, [])


# --- Products -----------------------------------------------------------------------------------


def test_product_create_generates_skus_and_syncs_prices():
    product = create_product(name="Blue Teddy Bear", prices=(1500, 999, 2450))

    product.refresh_from_db()
    assert re.fullmatch(r"DY\d{10}", product.sku)
    assert (product.min_price_minor, product.max_price_minor) == (999, 2450)
    skus = list(product.variants.values_list("sku", flat=True))
    assert len(set(skus)) == 3
    assert all(re.fullmatch(r"DY\d{10}", sku) for sku in skus)
    assert product.is_on_sale is True


def test_product_create_uses_given_skus():
    product = services.product_create(
        actor=None,
        name="Lamp",
        category=make_category_path(),
        sku="LAMP-1",
        variants=[variant_data(sku="LAMP-1-W")],
    )

    assert product.sku == "LAMP-1"
    assert list(product.variants.values_list("sku", flat=True)) == ["LAMP-1-W"]


def test_product_create_sanitises_description():
    product = create_product(
        description_html=(
            '<p onclick="x()">Soft <b>plush</b><script>alert(1)</script></p>'
            '<img src="https://cdn.example/a.png" onerror="y()">'
            '<img src="javascript:alert(2)"><a href="https://e.example">link</a>'
        )
    )

    assert product.description_html == (
        '<p>Soft <b>plush</b></p><img src="https://cdn.example/a.png"><img>link'
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"variants": []}, "at least one variant"),
        ({"name": "  "}, "name is required"),
        ({"properties": ["battery", "radioactive"]}, "Unknown shipping properties: radioactive"),
        ({"product_type": "MAGIC"}, "Unknown product type"),
        ({"variants": [variant_data(price_minor=-1)]}, "price_minor must be a whole number"),
        ({"variants": [{"options": {}}]}, "weight_g is required"),
    ],
)
def test_product_create_rejects_invalid_input(fields, message):
    kwargs = {
        "actor": None,
        "name": "Thing",
        "category": make_category_path(),
        "variants": [variant_data()],
    }
    kwargs.update(fields)

    with pytest.raises(CatalogError, match=message):
        services.product_create(**kwargs)
    assert Product.objects.count() == 0


def test_product_create_requires_level_three_category():
    with pytest.raises(CatalogError, match="third-level"):
        services.product_create(
            actor=None, name="Thing", category=CategoryFactory(), variants=[variant_data()]
        )


def test_product_create_refuses_duplicate_variant_sku():
    create_product(name="A", prices=(100,))
    taken = Variant.objects.get().sku

    with pytest.raises(CatalogError, match="already used"):
        services.product_create(
            actor=None,
            name="B",
            category=make_category_path(),
            variants=[variant_data(sku=taken)],
        )


def test_product_create_keeps_properties_in_enum_order():
    product = create_product(properties=["sharp", "battery", "sharp"])

    assert product.properties == ["battery", "sharp"]


def test_product_update_changes_fields_and_index():
    product = create_product(name="Old name")

    services.product_update(
        product=product, actor=None, name="Ceramic Vase", description_html="<script>x</script>ok"
    )

    product.refresh_from_db()
    assert (product.name, product.description_html) == ("Ceramic Vase", "ok")
    assert product_search(keyword="ceram")[1] == [product]
    assert product_search(keyword="old") == (0, [])


def test_product_update_refuses_sku_change():
    product = create_product()

    with pytest.raises(CatalogError, match="Cannot change: sku"):
        services.product_update(product=product, actor=None, sku="NEW")


# --- Variants and prices ------------------------------------------------------------------------


def test_variant_add_and_update_keep_price_range():
    product = create_product(prices=(1000,))

    variant = services.variant_add(product=product, actor=None, data=variant_data(price_minor=500))
    product.refresh_from_db()
    assert (product.min_price_minor, product.max_price_minor) == (500, 1000)

    services.variant_update(variant=variant, actor=None, price_minor=3000)
    product.refresh_from_db()
    assert (product.min_price_minor, product.max_price_minor) == (1000, 3000)
    assert variant.position == 1


def test_variant_update_sku_is_searchable():
    product = create_product(prices=(1000,))
    variant = product.variants.get()

    services.variant_update(variant=variant, actor=None, sku="ZEBRA-77")

    assert product_search(keyword="zebra")[1] == [product]


def test_variant_set_on_sale_excludes_it_from_price_range():
    product = create_product(prices=(500, 1500))
    cheap = product.variants.get(price_minor=500)

    services.variant_set_on_sale(variant=cheap, on_sale=False, actor=None)
    product.refresh_from_db()
    assert (product.min_price_minor, product.max_price_minor) == (1500, 1500)

    services.variant_set_on_sale(variant=cheap, on_sale=True, actor=None)
    product.refresh_from_db()
    assert (product.min_price_minor, product.max_price_minor) == (500, 1500)


def test_product_set_on_sale_requires_reason_when_taking_off():
    product = create_product()

    with pytest.raises(CatalogError, match="reason is required"):
        services.product_set_on_sale(product=product, on_sale=False, reason=" ", actor=None)

    services.product_set_on_sale(product=product, on_sale=False, reason="Recalled", actor=None)
    product.refresh_from_db()
    assert (product.is_on_sale, product.off_sale_reason) == (False, "Recalled")

    services.product_set_on_sale(product=product, on_sale=True, actor=None)
    product.refresh_from_db()
    assert (product.is_on_sale, product.off_sale_reason) == (True, "")


# --- Images -------------------------------------------------------------------------------------


def test_product_image_add_makes_thumbnail():
    product = create_product()
    upload = SimpleUploadedFile("bear.png", png_bytes((1200, 600)), content_type="image/png")

    first = services.product_image_add(product=product, upload=upload, actor=None)
    second = services.product_image_add(
        product=product,
        upload=SimpleUploadedFile("b.jpg", png_bytes(fmt="JPEG"), content_type="image/jpeg"),
        actor=None,
    )

    assert (first.position, second.position) == (0, 1)
    with Image.open(first.thumbnail.path) as thumb:
        assert thumb.size == (300, 150)
    with Image.open(first.image.path) as original:
        assert original.size == (1200, 600)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an image at all", "not a valid image"),
        (png_bytes()[:60], "not a valid image"),
        (b"\x89PNG" + b"0" * (5 * 1024 * 1024), "at most 5 MB"),
    ],
)
def test_product_image_add_rejects_bad_files(content, message):
    product = create_product()

    with pytest.raises(CatalogError, match=message):
        services.product_image_add(
            product=product, upload=SimpleUploadedFile("x.png", content), actor=None
        )
    assert product.images.count() == 0


def test_product_image_remove_renumbers(django_capture_on_commit_callbacks):
    product = create_product()
    images = [
        services.product_image_add(
            product=product, upload=SimpleUploadedFile(f"{i}.png", png_bytes()), actor=None
        )
        for i in range(3)
    ]
    path = images[0].image.path

    with django_capture_on_commit_callbacks(execute=True):
        services.product_image_remove(image=images[0], actor=None)

    assert list(product.images.values_list("pk", "position")) == [
        (images[1].pk, 0),
        (images[2].pk, 1),
    ]
    assert not os.path.exists(path)


# --- Reviews ------------------------------------------------------------------------------------


def test_review_create_with_photo():
    product = create_product()

    review = services.review_create(
        product=product,
        rating=5,
        text=" Lovely ",
        country="de",
        reviewer_name="Anna",
        reviewed_on=date(2026, 5, 1),
        photos=[SimpleUploadedFile("p.png", png_bytes())],
    )

    assert (review.rating, review.text, review.country) == (5, "Lovely", "DE")
    assert review.photos.count() == 1


@pytest.mark.parametrize("rating", [0, 6, True])
def test_review_create_rejects_bad_rating(rating):
    with pytest.raises(CatalogError, match="Rating must be 1 to 5"):
        services.review_create(
            product=create_product(),
            rating=rating,
            text="",
            country="US",
            reviewer_name="Bo",
            reviewed_on=date(2026, 1, 1),
        )


# --- Reports ------------------------------------------------------------------------------------


def test_report_dismiss(merchant, operator_admin):
    product = create_product()
    report = services.report_create(
        product=product,
        merchant=merchant,
        reporter=merchant.owner,
        reason=ReportReason.MISLEADING,
        note="Photos differ",
    )
    assert report.status == ReportStatus.PENDING

    decided = services.report_dismiss(report=report, actor=operator_admin, note="Looks fine")

    assert (decided.status, decided.outcome_note, decided.reviewed_by) == (
        ReportStatus.DISMISSED,
        "Looks fine",
        operator_admin,
    )
    assert decided.reviewed_at is not None
    product.refresh_from_db()
    assert product.is_on_sale is True
    with pytest.raises(CatalogError, match="already been decided"):
        services.report_take_off_sale(report=report, actor=operator_admin, reason="x")


def test_report_take_off_sale(merchant, operator_admin):
    product = create_product()
    report = services.report_create(
        product=product, merchant=merchant, reporter=None, reason=ReportReason.INFRINGEMENT
    )

    decided = services.report_take_off_sale(
        report=report, actor=operator_admin, reason="Trademark infringement"
    )

    product.refresh_from_db()
    assert (decided.status, decided.outcome_note) == (
        ReportStatus.ACTIONED,
        "Trademark infringement",
    )
    assert (product.is_on_sale, product.off_sale_reason) == (False, "Trademark infringement")


def test_report_create_rejects_unknown_reason(merchant):
    with pytest.raises(CatalogError, match="Unknown report reason"):
        services.report_create(
            product=create_product(), merchant=merchant, reporter=None, reason="boring"
        )


# --- My Products --------------------------------------------------------------------------------


def test_my_product_add_is_idempotent(merchant):
    product = create_product()

    first = services.my_product_add(merchant=merchant, product=product, actor=None)
    second = services.my_product_add(merchant=merchant, product=product, actor=None)

    assert first.pk == second.pk
    assert MyProduct.objects.filter(merchant=merchant).count() == 1


def test_my_product_add_refuses_off_sale(merchant):
    product = create_product()
    services.product_set_on_sale(product=product, on_sale=False, reason="Gone", actor=None)

    with pytest.raises(ProductOffSale) as caught:
        services.my_product_add(merchant=merchant, product=product, actor=None)
    assert caught.value.code == 1602002
    assert MyProduct.objects.count() == 0


def test_my_product_remove(merchant):
    product = create_product()
    services.my_product_add(merchant=merchant, product=product, actor=None)

    assert services.my_product_remove(merchant=merchant, product=product, actor=None) is True
    assert services.my_product_remove(merchant=merchant, product=product, actor=None) is False


# --- Audit --------------------------------------------------------------------------------------


def _events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _target(event: AuditEvent) -> tuple[str, str]:
    return event.target_type, event.target_id


def test_product_create_is_audited(support):
    product = services.product_create(
        actor=support,
        name="Audited kettle",
        category=make_category_path(),
        variants=[variant_data()],
    )

    [event] = _events(AuditAction.PRODUCT_CREATED)
    assert (event.actor, _target(event)) == (support, ("catalog.Product", str(product.pk)))
    assert event.details == {"sku": product.sku, "variants": 1}


def test_refused_product_create_writes_no_audit_event(support):
    with pytest.raises(CatalogError):
        services.product_create(
            actor=support, name="Kettle", category=CategoryFactory(), variants=[variant_data()]
        )

    assert not _events(AuditAction.PRODUCT_CREATED)


def test_product_update_is_audited(support):
    product = create_product()

    services.product_update(product=product, actor=support, name="Renamed", hs_code="1234")

    [event] = _events(AuditAction.PRODUCT_UPDATED)
    assert (event.actor, _target(event)) == (support, ("catalog.Product", str(product.pk)))
    assert event.details == {"fields": ["hs_code", "name"]}
    with pytest.raises(CatalogError):
        services.product_update(product=product, actor=support, name="  ")
    assert len(_events(AuditAction.PRODUCT_UPDATED)) == 1


def test_variant_add_and_update_are_audited_on_the_product(support):
    product = create_product()

    variant = services.variant_add(product=product, actor=support, data=variant_data(sku="AUD-1"))
    services.variant_update(variant=variant, actor=support, price_minor=999)

    added, updated = _events(AuditAction.PRODUCT_UPDATED)
    assert {_target(added), _target(updated)} == {("catalog.Product", str(product.pk))}
    assert {added.actor, updated.actor} == {support}
    assert added.details == {"variant_added": "AUD-1"}
    assert updated.details == {"variant": "AUD-1", "fields": ["price_minor"]}


def test_refused_variant_writes_write_no_audit_event(support):
    product = create_product()
    taken = product.variants.get().sku

    with pytest.raises(CatalogError):
        services.variant_add(product=product, actor=support, data=variant_data(sku=taken))
    with pytest.raises(CatalogError):
        services.variant_update(variant=product.variants.get(), actor=support, position=3)

    assert not _events(AuditAction.PRODUCT_UPDATED)


def test_product_and_variant_sale_changes_are_audited(support):
    product = create_product()
    variant = product.variants.get()

    services.product_set_on_sale(product=product, on_sale=False, reason="Recall", actor=support)
    services.variant_set_on_sale(variant=variant, on_sale=False, actor=support)

    off, variant_off = _events(AuditAction.PRODUCT_SALE_CHANGED)
    assert (off.actor, _target(off)) == (support, ("catalog.Product", str(product.pk)))
    assert off.details == {"on_sale": False, "reason": "Recall"}
    assert (variant_off.actor, _target(variant_off)) == (
        support,
        ("catalog.Variant", str(variant.pk)),
    )
    assert variant_off.details == {"on_sale": False, "product": product.sku}


def test_refused_sale_change_writes_no_audit_event(support):
    product = create_product()

    with pytest.raises(CatalogError):
        services.product_set_on_sale(product=product, on_sale=False, reason=" ", actor=support)

    assert not _events(AuditAction.PRODUCT_SALE_CHANGED)


def test_product_image_add_and_remove_are_audited(support, django_capture_on_commit_callbacks):
    product = create_product()
    upload = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")

    image = services.product_image_add(product=product, upload=upload, actor=support)
    image_pk = image.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.product_image_remove(image=image, actor=support)

    added, removed = _events(AuditAction.PRODUCT_UPDATED)
    assert {_target(added), _target(removed)} == {("catalog.Product", str(product.pk))}
    assert {added.actor, removed.actor} == {support}
    assert (added.details, removed.details) == (
        {"image_added": image_pk},
        {"image_removed": image_pk},
    )


def test_refused_image_add_writes_no_audit_event(support):
    product = create_product()

    with pytest.raises(CatalogError):
        services.product_image_add(
            product=product, upload=SimpleUploadedFile("x.png", b"not an image"), actor=support
        )

    assert not _events(AuditAction.PRODUCT_UPDATED)


@pytest.mark.parametrize(
    ("decide", "status"),
    [
        (lambda r, a: services.report_dismiss(report=r, actor=a, note="Fine"), "dismissed"),
        (lambda r, a: services.report_take_off_sale(report=r, actor=a, reason="Fake"), "actioned"),
    ],
)
def test_report_decisions_are_audited_under_the_merchant(merchant, support, decide, status):
    product = create_product()
    report = services.report_create(
        product=product, merchant=merchant, reporter=merchant.owner, reason=ReportReason.MISLEADING
    )

    decide(report, support)

    [event] = _events(AuditAction.REPORT_DECIDED)
    assert (event.actor, event.merchant, _target(event)) == (
        support,
        merchant,
        ("catalog.ImproperReport", str(report.pk)),
    )
    assert event.details == {"status": status, "product_id": product.pk}


def test_refused_report_decision_writes_no_audit_event(merchant, support):
    report = services.report_create(
        product=create_product(), merchant=merchant, reporter=None, reason=ReportReason.MISLEADING
    )
    services.report_dismiss(report=report, actor=support)

    with pytest.raises(CatalogError, match="already been decided"):
        services.report_take_off_sale(report=report, actor=support, reason="Late")
    with pytest.raises(CatalogError):
        services.report_take_off_sale(report=report, actor=support, reason=" ")

    assert len(_events(AuditAction.REPORT_DECIDED)) == 1
    assert not _events(AuditAction.PRODUCT_SALE_CHANGED)
