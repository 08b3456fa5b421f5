"""Exactly-once store order intake while workers die: real ``dropyard worker`` processes.

A shopper process places 1,000 orders on a Sandbox store, one by one, while two workers send
the shop's signed ``orders/create`` webhooks to Dropyard's receiver (in process: the worker's
HTTP call runs the receiver's view) and import them. Every 10th order's webhook is sent twice
(a platform's redelivery), and every 100th order a poll of the store is enqueued, so the poll
picks up orders whose webhook has not run yet and orders already imported. One worker is
SIGKILLed after about 300 imports and the other after about 600; each is restarted at once, as
``Restart=always`` would. When every task has run: exactly 1,000 Dropyard orders, one per shop
order, each with its inbox row imported; none lost, none twice.

The database queue only (the RQ path of recovery is covered by ``core``'s kill tests), on the
suite's database. Prints a ``KILL-REPORT`` line (``-s``): duplicates dropped, orders first seen
by a poll, wall time.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from dropyard.core.testing.workers import (
    TASK_TABLE,
    Cluster,
    base_env,
    postgres_url,
    sqlite_template,
)

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
ORDERS = 1000
pytestmark = pytest.mark.django_db(transaction=True) if ON_POSTGRES else []

SETUP = """
import json
from dropyard.accounts.tests.factories import make_merchant
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.models import SandboxShop, SandboxShopVariant
merchant = make_merchant(business_name="Intake kill test")
world = make_order_world(stock={orders} + 100)
store = services.sandbox_store_create(merchant=merchant, actor=merchant.owner, name="Kill shop")
services.store_listing_push(
    store=store, variants=[world.red], prices={{world.red.pk: 1999}}, actor=merchant.owner)
shop = SandboxShop.objects.get(slug=store.domain)
variant = SandboxShopVariant.objects.get(shop=shop, sku=world.red.sku)
print(json.dumps({{"store_id": store.pk, "shop_id": shop.pk, "variant_id": variant.pk}}))
"""

# The shopper: orders one at a time, as a storefront would; replays and polls in between.
SHOPPER = """
import django
django.setup()
from dropyard.stores.models import SandboxShop
from dropyard.stores.sandbox import shop as sandbox_shop
from dropyard.stores.sandbox.tasks import sandbox_webhook_send
from dropyard.stores.tasks import store_poll_run
from dropyard.stores.tests.sandbox_world import SHOPPER
shop = SandboxShop.objects.get(pk={shop_id})
for n in range({orders}):
    order = sandbox_shop.order_place(shop=shop, quantities={{{variant_id}: 1}}, customer=SHOPPER)
    if n % 10 == 5:
        sandbox_webhook_send.enqueue(order_id=order.pk, topic=sandbox_shop.TOPIC_ORDER_CREATE)
    if n % 100 == 50:
        store_poll_run.enqueue(store_id={store_id})
print("placed", {orders})
"""


@pytest.fixture
def cluster(tmp_path_factory, tmp_path: Path):
    if ON_POSTGRES:
        database_url, sqlite_path = postgres_url(connection.settings_dict), None
    else:
        sqlite_path = tmp_path / "intake.sqlite3"
        database_url = f"sqlite:///{sqlite_path}"
    env = base_env(data_dir=tmp_path / "data", database_url=database_url, backend="db")
    env["DROPYARD_SANDBOX_STORE_IN_PROCESS"] = "true"
    if sqlite_path is not None:
        folder = tmp_path_factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            folder = folder.parent  # shared with core's kill tests: one migration per run
        template = sqlite_template(folder, {**env, "DATABASE_URL": ""})
        sqlite_path.write_bytes(template.read_bytes())
    cluster = Cluster(env=env, tmp_path=tmp_path, sqlite_path=sqlite_path)
    try:
        yield cluster
    finally:
        cluster.stop_all()


def _count(cluster: Cluster, sql: str, *params) -> int:
    return int(cluster.query(sql, *params)[0][0])


def test_thousand_webhooks_with_replays_polls_and_two_killed_workers_make_one_order_each(
    cluster,
):
    ids = cluster.django(SETUP.format(orders=ORDERS))
    store_id = ids["store_id"]
    imported_sql = "SELECT COUNT(*) FROM stores_storeorder WHERE store_id = %s AND order_id > 0"
    started = time.monotonic()
    for worker_id in ("w1", "w2"):
        cluster.start(worker_id)
    with (cluster.tmp_path / "shopper.log").open("wb") as out:
        shopper = subprocess.Popen(
            [sys.executable, "-c", SHOPPER.format(orders=ORDERS, **ids)],
            env=cluster.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        for victim, after in (("w1", 300), ("w2", 600)):
            cluster.wait_for(
                lambda after=after: _count(cluster, imported_sql, store_id) >= after,
                what=f"{after} imported orders",
                timeout=300,
            )
            cluster.kill(victim)
            cluster.start(victim)  # Restart=always: back at once, under the same id
        assert shopper.wait(timeout=300) == 0, (cluster.tmp_path / "shopper.log").read_text()
        cluster.wait_for(
            lambda: (
                not cluster.query(
                    f"SELECT 1 FROM {TASK_TABLE} WHERE status IN ('READY', 'RUNNING')"
                )
            ),
            what="every task to run",
            timeout=300,
        )
    finally:
        if shopper.poll() is None:
            shopper.kill()
    wall = time.monotonic() - started

    placed = _count(
        cluster, "SELECT COUNT(*) FROM stores_sandboxshoporder WHERE shop_id = %s", ids["shop_id"]
    )
    inbox = cluster.query(
        "SELECT status, order_id, received_via FROM stores_storeorder WHERE store_id = %s",
        store_id,
    )
    orders = _count(
        cluster, "SELECT COUNT(*) FROM orders_order WHERE order_number LIKE %s", f"S{store_id}-%"
    )
    receipts = _count(
        cluster, "SELECT COUNT(*) FROM stores_storewebhookreceipt WHERE store_id = %s", store_id
    )
    sends = _count(
        cluster,
        f"SELECT COUNT(*) FROM {TASK_TABLE} WHERE task_path LIKE %s",
        "%sandbox_webhook_send",
    )
    failed = cluster.query(f"SELECT task_path FROM {TASK_TABLE} WHERE status = 'FAILED'")
    by_poll = sum(1 for *_, via in inbox if via == "poll")
    print(  # noqa: T201 (the figures)
        f"\nKILL-REPORT store-intake {'postgresql' if ON_POSTGRES else 'sqlite'}/db "
        f"orders={orders} webhook_sends={sends} receipts={receipts} "
        f"first_seen_by_poll={by_poll} wall={wall:.1f}s"
    )
    assert placed == ORDERS
    assert orders == ORDERS
    assert len(inbox) == ORDERS
    assert {status for status, *_ in inbox} == {"imported"}
    assert len({order_id for _, order_id, _ in inbox}) == ORDERS
    assert receipts == ORDERS  # every webhook arrived; replays and re-runs were dropped
    assert sends == ORDERS + ORDERS // 10
    assert failed == []
    assert "Traceback" not in cluster.log.read_text()
