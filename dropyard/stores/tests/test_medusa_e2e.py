"""End to end against a real Medusa 2.21.2 (``medusa_peer``; DROPYARD_PEER_MEDUSA=1, mandatory
under CI=true): connect with the secret key → list a 2-variant product with a pricing rule
(the listing job) → a shopper buys it through Medusa's store API → polling imports it exactly
once → paid from the wallet → picked, packed and shipped with the Sandbox carrier → the
tracking is pushed back (the tracking push service) → Medusa's order shows the fulfillment
shipped with that tracking number."""

import uuid

import pytest

from dropyard.accounts.tests.factories import make_operator
from dropyard.catalog.tests.factories import VariantFactory
from dropyard.checkout import services as checkout_services
from dropyard.fulfillment import services as fulfillment
from dropyard.inventory.tests.factories import make_stock
from dropyard.logistics import carriers
from dropyard.logistics.tests.factories import make_cart_variant, sandbox_carrier
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderSource, OrderStatus
from dropyard.orders.models import Order, Parcel
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import Platform, StoreOrderStatus
from dropyard.stores.models import ProductConnection, StoreOrder, TrackingPush
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = [pytest.mark.peer, pytest.mark.django_db]

RED_PRICE, BLUE_PRICE = 2099, 2499  # the pricing rule's sale prices, in cents


def _two_variant_product():
    """A Dropyard product with two variants (run-unique SKUs: the store is shared by every
    test of the run) and stock in the world's Shenzhen warehouse."""
    world = make_order_world(stock=0)
    tag = uuid.uuid4().hex[:8].upper()
    red = make_cart_variant(
        sku=f"E2E-{tag}-RED", options={"Color": "Red"}, price_minor=1000, weight_g=250
    )
    blue = VariantFactory(
        product=red.product,
        sku=f"E2E-{tag}-BLUE",
        options={"Color": "Blue"},
        price_minor=1200,
        weight_g=300,
        position=1,
    )
    for variant in (red, blue):
        make_stock(variant=variant, warehouse=world.cn, on_hand=50)
    return world, red, blue


def test_a_medusa_order_goes_round_the_loop(medusa_peer, merchant, owner, tasks):
    world, red, blue = _two_variant_product()

    # 1. Connect with the secret key; list the product (both variants, one Medusa product).
    store = services.medusa_store_connect(
        merchant=merchant,
        actor=owner,
        base_url=medusa_peer.url,
        api_key=medusa_peer.secret_key,
        name="Peer Medusa",
    )
    assert (store.platform, store.currency) == (Platform.MEDUSA, "USD")
    # The store's pricing rule: twice the cost, ending in .99 (10.00 → 20.99, 12.00 → 24.99).
    services.pricing_rule_create(
        merchant=merchant, actor=owner, store=store, multiplier_bp=20_000, rounding="99"
    )
    (job,) = services.listing_start(
        merchant=merchant,
        actor=owner,
        draft=services.ListingDraft(
            product=red.product, variants=[red, blue], title="Peer tee", description_html=""
        ),
        stores=[store],
    )
    services.listing_run(job_id=job.pk)  # the job's body, as the worker runs it
    connections = {
        c.variant.sku: c.store_variant for c in ProductConnection.objects.filter(store=store)
    }
    assert sorted(connections) == sorted([red.sku, blue.sku])
    (product_id,) = {sv.platform_product_id for sv in connections.values()}
    stored = medusa_peer.admin(
        "GET", f"/admin/products/{product_id}", params={"fields": "id,*variants,*variants.prices"}
    )["product"]
    assert sorted(
        (v["sku"], [(p["currency_code"], str(p["amount"])) for p in v["prices"]])
        for v in stored["variants"]
    ) == sorted([(red.sku, [("usd", "20.99")]), (blue.sku, [("usd", "24.99")])])

    # 2. A shopper buys 2 red and 1 blue through Medusa's store API.
    medusa_order_id = medusa_peer.place_store_order(
        {
            connections[red.sku].platform_variant_id: 2,
            connections[blue.sku].platform_variant_id: 1,
        }
    )

    # 3. Polling imports it, once, however often it runs.
    services.store_poll(store_id=store.pk)
    services.store_poll(store_id=store.pk)
    row = StoreOrder.objects.get(store=store, platform_order_id=medusa_order_id)
    assert row.status == StoreOrderStatus.IMPORTED
    order = Order.objects.get(merchant=merchant)  # the only one: others of the run are held
    assert row.order == order
    assert StoreOrder.objects.filter(platform_order_id=medusa_order_id).count() == 1
    assert (order.source, order.platform, order.store_name, order.store_order_id) == (
        OrderSource.STORE,
        "medusa",
        "Peer Medusa",
        medusa_order_id,
    )
    assert order.shop_amount_minor == 2 * RED_PRICE + BLUE_PRICE + 500  # + 5.00 shipping
    assert (order.shipping_customer_name, order.shipping_zip, order.shipping_country_code) == (
        "Ada Shopper",
        "62701",
        "US",
    )
    assert sorted((line.variant.sku, line.quantity) for line in order.lines.all()) == sorted(
        [(red.sku, 2), (blue.sku, 1)]
    )

    # 4. Paid from the wallet through the checkout service.
    fund(merchant, owner, 200_00)
    order_services.cart_confirm(merchant=merchant, orders=[order], actor=owner)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED

    # 5. The warehouse picks, packs and ships it with the Sandbox carrier.
    worker = make_operator(role="warehouse")
    carrier = sandbox_carrier()
    world.cn.carriers.add(carrier)
    parcel = Parcel.objects.get(orders=order)
    fulfillment.parcel_start_picking(parcels=[parcel], actor=worker)
    parcel.refresh_from_db()
    fulfillment.parcel_pack(
        parcel=parcel, measured_weight_g=fulfillment.parcel_computed_weight_g(parcel), actor=worker
    )
    fulfillment.parcel_ship(parcel=parcel, actor=worker, carrier=carrier)
    parcel.refresh_from_db()
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    number = parcel.tracking_number
    assert number

    # 6. Tracking push-back: what the task the shipment enqueues after its commit runs
    # (DROPYARD_STORE_PARCEL_TASKS). The carrier, tracking number and URL reach the store.
    assert services.tracking_push_parcel(parcel_id=parcel.pk) == ["pushed"]
    push = TrackingPush.objects.get(parcel=parcel)
    assert (push.status, push.tracking_number) == ("pushed", number)
    assert push.tracking_url == carriers.tracking_url(carrier, number)
    fulfillment_id = push.platform_fulfillment_id

    # 7. Medusa's order shows the fulfillment shipped with that tracking number.
    shown = medusa_peer.admin(
        "GET",
        f"/admin/orders/{medusa_order_id}",
        params={"fields": "id,fulfillment_status,*fulfillments,*fulfillments.labels"},
    )["order"]
    assert shown["fulfillment_status"] == "shipped"
    (made,) = shown["fulfillments"]
    assert made["id"] == fulfillment_id
    assert made["shipped_at"] is not None
    assert [label["tracking_number"] for label in made["labels"]] == [number]
