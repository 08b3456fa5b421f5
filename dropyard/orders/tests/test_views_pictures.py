"""Pictures on the merchant order pages and the manual order's product picker."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from PIL import Image

from dropyard.accounts.tests.factories import make_staff
from dropyard.catalog import services as catalog_services
from dropyard.catalog.tests.factories import make_product
from dropyard.inventory.tests.factories import make_stock
from dropyard.orders import services
from dropyard.orders.forms import lines_data_with
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world, order_item, us_address

pytestmark = pytest.mark.django_db

PICKER = "orders:variant_picker"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _picture(product, colour="red"):
    out = io.BytesIO()
    Image.new("RGB", (700, 700), colour).save(out, format="PNG")
    upload = SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")
    return catalog_services.product_image_add(product=product, upload=upload, actor=None)


@pytest.fixture
def lamp():
    """A searchable on-sale product with a picture, two variants (Amber, Jade) in stock."""
    product = make_product(variants=2, name="Walnut Desk Lamp")
    amber, jade = product.variants.order_by("position")
    amber.options, jade.options = {"Color": "Amber"}, {"Color": "Jade"}
    amber.save(update_fields=["options"])
    jade.save(update_fields=["options"])
    image = _picture(product)
    return product, amber, jade, image


# --- Pictures on the order pages -----------------------------------------------------------------


def test_order_list_and_detail_show_the_line_pictures(owner_client, merchant):
    shop = make_order_world()
    image = _picture(shop.red.product)
    order = services.order_create(
        merchant=merchant,
        actor=merchant.owner,
        **order_item((shop.red, 1), (shop.blue, 2), number="PIC-1"),
    )
    copy_64 = default_storage.url(image.renditions["64"])

    listing = owner_client.get(reverse("orders:list")).content.decode()
    detail = owner_client.get(reverse("orders:detail", args=[order.public_id])).content.decode()

    assert listing.count('data-testid="product-picture"') == 1
    assert f'srcset="{copy_64} 64w' in listing
    assert 'sizes="40px" width="40" height="40"' in listing
    assert detail.count('data-testid="product-picture"') == 1  # red has one, blue has none
    assert detail.count('data-testid="no-picture"') == 1
    assert 'sizes="48px" width="48" height="48"' in detail


def test_order_detail_names_each_product_once(owner_client, merchant):
    shop = make_order_world()
    order = services.order_create(
        merchant=merchant, actor=merchant.owner, **order_item((shop.red, 1), number="PIC-2")
    )

    html = owner_client.get(reverse("orders:detail", args=[order.public_id])).content.decode()

    lines = html[html.index('data-testid="order-lines"') :]
    lines = lines[: lines.index("</table>")]
    assert lines.count(shop.red.product.name) == 1
    assert f'<span class="small text-secondary">{shop.red.options_label}</span>' in lines


# --- The picker endpoint -----------------------------------------------------------------------


def test_picker_finds_variants_by_name_with_picture_price_and_stock(owner_client, lamp):
    product, amber, jade, image = lamp
    shop = make_order_world(stock=0)
    make_stock(variant=amber, warehouse=shop.cn, on_hand=30, reserved=4)

    response = owner_client.get(reverse(PICKER), {"q": "walnut lamp"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="picker-result"') == 2
    assert f'name="add_variant" value="{amber.sku}"' in html
    assert f'name="add_variant" value="{jade.sku}"' in html
    assert html.index(amber.sku) < html.index(jade.sku)
    assert html.count(f'srcset="{default_storage.url(image.renditions["64"])} 64w') == 2
    assert "Amber · " in html
    assert "Jade · " in html
    assert "$12.50" in html
    assert "26 in stock" in html
    assert "out of stock" in html


def test_picker_finds_an_exact_variant_sku(owner_client, lamp):
    _product, _amber, jade, _image = lamp

    html = owner_client.get(reverse(PICKER), {"q": jade.sku.lower()}).content.decode()

    assert html.count('data-testid="picker-result"') >= 1
    assert html.index(f'value="{jade.sku}"') < html.index("</button>")


def test_picker_lists_only_orderable_variants_and_own_private_stock(
    owner_client, lamp, merchant, other_merchant
):
    product, amber, jade, _image = lamp
    shop = make_order_world(stock=0)
    jade.is_on_sale = False
    jade.save(update_fields=["is_on_sale"])
    make_stock(variant=amber, warehouse=shop.cn, on_hand=5, merchant=merchant)
    make_stock(variant=amber, warehouse=shop.us, on_hand=70, merchant=other_merchant)
    hidden = make_product(variants=1, name="Walnut Shelf", is_on_sale=False)

    html = owner_client.get(reverse(PICKER), {"q": "walnut"}).content.decode()

    assert html.count('data-testid="picker-result"') == 1
    assert amber.sku in html
    assert jade.sku not in html
    assert hidden.variants.get().sku not in html
    assert "5 in stock" in html


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("", 200, ""),
        ("w", 200, "Type at least 2 characters."),
        ("9" * 40, 200, "No product on sale matches"),
        ("-1e309", 200, "No product on sale matches"),
        ("lamp\x00", 400, "q: contains a NUL character"),  # refused before the view
        ("x" * 101, 400, "Search: Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_picker_answers_bad_or_short_input_with_a_message(owner_client, lamp, query, status, text):
    response = owner_client.get(reverse(PICKER), {"q": query})

    html = response.content.decode()
    assert response.status_code == status
    assert text in html
    assert 'data-testid="picker-result"' not in html


def test_picker_needs_the_orders_area(client, merchant, lamp):
    client.force_login(make_staff(merchant=merchant, permissions=["products"]))
    assert client.get(reverse(PICKER), {"q": "walnut"}).status_code == 403

    client.logout()
    assert client.get(reverse(PICKER), {"q": "walnut"}).status_code == 302


# --- Picking a variant into the form -------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {
        "order_number": "PICK-1",
        **us_address(),
        "shipping_line": "",
        "remark": "",
        "tax_id": "",
        "ioss_type": "1",
        "ioss_number": "",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
    }
    data.update(overrides)
    return data


def test_picking_fills_the_first_empty_line_then_counts_up(owner_client, lamp, merchant):
    _product, amber, jade, _image = lamp
    url = reverse("orders:new")

    first = owner_client.post(url, _form(add_variant=amber.sku))
    data = _form(**{"lines-0-variant": amber.sku, "lines-0-quantity": "1"})
    again = owner_client.post(url, {**data, "add_variant": amber.sku})
    other = owner_client.post(url, {**data, "add_variant": jade.sku})

    rows = first.context["formset"]
    assert [(f["variant"].value(), f["quantity"].value()) for f in rows] == [
        (amber.sku, "1"),
        (None, None),
    ]
    assert [f.picked for f in rows] == [amber, None]
    assert first.context["form"]["order_number"].value() == "PICK-1"
    assert again.context["formset"][0]["quantity"].value() == "2"
    assert [f["variant"].value() for f in other.context["formset"]] == [amber.sku, jade.sku]
    html = first.content.decode()
    assert 'data-testid="line-picked"' in html
    assert "Walnut Desk Lamp <span" in html
    assert Order.objects.count() == 0


def test_picking_an_unknown_or_bad_sku_says_so(owner_client, lamp):
    for value in ("NOPE-1", "S" * 200):
        response = owner_client.post(reverse("orders:new"), _form(add_variant=value))

        assert response.status_code == 200
        assert "That product is not in the catalog any more." in response.content.decode()
        assert len(response.context["formset"].forms) == 2
    refused = owner_client.post(reverse("orders:new"), _form(add_variant="x\x00y"))
    assert refused.status_code == 400
    assert "add_variant: contains a NUL character" in refused.content.decode()
    assert Order.objects.count() == 0


def test_a_picked_line_creates_the_order(owner_client, lamp, merchant):
    _product, amber, _jade, _image = lamp
    shop = make_order_world(stock=0)
    make_stock(variant=amber, warehouse=shop.cn, on_hand=10)
    picked = owner_client.post(reverse("orders:new"), _form(add_variant=amber.sku))
    rows = picked.context["formset"]
    data = _form(**{f"lines-{i}-{k}": f[k].value() or "" for i, f in enumerate(rows)
                    for k in ("variant", "quantity")})  # fmt: skip

    response = owner_client.post(reverse("orders:new"), data)

    order = Order.objects.get(merchant=merchant, order_number="PICK-1")
    assert response["Location"] == reverse("orders:detail", args=[order.public_id])
    assert [(line.variant_id, line.quantity) for line in order.lines.all()] == [(amber.pk, 1)]


def test_lines_data_with():
    base = QueryDict(mutable=True)
    base.update({"lines-TOTAL_FORMS": "2", "lines-0-variant": "A", "lines-0-quantity": "3"})

    assert lines_data_with(base, sku="B")["lines-1-variant"] == "B"
    assert lines_data_with(base, sku="A")["lines-0-quantity"] == "4"
    added = lines_data_with(base)
    assert (added["lines-TOTAL_FORMS"], added.get("lines-2-variant")) == ("3", None)
    full = base.copy()
    full["lines-1-variant"] = "C"
    grown = lines_data_with(full, sku="D")
    assert (grown["lines-TOTAL_FORMS"], grown["lines-2-variant"]) == ("3", "D")
    deleted = full.copy()
    deleted["lines-0-DELETE"] = "on"
    assert lines_data_with(deleted, sku="A")["lines-2-variant"] == "A"  # a deleted row is not kept
    capped = full.copy()
    capped["lines-TOTAL_FORMS"] = "100"
    assert lines_data_with(capped, sku="Z")["lines-TOTAL_FORMS"] == "100"
    assert lines_data_with(QueryDict("lines-TOTAL_FORMS=1e9"), sku="Q")["lines-0-variant"] == "Q"
