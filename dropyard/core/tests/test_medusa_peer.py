"""The Medusa peer harness; the ``peer`` tests need a real Medusa 2.21.2 (DROPYARD_PEER_MEDUSA=1).

The first tests check the harness's sharing and stopping without Medusa. The ``peer`` tests check
the seeded store itself: the secret API key works as HTTP Basic on the admin API and a product
with option variants and USD prices round-trips. A shopper's store-API checkout
(``place_store_order``) and a shipment's tracking number are exercised through the stores
adapter in ``dropyard/stores/tests/test_medusa_peer_adapter.py`` and ``test_medusa_e2e.py`` (each
checkout costs seconds, so the peer tests place as few orders as they can).
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
