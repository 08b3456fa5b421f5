"""The Medusa adapter against a real Medusa 2.21.2 (the ``medusa_peer`` fixture: run with
DROPYARD_PEER_MEDUSA=1; mandatory under CI=true). Each test makes its own product with
run-unique SKUs, since every test of the run shares one store. Reads back through the peer's
own admin calls, not through the adapter, so a mapping mistake cannot hide itself."""

import uuid

import pytest

from dropyard.stores.adapters.base import (
    PlatformFulfillment,
    PlatformProduct,
    PlatformVariant,
    StoreContext,
)
from dropyard.stores.adapters.medusa import MedusaAdapter

pytestmark = pytest.mark.peer


@pytest.fixture(scope="module")
def adapter(medusa_peer):
    """The adapter as a connected store gets it: credentials completed by ``authorize``."""
    first = MedusaAdapter(
        StoreContext(
            platform="medusa",
            domain=medusa_peer.url,
            currency="",
            credentials={"api_key": medusa_peer.secret_key},
        )
    )
    shop = first.shop()
    return MedusaAdapter(
        StoreContext(
            platform="medusa",
            domain=medusa_peer.url,
            currency=shop.currency,
            credentials=first.authorize(),
        )
    )


def tee(red_minor: int = 1999, blue_minor: int = 2450) -> PlatformProduct:
    tag = uuid.uuid4().hex[:8].upper()
    return PlatformProduct(
        platform_product_id="",
        title=f"Peer Tee {tag}",
        description_html="<p>Soft cotton.</p>",
        image_urls=(f"https://img.example/tee-{tag}.jpg",),
        variants=(
            PlatformVariant("", "", f"PT-{tag}-RED", "Peer Tee", "Red", red_minor),
            PlatformVariant("", "", f"PT-{tag}-BLUE", "Peer Tee", "Blue", blue_minor),
        ),
    )


def _read_product(peer, product_id):
    return peer.admin(
        "GET",
        f"/admin/products/{product_id}",
        params={"fields": "id,title,status,*variants,*variants.prices,*images,*sales_channels"},
    )["product"]


def test_the_shop_behind_the_key_is_the_seeded_store(adapter, medusa_peer):
    assert adapter.context.currency == "USD"
    assert dict(adapter.context.credentials) == {
        "api_key": medusa_peer.secret_key,
        "location_id": medusa_peer.stock_location_id,
        "sales_channel_id": medusa_peer.sales_channel_id,
    }


def test_a_two_variant_listing_reads_back_with_exact_prices_and_updates_in_place(
    adapter, medusa_peer
):
    product = tee(red_minor=1999, blue_minor=2010)

    result = adapter.listing_upsert(product)

    red_sku, blue_sku = (v.sku for v in product.variants)
    stored = _read_product(medusa_peer, result.platform_product_id)
    variants = {v["sku"]: v for v in stored["variants"]}
    assert dict(result.variant_ids_by_sku) == {sku: variants[sku]["id"] for sku in variants}
    assert (stored["title"], stored["status"]) == (product.title, "published")
    assert [s["id"] for s in stored["sales_channels"]] == [medusa_peer.sales_channel_id]
    assert [i["url"] for i in stored["images"]] == list(product.image_urls)
    assert {
        sku: [(p["currency_code"], str(p["amount"])) for p in v["prices"]]
        for sku, v in variants.items()
    } == {
        red_sku: [("usd", "19.99")],
        blue_sku: [("usd", "20.1")],
    }
    # A retry that lost the answer (no product id known) finds the product by its SKUs.
    assert adapter.listing_upsert(product) == result
    # Listing again (a re-price, one more variant) updates the same product in place.
    green_sku = red_sku.replace("-RED", "-GREEN")
    again = adapter.listing_upsert(
        relisted(
            product, red_minor=2199, green=PlatformVariant("", "", green_sku, "", "Green", 1500)
        ),
        platform_product_id=result.platform_product_id,
    )
    variants = {
        v["sku"]: v for v in _read_product(medusa_peer, result.platform_product_id)["variants"]
    }
    assert again.platform_product_id == result.platform_product_id
    assert dict(again.variant_ids_by_sku) == {sku: variants[sku]["id"] for sku in variants}
    assert {sku: [str(p["amount"]) for p in v["prices"]] for sku, v in variants.items()} == {
        red_sku: ["21.99"],
        blue_sku: ["20.1"],
        green_sku: ["15"],
    }
    # And the adapter's own catalog read gives the same, in minor units.
    found = _find_product(adapter, result.platform_product_id)
    assert sorted((v.sku, v.variant_title, v.price_minor) for v in found.variants) == sorted(
        [(red_sku, "Red", 2199), (blue_sku, "Blue", 2010), (green_sku, "Green", 1500)]
    )


def relisted(
    product: PlatformProduct, *, red_minor: int, green: PlatformVariant
) -> PlatformProduct:
    red, blue = product.variants
    return PlatformProduct(
        platform_product_id="",
        title=product.title,
        description_html=product.description_html,
        image_urls=product.image_urls,
        variants=(
            PlatformVariant("", "", red.sku, red.title, red.variant_title, red_minor),
            blue,
            green,
        ),
    )


def _find_product(adapter, product_id):
    cursor = ""
    while True:
        page = adapter.products_page(cursor)
        for product in page.items:
            if product.platform_product_id == product_id:
                return product
        if not page.next_cursor:
            raise AssertionError(f"{product_id} not in the catalog pages")
        cursor = page.next_cursor


def test_a_shopper_order_arrives_through_orders_since_and_ships_with_its_tracking(
    adapter, medusa_peer
):
    """One order for both round trips (a store-API checkout costs seconds on 2 cores)."""
    product = tee()
    listed = adapter.listing_upsert(product)
    red_sku, blue_sku = (v.sku for v in product.variants)
    red_id, blue_id = listed.variant_ids_by_sku[red_sku], listed.variant_ids_by_sku[blue_sku]
    cursor = adapter.orders_since("").next_cursor

    order_id = medusa_peer.place_store_order({red_id: 2, blue_id: 1})

    page = adapter.orders_since(cursor)
    (order,) = [o for o in page.items if o.platform_order_id == order_id]
    assert sorted(
        (line.platform_variant_id, line.sku, line.quantity, line.unit_price_minor)
        for line in order.lines
    ) == sorted([(red_id, red_sku, 2, 1999), (blue_id, blue_sku, 1, 2450)])
    assert order.total_minor == 2 * 1999 + 2450 + 500  # and the 5.00 flat shipping
    assert (order.currency, order.paid, order.cancelled) == ("USD", True, False)
    assert (order.address.shipping_customer_name, order.address.shipping_zip) == (
        "Ada Shopper",
        "62701",
    )
    assert order.address.shipping_country_code == "US"
    # Polled again from where the page stopped: nothing new.
    assert order_id not in [
        o.platform_order_id for o in adapter.orders_since(page.next_cursor).items
    ]

    push = PlatformFulfillment(
        platform_order_id=order_id,
        carrier="Sandbox",
        tracking_number="SBX0000000042",
        tracking_url="https://track.example/SBX0000000042",
    )
    fulfillment_id = adapter.fulfillment_push(push)

    shown = medusa_peer.admin(
        "GET",
        f"/admin/orders/{order_id}",
        params={
            "fields": "id,fulfillment_status,*fulfillments,*fulfillments.items,*fulfillments.labels"
        },
    )["order"]
    (fulfillment,) = shown["fulfillments"]
    assert shown["fulfillment_status"] == "shipped"
    assert fulfillment["id"] == fulfillment_id
    assert fulfillment["shipped_at"] is not None
    assert fulfillment["location_id"] == medusa_peer.stock_location_id
    assert fulfillment["metadata"] == {"carrier": "Sandbox", "source": "dropyard"}
    assert [
        (label["tracking_number"], label["tracking_url"]) for label in fulfillment["labels"]
    ] == [("SBX0000000042", "https://track.example/SBX0000000042")]
    assert sorted((i["line_item_id"], i["quantity"]) for i in fulfillment["items"]) == sorted(
        (line.platform_line_id, line.quantity) for line in order.lines
    )
    # A retried push finds the shipment instead of making a second one.
    assert adapter.fulfillment_push(push) == fulfillment_id
    adapter.mark_delivered(platform_order_id=order_id, platform_fulfillment_id=fulfillment_id)
    adapter.mark_delivered(platform_order_id=order_id, platform_fulfillment_id=fulfillment_id)
    after = medusa_peer.admin(
        "GET", f"/admin/orders/{order_id}", params={"fields": "id,fulfillment_status,*fulfillments"}
    )["order"]
    assert after["fulfillment_status"] == "delivered"
    assert len(after["fulfillments"]) == 1


def test_price_and_inventory_update_at_the_stock_location(adapter, medusa_peer):
    listed = adapter.listing_upsert(tee())
    red_id = next(iter(listed.variant_ids_by_sku.values()))

    adapter.price_inventory_update(platform_variant_id=red_id, price_minor=2599, available=7)
    adapter.price_inventory_update(platform_variant_id=red_id, price_minor=None, available=3)

    variant = medusa_peer.admin(
        "GET",
        "/admin/product-variants",
        params={
            "id": red_id,
            "fields": "id,manage_inventory,*prices,*inventory_items.inventory.location_levels",
        },
    )["variants"][0]
    levels = variant["inventory_items"][0]["inventory"]["location_levels"]
    assert variant["manage_inventory"] is True
    assert [(p["currency_code"], str(p["amount"])) for p in variant["prices"]] == [("usd", "25.99")]
    assert [
        (lv["location_id"], lv["stocked_quantity"], lv["available_quantity"]) for lv in levels
    ] == [(medusa_peer.stock_location_id, 3, 3)]
