"""createOrderV2/V3's store fields linked to real stores (``storeName`` → a ``StoreOrder`` link,
``storeLineItemId`` and ``platform`` kept), and a staff member's store scope on order pages."""

import pytest
from django.urls import reverse

from dropyard.accounts.models import Membership
from dropyard.accounts.tests.factories import make_staff
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import Platform, ReceivedVia, StoreOrderStatus
from dropyard.stores.models import StoreOrder
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order

pytestmark = pytest.mark.django_db

V2 = "shopping/order/createOrderV2"
V3 = "shopping/order/createOrderV3"


@pytest.fixture
def world():
    return make_order_world()


@pytest.fixture
def token(cj, api_key) -> str:
    cj.get_access_token(api_key).ok()
    return cj.access_token


@pytest.fixture
def store(merchant):
    return make_store(merchant=merchant, name="Tee Shop")


def _body(world, number="W-1", **overrides):
    data = {
        "orderNumber": number,
        "shippingCountryCode": "US",
        "shippingCountry": "United States",
        "shippingProvince": "CA",
        "shippingCity": "Los Angeles",
        "shippingZip": "90001",
        "shippingAddress": "1 Main Street",
        "shippingCustomerName": "Jane Doe",
        "shippingPhone": "+1 213 555 0100",
        "payType": 3,
        "products": [{"vid": world.red.public_id, "quantity": 1, "storeLineItemId": "LI-7"}],
    }
    data.update(overrides)
    return data


# --- createOrderV2 / V3 -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [V2, V3])
def test_store_name_of_a_store_links_the_order(cj, token, world, store, path):
    data = cj.post(path, _body(world, storeName="  tee SHOP ", platform="shopify")).ok()

    order = Order.objects.get(public_id=data["orderId"])
    link = StoreOrder.objects.get()
    assert (link.store, link.order, link.received_via, link.status) == (
        store,
        order,
        ReceivedVia.API,
        StoreOrderStatus.IMPORTED,
    )
    assert (link.platform_order_id, link.platform_order_name) == ("api:W-1", "W-1")
    assert (order.store_name, order.platform) == ("tee SHOP", "shopify")
    assert order.lines.get().store_line_item_id == "LI-7"
    assert data["productInfoList"][0]["storeLineItemId"] == "LI-7"


@pytest.mark.parametrize("store_name", ["", "Mug Shop", "Their Shop"])
def test_store_name_of_no_store_of_the_merchant_links_nothing(
    cj, token, world, store, other_merchant, store_name
):
    make_store(merchant=other_merchant, name="Their Shop")
    body = _body(world, storeName=store_name) if store_name else _body(world)

    data = cj.post(V2, body).ok()

    assert Order.objects.get(public_id=data["orderId"]).store_name == store_name
    assert not StoreOrder.objects.exists()


def test_an_ambiguous_store_name_is_settled_by_platform(cj, token, world, merchant, store):
    sandbox = make_store(merchant=merchant, name="Tee Shop", platform=Platform.SANDBOX)

    cj.post(V2, _body(world, "W-1", storeName="Tee Shop")).ok()
    assert not StoreOrder.objects.exists()
    cj.post(V2, _body(world, "W-2", storeName="Tee Shop", platform="sandbox")).ok()
    assert StoreOrder.objects.get().store == sandbox


def test_a_disconnected_store_is_not_linked(cj, token, world, merchant, owner, store):
    services.store_disconnect(store=store, merchant=merchant, actor=owner)

    cj.post(V2, _body(world, storeName="Tee Shop")).ok()

    assert not StoreOrder.objects.exists()


def test_a_refused_order_leaves_no_link(cj, token, world, store):
    body = _body(world, storeName="Tee Shop", shippingCountryCode="XX")

    cj.post(V2, body).error(1603000)

    assert not StoreOrder.objects.exists()
    assert not Order.objects.exists()


def test_a_member_token_links_only_to_the_members_stores(cj, api_key, merchant, world, store):
    mine = make_store(merchant=merchant, name="Mine")
    user = make_staff(merchant=merchant, permissions=["orders"])
    Membership.objects.filter(user=user).update(store_ids=[mine.pk])
    cj.get_access_token(api_key, email=user.email).ok()

    cj.post(V2, _body(world, "W-1", storeName="Tee Shop")).ok()
    cj.post(V2, _body(world, "W-2", storeName="Mine")).ok()

    assert [(s.store.name, s.order.order_number) for s in StoreOrder.objects.all()] == [
        ("Mine", "W-2")
    ]


# --- A staff member's store scope on order pages ----------------------------------------------


def _store_order(store, world, order_id):
    (sv,) = import_variants(store, (f"V{order_id}", f"S-{order_id}"))
    connect(store, sv, world.red)
    services.store_order_ingest(
        store=store, order=platform_order(order_id, (f"V{order_id}", 1)), via=ReceivedVia.WEBHOOK
    )
    return StoreOrder.objects.get(store=store, platform_order_id=order_id).order


def test_staff_limited_to_stores_sees_only_their_orders(
    client, cj, token, merchant, owner, world, store
):
    other = make_store(merchant=merchant, name="Other")
    mine = _store_order(store, world, "1001")
    theirs = _store_order(other, world, "2001")
    via_api = Order.objects.get(
        public_id=cj.post(V2, _body(world, "W-1", storeName="Tee Shop")).ok()["orderId"]
    )
    manual = Order.objects.get(public_id=cj.post(V2, _body(world, "W-2")).ok()["orderId"])
    user = make_staff(merchant=merchant, permissions=["orders"])
    Membership.objects.filter(user=user).update(store_ids=[store.pk])
    client.force_login(user)

    listing = client.get(reverse("orders:list")).content.decode()

    assert mine.order_number in listing
    assert via_api.order_number in listing
    assert theirs.order_number not in listing
    assert manual.order_number not in listing
    assert client.get(reverse("orders:detail", args=[mine.public_id])).status_code == 200
    assert client.get(reverse("orders:detail", args=[theirs.public_id])).status_code == 404
    assert client.get(reverse("orders:detail", args=[manual.public_id])).status_code == 404
    assert client.post(reverse("orders:delete", args=[theirs.public_id])).status_code == 404
    assert Order.objects.filter(pk=theirs.pk).exists()

    client.force_login(owner)
    listing = client.get(reverse("orders:list")).content.decode()
    assert all(o.order_number in listing for o in (mine, theirs, via_api, manual))
    assert client.get(reverse("orders:detail", args=[theirs.public_id])).status_code == 200


def test_a_member_token_reaches_only_its_stores_orders(cj, api_key, merchant, world, store):
    other = make_store(merchant=merchant, name="Other")
    mine = _store_order(store, world, "1001")
    theirs = _store_order(other, world, "2001")
    user = make_staff(merchant=merchant, permissions=["orders"])
    Membership.objects.filter(user=user).update(store_ids=[store.pk])
    cj.get_access_token(api_key, email=user.email).ok()

    listed = cj.get("shopping/order/list", {"pageSize": 50}).ok()
    assert [o["orderId"] for o in listed["list"]] == [mine.public_id]
    assert listed["total"] == 1
    detail = cj.get("shopping/order/getOrderDetail", {"orderId": mine.public_id}).ok()
    assert detail["orderId"] == mine.public_id
    cj.get("shopping/order/getOrderDetail", {"orderId": theirs.public_id}).error(1603100)
    cj.delete("shopping/order/deleteOrder", params={"orderId": theirs.public_id}).error(1603100)
    assert Order.objects.filter(pk=theirs.pk).exists()

    cj.get_access_token(api_key).ok()  # the API key alone acts for the whole account
    assert cj.get("shopping/order/list", {"pageSize": 50}).ok()["total"] == 2
