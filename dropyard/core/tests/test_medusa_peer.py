"""The Medusa peer harness; the ``peer`` tests need a real Medusa 2.21.2 (DROPYARD_PEER_MEDUSA=1).

The first tests check the harness's sharing and stopping without Medusa. The ``peer`` tests check
what the stores adapter will rely on: the secret API key works as HTTP Basic on the admin API,
a product with option variants and USD prices round-trips, a shopper's store-API checkout shows
up in the admin's order list, and a fulfillment's shipment keeps its tracking number.
"""

import json
import os
import subprocess
import uuid

import pytest

from dropyard.core.testing.medusa_peer import MedusaPeer, PeerError, shared_peer, stop


def test_shared_peer_returns_the_store_another_process_started(tmp_path):
    recorded = MedusaPeer(url="http://127.0.0.1:9", pid=4242, log_dir="/tmp/x", secret_key="sk_1")
    (tmp_path / "state.json").write_text(json.dumps(recorded.as_dict()))

    assert shared_peer(tmp_path) == recorded


def test_shared_peer_repeats_an_earlier_failure_instead_of_starting_again(tmp_path):
    (tmp_path / "failed.txt").write_text("medusa start exited 1")

    with pytest.raises(
        PeerError, match="failed to start earlier in this run:\nmedusa start exited 1"
    ):
        shared_peer(tmp_path)

    assert not (tmp_path / "state.json").exists()


def test_stop_kills_the_whole_process_group():
    leader = subprocess.Popen(
        ["sh", "-c", "sleep 60 & echo $!; wait"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    child = int(leader.stdout.readline())

    stop(leader.pid, grace=5)

    assert leader.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(leader.pid, 0)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def make_tee(peer, *, colors=("Red", "Blue"), price=19.99):
    """A published two-variant tee in the seeded sales channel, without inventory tracking."""
    tag = uuid.uuid4().hex[:8].upper()  # SKUs and handles are unique across the whole run
    return peer.admin(
        "POST",
        "/admin/products",
        {
            "title": f"Tee {tag}",
            "handle": f"tee-{tag.lower()}",
            "status": "published",
            "options": [{"title": "Color", "values": list(colors)}],
            "sales_channels": [{"id": peer.sales_channel_id}],
            "variants": [
                {
                    "title": color,
                    "sku": f"TEE-{tag}-{color.upper()}",
                    "manage_inventory": False,
                    "options": {"Color": color},
                    "prices": [{"currency_code": "usd", "amount": price}],
                }
                for color in colors
            ],
        },
    )["product"]


@pytest.mark.peer
def test_the_admin_api_refuses_a_wrong_secret_key(medusa_peer):
    wrong = type(medusa_peer)(**{**medusa_peer.as_dict(), "secret_key": "sk_not-a-key"})

    with pytest.raises(PeerError, match="401"):
        wrong.admin("GET", "/admin/products")


@pytest.mark.peer
def test_a_two_variant_product_with_usd_prices_reads_back(medusa_peer):
    created = make_tee(medusa_peer)

    product = medusa_peer.admin(
        "GET",
        f"/admin/products/{created['id']}",
        params={"fields": "id,title,status,*variants,*variants.prices,*variants.options"},
    )["product"]
    variants = sorted(product["variants"], key=lambda variant: variant["sku"])
    tag = created["title"].removeprefix("Tee ")
    assert product["status"] == "published"
    assert [variant["sku"] for variant in variants] == [f"TEE-{tag}-BLUE", f"TEE-{tag}-RED"]
    assert [variant["options"][0]["value"] for variant in variants] == ["Blue", "Red"]
    assert [
        [(price["currency_code"], price["amount"]) for price in variant["prices"]]
        for variant in variants
    ] == [[("usd", 19.99)], [("usd", 19.99)]]


@pytest.mark.peer
def test_a_store_api_checkout_shows_up_in_the_admin_orders(medusa_peer):
    red, blue = make_tee(medusa_peer)["variants"]

    order_id = medusa_peer.place_store_order({red["id"]: 2, blue["id"]: 1})

    orders = medusa_peer.admin(
        "GET",
        "/admin/orders",
        params={"fields": "id,email,currency_code,total,*items,*shipping_address", "limit": 100},
    )["orders"]
    order = next(order for order in orders if order["id"] == order_id)
    assert order["email"] == "ada@peer.test"
    assert order["currency_code"] == "usd"
    assert sorted((item["variant_sku"], item["quantity"]) for item in order["items"]) == sorted(
        [(red["sku"], 2), (blue["sku"], 1)]
    )
    assert order["total"] == 64.97  # 3 x 19.99 + 5.00 flat shipping, no US tax rate
    assert order["shipping_address"]["postal_code"] == "62701"


@pytest.mark.peer
def test_a_shipment_keeps_its_tracking_number(medusa_peer):
    red, _ = make_tee(medusa_peer)["variants"]
    order_id = medusa_peer.place_store_order({red["id"]: 1})
    items = medusa_peer.admin("GET", f"/admin/orders/{order_id}", params={"fields": "*items"})[
        "order"
    ]["items"]
    lines = [{"id": item["id"], "quantity": item["quantity"]} for item in items]

    medusa_peer.admin(
        "POST",
        f"/admin/orders/{order_id}/fulfillments",
        {"items": lines, "location_id": medusa_peer.stock_location_id},
    )
    fulfillment = medusa_peer.admin(
        "GET", f"/admin/orders/{order_id}", params={"fields": "*fulfillments"}
    )["order"]["fulfillments"][0]
    medusa_peer.admin(
        "POST",
        f"/admin/orders/{order_id}/fulfillments/{fulfillment['id']}/shipments",
        {
            "items": lines,
            "labels": [
                {
                    "tracking_number": "1Z999AA10123456784",
                    "tracking_url": "https://track.example/1Z999AA10123456784",
                    "label_url": "https://labels.example/1.pdf",
                }
            ],
        },
    )

    order = medusa_peer.admin(
        "GET",
        f"/admin/orders/{order_id}",
        params={"fields": "id,fulfillment_status,*fulfillments,*fulfillments.labels"},
    )["order"]
    assert order["fulfillment_status"] == "shipped"
    assert [
        (label["tracking_number"], label["tracking_url"])
        for label in order["fulfillments"][0]["labels"]
    ] == [("1Z999AA10123456784", "https://track.example/1Z999AA10123456784")]
    assert order["fulfillments"][0]["shipped_at"] is not None
