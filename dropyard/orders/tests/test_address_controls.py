"""Control and bidi characters in names, addresses and remarks are stripped on every path that
stores them (core.text.clean_line / clean_text via the services) and never reach a packing
slip."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog import services as catalog_services
from dropyard.catalog.tests.factories import make_category_path
from dropyard.fulfillment.tests.factories import make_parcel
from dropyard.orders import services, tasks
from dropyard.orders.exceptions import OrderInvalid
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import csv_import_job, make_order_world, order_item
from dropyard.orders.tests.test_api import body
from dropyard.orders.tests.test_views import _manual
from dropyard.stores import services as store_services
from dropyard.stores.tests.factories import (
    connect,
    import_variants,
    make_store,
    platform_order,
    us_address,
)

pytestmark = pytest.mark.django_db

ESC, BEL, RLO, LRI, PDI = "\x1b", "\x07", "\u202e", "\u2066", "\u2069"
FORBIDDEN = (ESC, BEL, RLO, LRI, PDI, "\x00", "\x9b")

DIRTY_ADDRESS = {
    "shipping_customer_name": f"Jane{ESC}[31m Doe{BEL}",
    "shipping_address": f"{RLO}1 Main Street",
    "shipping_address2": f"Flat{LRI} 2{PDI}",
    "shipping_city": f"Los\tAngeles{BEL}",
}
CLEAN_ADDRESS = {
    "shipping_customer_name": "Jane[31m Doe",
    "shipping_address": "1 Main Street",
    "shipping_address2": "Flat 2",
    "shipping_city": "Los Angeles",
}


@pytest.fixture
def world():
    return make_order_world()


def _stored(order: Order) -> dict[str, str]:
    order.refresh_from_db()
    return {name: getattr(order, name) for name in CLEAN_ADDRESS}


def test_api_order_address_and_name_are_stored_without_controls(cj, api_key, world):
    cj.get_access_token(api_key)
    body = {
        "orderNumber": "CTRL-API",
        "shippingCountryCode": "US",
        "shippingProvince": "CA",
        "shippingZip": "90001",
        "shippingCity": DIRTY_ADDRESS["shipping_city"],
        "shippingCustomerName": DIRTY_ADDRESS["shipping_customer_name"],
        "shippingAddress": DIRTY_ADDRESS["shipping_address"],
        "shippingAddress2": DIRTY_ADDRESS["shipping_address2"],
        "products": [{"vid": world.red.public_id, "quantity": 1}],
    }

    cj.post("shopping/order/createOrderV2", body).ok()

    assert _stored(Order.objects.get(order_number="CTRL-API")) == CLEAN_ADDRESS


def test_service_order_and_address_change_strip_controls(merchant, owner, world):
    order = services.order_create(
        merchant=merchant, actor=owner, **order_item((world.red, 1), **DIRTY_ADDRESS)
    )
    assert _stored(order) == CLEAN_ADDRESS

    services.order_update_address(
        order=order, actor=owner, shipping_customer_name=f"{RLO}John{ESC} Roe"
    )

    order.refresh_from_db()
    assert order.shipping_customer_name == "John Roe"


def test_csv_import_strips_controls(merchant, owner, world):
    header = "order_number,customer_name,country_code,province,city,zip,address,sku,quantity"
    row = f"CTRL-CSV,Jane{ESC}[1m Doe,US,CA,Los Angeles,90001,{RLO}1 Main St{BEL},{world.red.sku},1"
    job = csv_import_job(merchant, owner, f"{header}\r\n{row}\r\n")

    tasks.orders_csv_import.call(job_id=job.pk)

    order = Order.objects.get(order_number="CTRL-CSV")
    assert (order.shipping_customer_name, order.shipping_address) == ("Jane[1m Doe", "1 Main St")


def test_store_sync_strips_controls(merchant, world):
    store = make_store(merchant=merchant, name="Acme Shop")
    (v1,) = import_variants(store, ("V1", world.red.sku))
    connect(store, v1, world.red)
    address = us_address(**DIRTY_ADDRESS)

    store_services.store_order_ingest(
        store=store, order=platform_order("9001", ("V1", 1), address=address), via="webhook"
    )

    assert _stored(Order.objects.get(store_order_id="9001")) == CLEAN_ADDRESS


def test_product_and_store_names_strip_controls(merchant, owner):
    operator = make_operator(role="admin")
    product = catalog_services.product_create(
        actor=operator,
        name=f"Tee{RLO} shirt{BEL}",
        category=make_category_path(),
        variants=[{"price_minor": 1000, "weight_g": 100}],
    )
    catalog_services.product_update(product=product, actor=operator, name=f"{ESC}Tee  2")
    store = make_store(merchant=merchant, name=f"Acme{LRI} Shop{PDI}")

    product.refresh_from_db()
    assert (product.name, store.name) == ("Tee 2", "Acme Shop")


def test_packing_slip_carries_no_control_or_bidi_character(client, merchant, owner, world):
    order = services.order_create(
        merchant=merchant, actor=owner, **order_item((world.red, 1), **DIRTY_ADDRESS)
    )
    parcel = make_parcel(merchant=merchant, order=order)
    client.force_login(make_operator(role="warehouse"))

    response = client.get(reverse("fulfillment_ops:packing_slip", args=[parcel.public_id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Jane[31m Doe" in html
    assert [ch for ch in FORBIDDEN if ch in html] == []


def test_an_order_number_with_a_control_character_is_refused(merchant, owner, world):
    with pytest.raises(OrderInvalid) as refused:
        services.order_create(
            merchant=merchant, actor=owner, **order_item((world.red, 1), number=f"A{BEL}1")
        )

    assert (refused.value.code, refused.value.message) == (
        1603000,
        "orderNumber contains a control or bidi character",
    )
    assert Order.objects.count() == 0


def test_variant_options_strip_controls():
    operator = make_operator(role="admin")
    product = catalog_services.product_create(
        actor=operator,
        name="Tee",
        category=make_category_path(),
        variants=[{"price_minor": 1000, "weight_g": 100, "options": {f"Colo{RLO}r": f"Red{ESC}"}}],
    )

    assert product.variants.get().options == {"Color": "Red"}


# --- Remarks (core.text.clean_text: free text keeps its lines) ----------------------------------

DIRTY_REMARK = f"Gift{ESC}[5m wrap{BEL}\r\n{RLO}please{LRI} ring{PDI}"
CLEAN_REMARK = "Gift[5m wrap\nplease ring"


def test_api_order_remark_is_stored_without_controls(cj, api_key, world):
    cj.get_access_token(api_key)
    order_body = body(world, "CTRL-REMARK", remark=DIRTY_REMARK)

    answer = cj.post("shopping/order/createOrderV2", order_body)

    assert Order.objects.get(order_number="CTRL-REMARK").remark == CLEAN_REMARK
    detail = cj.get("shopping/order/getOrderDetail", {"orderId": answer.ok()["orderId"]}).ok()
    assert detail["remark"] == CLEAN_REMARK


def test_order_form_remark_is_stored_without_controls(client, owner, merchant, world):
    client.force_login(owner)
    lines = {"lines-0-variant": world.red.sku, "lines-0-quantity": "1"}

    response = client.post(
        reverse("orders:new"), _manual(order_number="CTRL-FORM", remark=DIRTY_REMARK, **lines)
    )

    order = Order.objects.get(merchant=merchant, order_number="CTRL-FORM")
    assert response.status_code == 302
    assert order.remark == CLEAN_REMARK
