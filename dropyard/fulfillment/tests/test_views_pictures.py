"""Product pictures on the warehouse's printed pages: the pick list and the packing slip."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog import services as catalog_services
from dropyard.fulfillment import services
from dropyard.fulfillment.tests.factories import make_parcel, make_variants
from dropyard.inventory.tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client):
    user = make_operator(role="warehouse")
    client.force_login(user)
    return user


def _picture(product):
    out = io.BytesIO()
    Image.new("RGB", (640, 640), "teal").save(out, format="PNG")
    upload = SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")
    return catalog_services.product_image_add(product=product, upload=upload, actor=None)


def test_pick_list_and_packing_slip_show_each_lines_picture(client, clerk, merchant):
    pictured, plain = make_variants(2)
    image = _picture(pictured.product)
    own = _picture(pictured.product)  # the variant's own picture wins over the main one
    pictured.image = own
    pictured.save(update_fields=["image"])
    warehouse = WarehouseFactory()
    parcel = make_parcel(merchant=merchant, warehouse=warehouse, items=[(pictured, 2)])
    other = make_variants(1)[0]
    second = make_parcel(merchant=merchant, warehouse=warehouse, items=[(other, 1)])
    services.parcel_start_picking(parcels=[parcel, second], actor=clerk)

    pick = client.get(reverse("fulfillment_ops:pick_list", args=[warehouse.public_id]))
    slip = client.get(reverse("fulfillment_ops:packing_slip", args=[parcel.public_id]))

    pick_html, slip_html = pick.content.decode(), slip.content.decode()
    own_64 = default_storage.url(own.renditions["64"])
    assert pick_html.count('data-testid="pick-row"') == 2
    assert pick_html.count('data-testid="product-picture"') == 1
    assert pick_html.count('data-testid="no-picture"') == 1
    assert f'srcset="{own_64} 64w' in pick_html
    assert 'sizes="56px" width="56" height="56"' in pick_html
    assert 'loading="eager"' in pick_html  # printed pages must not wait for a scroll
    assert default_storage.url(image.renditions["64"]) not in pick_html
    assert slip_html.count('data-testid="product-picture"') == 1
    assert f'srcset="{own_64} 64w' in slip_html
    assert 'sizes="48px" width="48" height="48"' in slip_html
    assert plain.sku not in pick_html


def test_pick_list_loads_pictures_in_a_fixed_number_of_queries(
    client, clerk, merchant, django_assert_max_num_queries
):
    warehouse = WarehouseFactory()
    parcels = []
    for _ in range(6):
        (variant,) = make_variants(1)
        _picture(variant.product)
        parcels.append(make_parcel(merchant=merchant, warehouse=warehouse, items=[(variant, 1)]))
    services.parcel_start_picking(parcels=parcels, actor=clerk)
    url = reverse("fulfillment_ops:pick_list", args=[warehouse.public_id])

    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()

    assert html.count('data-testid="product-picture"') == 6
