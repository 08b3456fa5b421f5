"""Catalog back office (catalog_ops): permissions and the main flows through the views."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dropyard.accounts.testing.views import (
    OPERATOR_ACTORS,
    assert_page_access,
    assert_sent_to_login,
    operator_actors,
)
from dropyard.catalog import services
from dropyard.catalog.choices import ReportStatus
from dropyard.catalog.models import Category, ImproperReport, Product, ProductImage, Variant
from dropyard.catalog.tests.factories import CategoryFactory, make_product, png_bytes

pytestmark = pytest.mark.django_db

ACTORS = OPERATOR_ACTORS
ALLOWED = {"support", "admin"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def actors(owner, agent, support, operator_admin):
    return operator_actors(owner=owner, agent=agent, support=support, operator_admin=operator_admin)


@pytest.fixture
def leaf():
    top = CategoryFactory(name="Home", parent=None)
    return CategoryFactory(name="Gadgets", parent=CategoryFactory(name="Kitchen", parent=top))


@pytest.fixture
def product(leaf):
    return make_product(variants=1, category=leaf, name="Garlic press")


@pytest.fixture
def report(product, merchant, owner):
    return services.report_create(
        product=product, merchant=merchant, reporter=owner, reason="misleading", note="Fake photos"
    )


@pytest.fixture
def page_urls(product, report):
    variant = product.variants.get()
    return {
        "product_list": reverse("catalog_ops:product_list"),
        "product_create": reverse("catalog_ops:product_create"),
        "product_edit": reverse("catalog_ops:product_edit", args=[product.public_id]),
        "variant_add": reverse("catalog_ops:variant_add", args=[product.public_id]),
        "variant_edit": reverse("catalog_ops:variant_edit", args=[variant.public_id]),
        "category_list": reverse("catalog_ops:category_list"),
        "report_list": reverse("catalog_ops:report_list"),
        "report_detail": reverse("catalog_ops:report_detail", args=[report.pk]),
    }


# --- Permission matrix ------------------------------------------------------------------------

PAGES = [
    "product_list",
    "product_create",
    "product_edit",
    "variant_add",
    "variant_edit",
    "category_list",
    "report_list",
    "report_detail",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client, page_urls, page):
    assert_sent_to_login(client, page_urls[page])


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", PAGES)
def test_page_permission_matrix(client, actors, page_urls, page, actor):
    assert_page_access(client, actors[actor], page_urls[page], allowed=actor in ALLOWED)


@pytest.mark.parametrize("actor", sorted(set(ACTORS) - ALLOWED))
def test_refused_off_sale_changes_nothing(client, actors, product, actor):
    client.force_login(actors[actor])

    response = client.post(
        reverse("catalog_ops:product_sale", args=[product.public_id]),
        {"on_sale": "False", "reason": "No"},
    )

    assert response.status_code == 403
    product.refresh_from_db()
    assert product.is_on_sale is True


# --- Products ---------------------------------------------------------------------------------


def _product_post(leaf, **overrides):
    data = {
        "sku": "",
        "name": "Silicone spatula",
        "category": leaf.pk,
        "product_type": "ORDINARY_PRODUCT",
        "description_html": "<p>Heat proof</p><script>alert(1)</script>",
        "hs_code": "3924100000",
        "material": "Silicone",
        "packing": "Bag",
        "properties": ["magnetic"],
        "variant-sku": "SPAT-RED",
        "variant-options": "Color=Red; Size=L",
        "variant-weight_g": "120",
        "variant-length_mm": "300",
        "variant-width_mm": "60",
        "variant-height_mm": "20",
        "variant-price_minor": "3.45",
        "variant-suggested_price_minor": "9.99",
        "variant-barcode": "",
    }
    data.update(overrides)
    return data


def test_create_product_with_its_first_variant(client, support, leaf):
    client.force_login(support)

    response = client.post(reverse("catalog_ops:product_create"), _product_post(leaf))

    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog_ops:product_edit", args=[product.public_id])
    assert (product.name, product.category, product.properties) == (
        "Silicone spatula",
        leaf,
        ["magnetic"],
    )
    assert "<script>" not in product.description_html
    variant = product.variants.get()
    assert (variant.sku, variant.options, variant.weight_g) == (
        "SPAT-RED",
        {"Color": "Red", "Size": "L"},
        120,
    )
    assert (variant.price_minor, variant.suggested_price_minor) == (345, 999)
    assert product.min_price_minor == 345


def test_create_product_strips_control_and_bidi_characters_from_the_description(
    client, support, leaf
):
    client.force_login(support)
    description = "<p>Heat\x1b[31m proof\x07</p>\r\n<p>\u202eeno\u2066 two\u2069</p>"

    response = client.post(
        reverse("catalog_ops:product_create"), _product_post(leaf, description_html=description)
    )

    assert response.status_code == 302
    assert Product.objects.get().description_html == "<p>Heat[31m proof</p>\n<p>eno two</p>"


def test_create_product_in_a_top_level_category_is_refused(client, support, leaf):
    client.force_login(support)

    response = client.post(
        reverse("catalog_ops:product_create"),
        _product_post(leaf, category=leaf.parent.parent.pk),
    )

    assert response.status_code == 400
    assert Product.objects.count() == 0
    assert "category" in response.context["form"].errors


def test_create_product_with_bad_options_shows_the_error(client, support, leaf):
    client.force_login(support)

    response = client.post(
        reverse("catalog_ops:product_create"), _product_post(leaf, **{"variant-options": "Red"})
    )

    assert response.status_code == 400
    assert Product.objects.count() == 0
    assert "options" in response.context["variant_form"].errors


def test_product_list_searches_by_variant_sku(client, support, leaf):
    make_product(variants=1, category=leaf, name="Whisk")
    wanted = make_product(variants=1, category=leaf, name="Ladle")
    client.force_login(support)

    response = client.get(
        reverse("catalog_ops:product_list"), {"q": wanted.variants.get().sku.lower()}
    )

    assert list(response.context["page_obj"]) == [wanted]


def test_product_list_filters_off_sale_and_htmx_gets_the_partial(client, support, leaf):
    make_product(variants=1, category=leaf, name="Whisk")
    off = make_product(variants=1, category=leaf, name="Ladle", is_on_sale=False)
    client.force_login(support)

    response = client.get(
        reverse("catalog_ops:product_list"), {"on_sale": "no"}, headers={"HX-Request": "true"}
    )

    assert list(response.context["page_obj"]) == [off]
    assert [t.name for t in response.templates][0] == "core/partials/_list_table.html"


def test_product_list_empty_state(client, support):
    client.force_login(support)

    response = client.get(reverse("catalog_ops:product_list"), {"q": "nothing"})

    assert b'data-testid="empty-state"' in response.content


def test_edit_product(client, support, product):
    client.force_login(support)

    response = client.post(
        reverse("catalog_ops:product_edit", args=[product.public_id]),
        {
            "name": "Garlic press XL",
            "category": product.category_id,
            "product_type": "ORDINARY_PRODUCT",
            "properties": ["sharp"],
            "material": "Steel",
            "video_url": "https://videos.example.com/press.mp4",
        },
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.material, product.properties, product.video_url) == (
        "Garlic press XL",
        "Steel",
        ["sharp"],
        "https://videos.example.com/press.mp4",
    )
    page = client.get(reverse("catalog_ops:product_edit", args=[product.public_id]))
    assert 'value="https://videos.example.com/press.mp4"' in page.content.decode()


def test_edit_product_refuses_a_non_http_video_url(client, support, product):
    client.force_login(support)

    response = client.post(
        reverse("catalog_ops:product_edit", args=[product.public_id]),
        {
            "name": product.name,
            "category": product.category_id,
            "product_type": "ORDINARY_PRODUCT",
            "video_url": "ftp://videos.example.com/press.mp4",
        },
    )

    assert response.status_code == 400
    product.refresh_from_db()
    assert product.video_url == ""


def test_take_product_off_sale_needs_a_reason(client, support, product):
    client.force_login(support)
    url = reverse("catalog_ops:product_sale", args=[product.public_id])

    refused = client.post(url, {"on_sale": "False", "reason": "  "})
    product.refresh_from_db()
    assert (refused.status_code, product.is_on_sale) == (302, True)

    client.post(url, {"on_sale": "False", "reason": "Supplier recall"})
    product.refresh_from_db()
    assert (product.is_on_sale, product.off_sale_reason) == (False, "Supplier recall")

    client.post(url, {"on_sale": "True"})
    product.refresh_from_db()
    assert (product.is_on_sale, product.off_sale_reason) == (True, "")


# --- Variants ---------------------------------------------------------------------------------


def test_add_and_edit_a_variant(client, support, product):
    client.force_login(support)

    client.post(
        reverse("catalog_ops:variant_add", args=[product.public_id]),
        {
            "sku": "",
            "options": "Color=Blue",
            "weight_g": "300",
            "length_mm": "0",
            "width_mm": "0",
            "height_mm": "0",
            "price_minor": "0.99",
            "suggested_price_minor": "0",
        },
    )
    added = product.variants.get(options={"Color": "Blue"})
    response = client.post(
        reverse("catalog_ops:variant_edit", args=[added.public_id]),
        {
            "sku": "",
            "options": "Color=Navy",
            "weight_g": "310",
            "length_mm": "1",
            "width_mm": "1",
            "height_mm": "1",
            "price_minor": "1.05",
            "suggested_price_minor": "2",
        },
    )

    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.options, added.weight_g, added.price_minor) == ({"Color": "Navy"}, 310, 105)
    assert product.variants.count() == 2
    product.refresh_from_db()
    assert product.min_price_minor == 105


def test_variant_off_and_on_sale(client, support, product):
    variant = product.variants.get()
    client.force_login(support)
    url = reverse("catalog_ops:variant_sale", args=[variant.public_id])

    client.post(url, {"on_sale": "False"})
    assert Variant.objects.get(pk=variant.pk).is_on_sale is False

    client.post(url, {"on_sale": "True"})
    assert Variant.objects.get(pk=variant.pk).is_on_sale is True


# --- Images -----------------------------------------------------------------------------------


def test_upload_an_image_shows_its_thumbnail_and_remove_it(client, support, product):
    client.force_login(support)
    upload = SimpleUploadedFile("press.png", png_bytes(), content_type="image/png")

    response = client.post(
        reverse("catalog_ops:image_add", args=[product.public_id]), {"image": upload}
    )

    assert response.status_code == 302
    image = ProductImage.objects.get(product=product)
    assert image.thumbnail
    page = client.get(reverse("catalog_ops:product_edit", args=[product.public_id]))
    assert image.thumbnail.url.encode() in page.content

    client.post(reverse("catalog_ops:image_remove", args=[image.pk]))
    assert ProductImage.objects.filter(product=product).count() == 0


def test_upload_a_non_image_is_refused(client, support, product):
    client.force_login(support)
    upload = SimpleUploadedFile("notes.png", b"not an image", content_type="image/png")

    response = client.post(
        reverse("catalog_ops:image_add", args=[product.public_id]), {"image": upload}, follow=True
    )

    assert ProductImage.objects.count() == 0
    assert b"alert-danger" in response.content


# --- Categories -------------------------------------------------------------------------------


def test_create_categories_down_to_level_three(client, support):
    client.force_login(support)
    url = reverse("catalog_ops:category_list")

    client.post(url, {"name": "Garden"})
    top = Category.objects.get(name="Garden")
    client.post(url, {"name": "Tools", "parent": top.pk})
    middle = Category.objects.get(name="Tools")
    client.post(url, {"name": "Shears", "parent": middle.pk})
    leaf = Category.objects.get(name="Shears")
    too_deep = client.post(url, {"name": "Blades", "parent": leaf.pk})

    assert (top.level, middle.level, leaf.level) == (1, 2, 3)
    assert too_deep.status_code == 400
    assert not Category.objects.filter(name="Blades").exists()
    assert b"Shears" in client.get(url).content


def test_duplicate_category_name_is_refused(client, support):
    CategoryFactory(name="Garden", parent=None)
    client.force_login(support)

    response = client.post(reverse("catalog_ops:category_list"), {"name": "Garden"})

    assert response.status_code == 400
    assert Category.objects.filter(name="Garden").count() == 1


# --- Reports ----------------------------------------------------------------------------------


def test_report_queue_shows_pending_by_default(client, support, report, product, merchant):
    decided = services.report_create(
        product=product, merchant=merchant, reporter=None, reason="other"
    )
    services.report_dismiss(report=decided, actor=support, note="fine")
    client.force_login(support)

    pending = client.get(reverse("catalog_ops:report_list"))
    everything = client.get(reverse("catalog_ops:report_list"), {"status": "all"})

    assert list(pending.context["page_obj"]) == [report]
    assert set(everything.context["page_obj"]) == {report, decided}


def test_dismiss_a_report(client, support, report, product):
    client.force_login(support)

    response = client.post(
        reverse("catalog_ops:report_dismiss", args=[report.pk]), {"note": "Photos are genuine"}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.outcome_note, report.reviewed_by) == (
        ReportStatus.DISMISSED,
        "Photos are genuine",
        support,
    )
    product.refresh_from_db()
    assert product.is_on_sale is True


def test_dismiss_without_a_note_changes_nothing(client, support, report):
    client.force_login(support)

    response = client.post(reverse("catalog_ops:report_dismiss", args=[report.pk]), {"note": ""})

    assert response.status_code == 400
    assert ImproperReport.objects.get(pk=report.pk).status == ReportStatus.PENDING


def test_take_reported_product_off_sale(client, operator_admin, report, product):
    client.force_login(operator_admin)

    client.post(
        reverse("catalog_ops:report_take_off_sale", args=[report.pk]),
        {"reason": "Counterfeit brand"},
    )

    report.refresh_from_db()
    product.refresh_from_db()
    assert report.status == ReportStatus.ACTIONED
    assert (product.is_on_sale, product.off_sale_reason) == (False, "Counterfeit brand")


def test_deciding_twice_is_refused_with_a_message(client, support, report):
    services.report_dismiss(report=report, actor=support, note="first")
    client.force_login(support)

    response = client.post(
        reverse("catalog_ops:report_take_off_sale", args=[report.pk]),
        {"reason": "late"},
        follow=True,
    )

    report.refresh_from_db()
    assert (report.status, report.outcome_note) == (ReportStatus.DISMISSED, "first")
    assert b"already been decided" in response.content


@pytest.mark.parametrize(
    ("actor", "labels"),
    [
        ("support", {"Products", "Reports"}),
        ("warehouse", {"Warehouses"}),
        ("admin", {"Products", "Reports", "Warehouses", "Shipping lines"}),
        ("agent", set()),
    ],
)
def test_back_office_navigation_links_by_role(client, actors, actor, labels):
    client.force_login(actors[actor])

    response = client.get(reverse("dashboard:ops_home"))

    shown = {link["label"] for link in response.context["nav_links"]}
    assert shown & {"Products", "Reports", "Warehouses", "Shipping lines"} == labels
