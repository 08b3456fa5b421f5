"""API order flow over HTTP: create, pay, fulfil against ``dropyard serve``, 1 and 8 clients.

    .venv/bin/python bench/api_flow.py --database sqlite|postgres [--clients 1,8] [--orders 200]
        [--merchants M] [--mixed] [--webhooks] [--variants 20] [--workers 4] [--threads 4]
        [--retries 0] [--noop setting/get] [--log-lock-waits] [--pg-log PATH] [--fresh]

1. Set-up, in this process, in a throwaway database (SQLite ``/tmp/dropyard_api_flow.sqlite3``
   or PostgreSQL ``dropyard_api_flow``): the demo data with a small catalog
   (``demo.loader.demo_load(products=--products)``: products, platform stock, rate cards, the
   Sandbox carrier), a pool of ``--variants`` on-sale variants (one per product, no special
   properties) with platform stock in a CN warehouse that ``freight_quote`` ships to the US,
   and per run an API key per client (``accounts.services.apikey_create``, what
   ``dropyard apikey`` uses) of a new merchant (``merchant_account_create``): one merchant per
   client by default, or ``--merchants M`` merchants the clients share (``--merchants 1``: every
   client works for the same merchant, like one merchant's ERP with 8 workers). Sandbox money is
   on (``DROPYARD_SANDBOX_PAYMENTS=1``) and the API rate limits are off (``_common``), for the
   server too.
2. Start the real server as subprocesses in the same environment: ``dropyard serve`` (gunicorn,
   ``--workers`` processes × ``--threads`` threads, on a free port of 127.0.0.1) and one
   ``dropyard worker`` (the task queue: the Sandbox carrier's ticks, webhook deliveries). Their
   stderr goes to ``/tmp/dropyard_api_flow-{serve,worker}.log`` (overwritten by the next
   invocation); both are stopped (SIGTERM) at the end.
3. For each ``--clients`` count in turn (default 1 then 8, same server), ``--orders`` orders
   split over that many client threads, each with its own ``httpx.Client`` and access token
   (``authentication/getAccessToken``), each order one line of quantity 1 (a variant drawn
   from the pool) to a US address:
   - **phase A, creation and payment** (5 calls per order): ``shopping/order/createOrderV2``
     (payType 3, isSandbox 1) → ``addCart`` → ``addCartConfirm`` → ``saveGenerateParentOrder``
     → ``shopping/sandbox/simulatePay`` (the sandbox provider: no wallet, no ledger);
   - **phase B, fulfilment** (3 calls per order), for every order phase A paid:
     ``shopping/sandbox/updateStatus`` 400 (the warehouse starts picking) → 500 (picked, packed
     and shipped with a tracking number: the same ``fulfillment`` services the warehouse uses)
     → 600 (the carrier delivers: the tracking journey is played to its end, and its tracking
     status changes are applied to the parcel and the order before the call answers);
   - **no-op**: the cheapest authenticated read (``--noop``, default ``setting/get``: the token
     look-up and the account's settings, no write), as many calls as phase A made.
   With ``--mixed``, phases A and B are one phase instead: each client creates, pays and
   fulfils an order before its next one, so creation and fulfilment of different orders
   overlap. Each phase starts on a barrier and is timed on its own. An order whose call fails
   (HTTP 5xx, an error envelope, an intercepted order, a transport error) is dropped from the
   rest of the flow, unless ``--retries`` repeats a call that answered 5xx or failed in
   transport. ``--webhooks``: every client sets order + logistics callbacks (``webhook/set``) to
   a local receiver that answers 200, so the worker delivers a message per change meanwhile.
4. Counts per phase: HTTP 5xx, error envelopes (``result`` false, and intercepted orders) by
   step and code, transport errors, p50/p95 latency per step. After each phase the database is
   read: the run's orders per status (every order UNSHIPPED/PENDING after A; DELIVERED after B
   — 600 is "delivered"; 700 "completed" would only add a history row), and how many orders
   whose ``updateStatus 600`` answered true are not DELIVERED (a lost change).
   ``deadlock detected`` is counted in the server's and the worker's stderr (one per logged
   ``OperationalError``, by where it was logged — an API operation: HTTP 500; an on-commit
   callback: an error logged and dropped; a task — and by what the victim waited for) and, on
   PostgreSQL, in the server log (``--pg-log``, default the newest ``/var/log/postgresql/*.log``)
   for this database only (``user@database`` in Debian's log line prefix, else the backend pids
   polled from ``pg_stat_activity``); every PostgreSQL deadlock report (DETAIL, CONTEXT,
   STATEMENT) is written to ``/tmp/dropyard_api_flow-deadlocks-<clients>-<phase>.txt`` and
   summarised by what the victim waited for and the statements in the cycle.
5. CPU per call: user+system CPU of the gunicorn master and its workers (``/proc``; a recycled
   worker's time is in the master's ``cutime``), of the task worker and, on PostgreSQL, of this
   database's backends, over each phase, divided by the phase's calls — beside the same for the
   no-op calls.

``--log-lock-waits`` sets ``log_lock_waits = on`` for this database only (``ALTER DATABASE``), so
the PostgreSQL log also names every lock wait longer than ``deadlock_timeout``; a run without it
resets the setting.
"""

import argparse
import functools
import glob
import http.server
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import PG_URL, Timer, configure, machine, percentile, say

NAME = "dropyard_api_flow"
API = "/api2.0/v1/"
CLK_TCK = os.sysconf("SC_CLK_TCK")
ADDRESS = {
    "shippingCountryCode": "US",
    "shippingCountry": "United States",
    "shippingProvince": "CA",
    "shippingCity": "Los Angeles",
    "shippingZip": "90001",
    "shippingAddress": "1 Main Street",
    "shippingCustomerName": "Jane Doe",
    "shippingPhone": "+1 213 555 0100",
}
PHASE_A = ("createOrderV2", "addCart", "addCartConfirm", "saveGenerateParentOrder", "simulatePay")
PHASE_B = ("updateStatus 400", "updateStatus 500", "updateStatus 600")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--clients", default="1,8", help="client counts, run in turn (1,8)")
    parser.add_argument("--orders", type=int, default=200, help="orders per run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--products", type=int, default=40, help="demo catalog size")
    parser.add_argument("--variants", type=int, default=20, help="variants orders draw from")
    parser.add_argument(
        "--merchants",
        type=int,
        default=0,
        help="merchants the clients share (default: one per client; 1: every client on one)",
    )
    parser.add_argument("--retries", type=int, default=0, help="repeats of a 5xx/transport error")
    parser.add_argument("--noop", default="setting/get", help="the no-op authenticated GET")
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="one phase: each order created, paid and fulfilled before the client's next one",
    )
    parser.add_argument(
        "--webhooks",
        action="store_true",
        help="every merchant sets order + logistics webhooks to a local receiver; the worker "
        "delivers them during the run",
    )
    parser.add_argument("--pg-log", default=None, help="PostgreSQL's log file")
    parser.add_argument("--log-lock-waits", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database first")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",") if c.strip()]

    os.environ["DROPYARD_SANDBOX_PAYMENTS"] = "1"
    if args.webhooks:  # the receiver is http://127.0.0.1 (refused otherwise, as it should be)
        os.environ["DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST"] = "1"
    load_before = os.getloadavg()
    with Timer() as setup:
        version = configure(database=args.database, name=NAME, fresh=args.fresh)
    say(f"{version}; {machine()}; migrate {setup.seconds:.1f} s")
    say(f"load average before: {_load(load_before)} (the machine is shared with other work)")
    postgres = args.database == "postgres"
    if postgres and args.log_lock_waits:
        _pg_execute(f'ALTER DATABASE "{NAME}" SET log_lock_waits = on')
    elif postgres:
        _pg_execute(f'ALTER DATABASE "{NAME}" RESET log_lock_waits')

    rng = random.Random(args.seed)
    with Timer() as loading:
        variants = _world(args.products, args.variants)
    say(f"demo data ({args.products} products), {len(variants)} variants: {loading.seconds:.1f} s")
    pg_log = (args.pg_log or _newest_pg_log()) if postgres else None

    run = f"{int(time.time())}"
    server = Server(workers=args.workers, threads=args.threads)
    receiver = Receiver() if args.webhooks else None
    poller = BackendPoller() if postgres else None
    results = []
    try:
        server.start()
        say(
            f"dropyard serve on {server.base} ({args.workers} workers × {args.threads} threads, "
            f"pid {server.serve.pid}) and dropyard worker (pid {server.worker.pid})"
        )
        if poller:
            poller.start()
        for clients in counts:
            results.append(
                _one_run(
                    args, clients=clients, run=f"{run}-{clients}", variants=variants, rng=rng,
                    server=server, poller=poller, pg_log=pg_log, receiver=receiver,
                )
            )  # fmt: skip
    finally:
        if poller:
            poller.stop()
        server.stop()
        if receiver:
            receiver.stop()
    say()
    _table(results)
    say(f"load average after: {_load(os.getloadavg())}")


# --- set-up --------------------------------------------------------------------------------------


def _world(products: int, wanted: int) -> list[str]:
    """Load the demo data; return public ids of on-sale variants with plenty of platform stock in
    a CN warehouse that can be shipped to the US (one per product, no special properties)."""
    from dropyard.catalog.models import Variant  # noqa: PLC0415 - after configure()
    from dropyard.demo.loader import demo_load  # noqa: PLC0415
    from dropyard.inventory.models import Stock  # noqa: PLC0415
    from dropyard.logistics.selectors import freight_quote  # noqa: PLC0415

    demo_load(products=products)
    stocked = set(
        Stock.objects.filter(
            merchant__isnull=True, on_hand__gt=1000, warehouse__country="CN"
        ).values_list("variant_id", flat=True)
    )
    pool, seen = [], set()
    candidates = Variant.objects.filter(is_on_sale=True, product__is_on_sale=True)
    for variant in candidates.select_related("product").order_by("product__sku", "position"):
        if variant.pk not in stocked or variant.product.properties or variant.product_id in seen:
            continue
        quote = freight_quote(
            items=[(variant, 1)], origin_country="CN", dest_country="US", postcode="90001"
        )
        if quote.available:
            pool.append(variant.public_id)
            seen.add(variant.product_id)
        if len(pool) == wanted:
            break
    if not pool:
        raise SystemExit("no demo variant can be shipped from CN to the US")
    return pool


def _merchants(clients: int, shared: int, run: str) -> list[tuple[int, str]]:
    """An API key per client: [(merchant pk, API key)]. Each client has a new merchant of its
    own, or with ``shared`` the clients take turns over that many merchants (one key each)."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415 - after configure()

    from dropyard.accounts.services import apikey_create, merchant_account_create  # noqa: PLC0415

    merchants = []
    for i in range(min(shared or clients, clients)):
        owner = get_user_model().objects.create_user(f"flow-{run}-{i}@example.test", None)
        merchants.append(
            (merchant_account_create(owner=owner, business_name=f"Flow {run} {i}"), owner)
        )
    made = []
    for i in range(clients):
        merchant, owner = merchants[i % len(merchants)]
        _, key = apikey_create(merchant=merchant, actor=owner, name=f"Benchmark {i}")
        made.append((merchant.pk, key))
    return made


# --- the server ----------------------------------------------------------------------------------


class Server:
    """``dropyard serve`` and ``dropyard worker`` as subprocesses of this benchmark."""

    def __init__(self, *, workers: int, threads: int) -> None:
        self.workers, self.threads = workers, threads
        self.serve_log = Path(f"/tmp/{NAME}-serve.log")
        self.worker_log = Path(f"/tmp/{NAME}-worker.log")
        self.serve = self.worker = None

    def start(self) -> None:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()  # the subprocesses open their own
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        dropyard = str(Path(sys.executable).parent / "dropyard")
        env = dict(os.environ)
        self.serve = subprocess.Popen(
            [dropyard, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-collectstatic",
             "--no-access-log", "--workers", str(self.workers), "--threads", str(self.threads)],
            env=env, stdout=subprocess.DEVNULL, stderr=self.serve_log.open("w"),
        )  # fmt: skip
        self.worker = subprocess.Popen(
            [dropyard, "worker", "--no-reload", "--no-startup-delay"],
            env=env, stdout=subprocess.DEVNULL, stderr=self.worker_log.open("w"),
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.serve.poll() is not None or self.worker.poll() is not None:
                raise SystemExit(f"the server or the worker stopped; see {self.serve_log}")
            try:
                httpx.get(f"{self.base}{API}setting/get", timeout=2)
            except httpx.TransportError:
                time.sleep(0.3)
                continue
            return
        raise SystemExit(f"dropyard serve did not answer within 90 s; see {self.serve_log}")

    def stop(self) -> None:
        for process in (self.serve, self.worker):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.serve, self.worker):
            if process is None:
                continue
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def cpu(self) -> tuple[float, float]:
        """CPU seconds (user+system) so far of the gunicorn tree and of the task worker."""
        return _tree_cpu(self.serve.pid), _tree_cpu(self.worker.pid)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from "state" on (field 3)


def _tree_cpu(pid: int) -> float:
    """utime+stime+cutime+cstime of ``pid`` and of its live children, in seconds. A child that
    exited and was reaped (a recycled gunicorn worker) is counted in the parent's cutime/cstime."""
    ticks = 0
    own = _stat(pid)
    if own:
        ticks += sum(int(x) for x in own[11:15])
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                ticks += sum(int(x) for x in fields[11:15])
    return ticks / CLK_TCK


def _proc_cpu(pid: int) -> float | None:
    fields = _stat(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / CLK_TCK


class BackendPoller(threading.Thread):
    """Polls ``pg_stat_activity`` for this database's backends: their pids (to pick our lines
    out of the shared PostgreSQL log) and their CPU time (``/proc``, last value seen)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.pids: set[int] = set()
        self.cpu: dict[int, float] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def run(self) -> None:
        import psycopg  # noqa: PLC0415

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            while not self.stopping.is_set():
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", [NAME]
                ).fetchall()
                with self.lock:
                    for (pid,) in rows:
                        self.pids.add(pid)
                        cpu = _proc_cpu(pid)
                        if cpu is not None:
                            self.cpu[pid] = cpu
                self.stopping.wait(0.2)

    def snapshot(self) -> dict[int, float]:
        with self.lock:
            return dict(self.cpu)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)


class Receiver:
    """A local webhook receiver: answers 200 to every POST and counts them."""

    def __init__(self) -> None:
        counts = self.counts = Counter()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                counts["POST"] += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()


def _webhooks_settle(merchant_pks: list[int], receiver: Receiver, wait_s: float = 60) -> str:
    """Wait (up to ``wait_s``) until the run's webhook deliveries leave PENDING; their statuses
    and the POSTs the receiver got so far."""
    from dropyard.webhooks.models import WebhookDelivery  # noqa: PLC0415 - after configure()

    deliveries = WebhookDelivery.objects.filter(message__merchant_id__in=merchant_pks)
    deadline = time.monotonic() + wait_s
    while deliveries.filter(status="PENDING").exists() and time.monotonic() < deadline:
        time.sleep(1)
    statuses = Counter(deliveries.values_list("status", flat=True))
    return f"deliveries {dict(statuses)}, receiver POSTs so far {receiver.counts['POST']}"


# --- clients -------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one phase's calls answered."""

    calls: int = 0
    http_5xx: int = 0
    http_other: Counter = field(default_factory=Counter)
    envelope: Counter = field(default_factory=Counter)  # (step, code) → count
    messages: dict = field(default_factory=dict)  # (step, code) → first message
    transport: Counter = field(default_factory=Counter)
    retried: int = 0
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    failed_at: Counter = field(default_factory=Counter)

    def merge(self, other: "Tally") -> None:
        self.calls += other.calls
        self.http_5xx += other.http_5xx
        self.http_other.update(other.http_other)
        self.envelope.update(other.envelope)
        for key, message in other.messages.items():
            self.messages.setdefault(key, message)
        self.transport.update(other.transport)
        self.retried += other.retried
        for step, values in other.latencies.items():
            self.latencies[step].extend(values)
        self.failed_at.update(other.failed_at)


class ApiClient:
    """One merchant's API client: its own connection pool and access token."""

    def __init__(self, base: str, api_key: str, retries: int) -> None:
        self.http = httpx.Client(base_url=f"{base}{API}", timeout=120)
        self.retries = retries
        self.tally = Tally()
        answer = self.http.post("authentication/getAccessToken", json={"apiKey": api_key})
        body = answer.json()
        if not body.get("result"):
            raise SystemExit(f"getAccessToken refused: {body}")
        self.http.headers["CJ-Access-Token"] = body["data"]["accessToken"]

    def call(self, step: str, method: str, path: str, body: dict | None = None):
        """(True, data) on success, (False, None) after recording the failure."""
        tally = self.tally
        for attempt in range(self.retries + 1):
            tally.calls += 1
            began = time.perf_counter()
            try:
                if method == "GET":
                    answer = self.http.get(path, params=body)
                else:
                    answer = self.http.post(path, json=body)
            except httpx.TransportError as exc:
                tally.transport[type(exc).__name__] += 1
                retry = True
            else:
                tally.latencies[step].append(time.perf_counter() - began)
                if answer.status_code >= 500:
                    tally.http_5xx += 1
                    retry = True
                else:
                    envelope = answer.json()
                    if answer.status_code == 200 and envelope.get("result"):
                        return True, envelope["data"]
                    if answer.status_code != 200:
                        tally.http_other[answer.status_code] += 1
                    key = (step, envelope.get("code"))
                    tally.envelope[key] += 1
                    tally.messages.setdefault(key, envelope.get("message", "")[:160])
                    retry = False
            if not retry or attempt == self.retries:
                break
            tally.retried += 1
            time.sleep(0.05 * (attempt + 1))
        tally.failed_at[step] += 1
        return False, None

    def create_and_pay(self, number: str, vid: str) -> str | None:
        """Phase A for one order; its public id once the sandbox payment answered true."""
        ok, created = self.call(
            "createOrderV2",
            "POST",
            "shopping/order/createOrderV2",
            {
                "orderNumber": number,
                **ADDRESS,
                "payType": 3,
                "isSandbox": 1,
                "products": [{"vid": vid, "quantity": 1}],
            },
        )
        if not ok:
            return None
        order_id = created["orderId"]
        ids = {"cjOrderIdList": [order_id]}
        if not self.call("addCart", "POST", "shopping/order/addCart", ids)[0]:
            return None
        ok, confirmed = self.call("addCartConfirm", "POST", "shopping/order/addCartConfirm", ids)
        if not ok or not confirmed.get("shipmentsId"):
            if ok:  # answered, but the order was intercepted (e.g. out of stock): say why
                reasons = [
                    reason
                    for item in confirmed.get("interceptOrders") or []
                    for reason in item.get("interceptOrderReasons") or []
                ] or [{}]
                key = ("addCartConfirm intercepted", reasons[0].get("code"))
                self.tally.envelope[key] += 1
                self.tally.messages.setdefault(key, str(reasons[0].get("message", ""))[:160])
                self.tally.failed_at["addCartConfirm"] += 1
            return None
        shipment = {"shipmentOrderId": confirmed["shipmentsId"]}
        path = "shopping/order/saveGenerateParentOrder"
        if not self.call("saveGenerateParentOrder", "POST", path, shipment)[0]:
            return None
        if not self.call("simulatePay", "POST", "shopping/sandbox/simulatePay", shipment)[0]:
            return None
        return order_id

    def fulfil(self, order_id: str) -> bool:
        """Phase B for one order: updateStatus 400 → 500 → 600; True when 600 answered true."""
        for target in (400, 500, 600):
            body = {"orderId": order_id, "targetStatus": target}
            ok, _ = self.call(
                f"updateStatus {target}", "POST", "shopping/sandbox/updateStatus", body
            )
            if not ok:
                return False
        return True

    def whole_flow(self, number: str, vid: str) -> tuple[str | None, bool]:
        """``--mixed``: phase A then phase B for one order (its id, and whether 600 answered)."""
        order_id = self.create_and_pay(number, vid)
        return order_id, bool(order_id) and self.fulfil(order_id)

    def noop(self, path: str) -> None:
        self.call("no-op", "GET", path)


def _phase(clients: list[ApiClient], work: list[list], fn) -> tuple[float, Tally, list]:
    """Run ``fn(client, item)`` over each client's items, one thread per client, started
    together; returns the wall time, the merged tally and the results per client."""
    for client in clients:
        client.tally = Tally()
    barrier = threading.Barrier(len(clients) + 1)
    outputs: list[list] = [[] for _ in clients]

    def body(i: int) -> None:
        barrier.wait()
        for item in work[i]:
            outputs[i].append(fn(clients[i], item))

    threads = [threading.Thread(target=body, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    tally = Tally()
    for client in clients:
        tally.merge(client.tally)
    return seconds, tally, outputs


# --- one run -------------------------------------------------------------------------------------


def _one_run(args, *, clients, run, variants, rng, server, poller, pg_log, receiver) -> dict:
    say()
    say(f"=== {clients} client(s), {args.orders} orders (load {_load(os.getloadavg())}) ===")
    merchants = _merchants(clients, args.merchants, run)
    api = [ApiClient(server.base, key, args.retries) for _pk, key in merchants]
    if receiver:
        hook = {"type": "ENABLE", "callbackUrls": [receiver.url]}
        for client in api:
            ok, _ = client.call(
                "webhook/set", "POST", "webhook/set", {"order": hook, "logistics": hook}
            )
            if not ok:
                raise SystemExit(f"webhook/set refused: {dict(client.tally.envelope)}")
    for client in api:  # warm every gunicorn thread's code paths before timing
        for _ in range(3):
            client.noop(args.noop)
    plans = [
        [(f"FLOW-{run}-{i}-{n}", rng.choice(variants)) for n in range(share)]
        for i, share in enumerate(_split(args.orders, clients))
    ]
    merchant_pks = sorted({pk for pk, _key in merchants})
    report = {"clients": clients, "orders": args.orders}

    def measured(name: str, work: list[list], fn) -> list:
        serve_log = _size(server.serve_log)
        worker_log = _size(server.worker_log)
        log_at = _size(Path(pg_log)) if pg_log else 0
        cpu_before = server.cpu()
        db_before = poller.snapshot() if poller else {}
        seconds, tally, outputs = _phase(api, work, fn)
        time.sleep(0.5)  # let the poller see the backends' last CPU reading
        cpu_after = server.cpu()
        db_after = poller.snapshot() if poller else {}
        db_cpu = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items())
        deadlocks = _server_deadlocks(server.serve_log, serve_log)
        worker_deadlocks = _server_deadlocks(server.worker_log, worker_log)
        pg = (
            _pg_deadlocks(Path(pg_log), log_at, poller.pids, f"{clients}-{name}")
            if pg_log
            else None
        )
        phase = {
            "seconds": seconds,
            "tally": tally,
            "serve_cpu": cpu_after[0] - cpu_before[0],
            "worker_cpu": cpu_after[1] - cpu_before[1],
            "db_cpu": db_cpu if poller else None,
            "deadlocks": deadlocks,
            "worker_deadlocks": worker_deadlocks,
            "pg": pg,
        }
        report[name] = phase
        report.setdefault("phases", []).append(name)
        done = sum(1 for out in outputs for x in out if (x[1] if isinstance(x, tuple) else x))
        _phase_report(name, phase, done=done)
        return outputs

    if args.mixed:
        outputs = measured("A+B", plans, lambda c, item: c.whole_flow(*item))
        delivered_ok = [order_id for out in outputs for order_id, ok in out if ok]
        _after(report, "A+B", merchant_pks, delivered_ok)
    else:
        outputs = measured("A", plans, lambda c, item: c.create_and_pay(*item))
        paid = [[order_id for order_id in out if order_id] for out in outputs]
        report["A"]["done"] = sum(map(len, paid))
        report["A"]["statuses"] = _statuses(merchant_pks)
        say(f"  after A: {_status_text(report['A']['statuses'])} (all should be UNSHIPPED/PENDING)")
        outputs = measured("B", paid, lambda c, order_id: c.fulfil(order_id))
        delivered_ok = [
            order_id
            for ids, out in zip(paid, outputs, strict=True)
            for order_id, ok in zip(ids, out, strict=True)
            if ok
        ]
        _after(report, "B", merchant_pks, delivered_ok)

    calls_a = report["A+B" if args.mixed else "A"]["tally"].calls
    noop_work = [[None] * share for share in _split(calls_a, clients)]
    measured("no-op", noop_work, lambda c, _item: c.noop(args.noop))
    if receiver:
        report["webhooks"] = _webhooks_settle(merchant_pks, receiver)
        say(f"  webhooks: {report['webhooks']}")
    for client in api:
        client.http.close()
    return report


def _after(report: dict, name: str, merchant_pks: list[int], delivered_ok: list[str]) -> None:
    """Record and print the statuses after the fulfilment phase ``name``."""
    phase = report[name]
    phase["done"] = len(delivered_ok)
    phase["statuses"] = _statuses(merchant_pks)
    phase["lost"] = _not_delivered(delivered_ok)
    report["final"] = name
    say(
        f"  after {name}: {_status_text(phase['statuses'])}; of the {len(delivered_ok)} orders "
        f"whose updateStatus 600 answered true, {phase['lost']} are not DELIVERED"
    )


def _split(total: int, parts: int) -> list[int]:
    """``total`` items shared as evenly as possible over ``parts``."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _phase_report(name: str, phase: dict, *, done: int) -> None:
    tally: Tally = phase["tally"]
    seconds = phase["seconds"]
    unit = "orders" if name != "no-op" else "calls"
    count = done if name != "no-op" else tally.calls
    calls = max(tally.calls, 1)
    say(
        f"  phase {name}: {count} {unit} in {seconds:.1f} s = {count / seconds:.2f} {unit}/s; "
        f"{tally.calls} calls, HTTP 5xx {tally.http_5xx}, error envelopes "
        f"{sum(tally.envelope.values())}, transport errors {sum(tally.transport.values())}, "
        f"retried {tally.retried}"
    )
    db = "" if phase["db_cpu"] is None else f", PostgreSQL {phase['db_cpu'] * 1000 / calls:.1f}"
    say(
        f"    CPU per call (ms): server {phase['serve_cpu'] * 1000 / calls:.1f}, worker "
        f"{phase['worker_cpu'] * 1000 / calls:.1f}{db}"
    )
    for step, values in tally.latencies.items():
        say(
            f"    {step:>24}: p50 {percentile(values, 50) * 1000:7.1f} ms, "
            f"p95 {percentile(values, 95) * 1000:7.1f} ms, max {max(values) * 1000:7.1f} ms"
        )
    for (step, code), n in sorted(tally.envelope.items(), key=lambda kv: -kv[1]):
        say(f"    error {step} {code} × {n}: {tally.messages[(step, code)]}")
    for kind, n in tally.transport.items():
        say(f"    transport {kind} × {n}")
    if tally.failed_at:
        say(f"    orders dropped at: {dict(tally.failed_at)}")
    for log_name in ("deadlocks", "worker_deadlocks"):
        found = phase[log_name]
        title = "server" if log_name == "deadlocks" else "worker"
        say(f"    deadlock detected in the {title} log: {sum(found.values())}")
        for (where, relation), n in found.most_common():
            say(f"      {n:5} × {where}, waiting for {relation}")
    if phase["pg"] is not None:
        count, relations, cycles, path = phase["pg"]
        say(f"    deadlock detected in PostgreSQL's log (this database): {count} → {path}")
        for relation, n in relations.most_common():
            say(f"      {n:5} × victim waiting for {relation}")
        for cycle, n in cycles.most_common(8):
            say(f"      {n:5} × cycle of {cycle}")


# --- reading the results -------------------------------------------------------------------------


def _statuses(merchant_pks: list[int]) -> Counter:
    from dropyard.orders.models import Order  # noqa: PLC0415 - after configure()

    rows = Order.objects.filter(merchant_id__in=merchant_pks).values_list("status", "sub_status")
    return Counter(f"{status}/{sub}" if sub else status for status, sub in rows)


def _status_text(statuses: Counter) -> str:
    return ", ".join(f"{status} {n}" for status, n in statuses.most_common())


def _not_delivered(public_ids: list[str]) -> int:
    from dropyard.orders.choices import OrderStatus  # noqa: PLC0415 - after configure()
    from dropyard.orders.models import Order  # noqa: PLC0415

    orders = Order.objects.filter(public_id__in=public_ids)
    return len(public_ids) - orders.filter(status=OrderStatus.DELIVERED).count()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


_HEADERS = (
    (re.compile(r"^Unhandled error in API operation \S+ (\S+)"), "API {} → HTTP 500"),
    (re.compile(r"^Error calling .*?<function (\w+)"), "on-commit {} (error logged, dropped)"),
    (re.compile(r"^Task id=\S+ path=\S+\.(\w+) state=FAILED"), "task {} FAILED"),
)
_RELATION = re.compile(r'in relation "(\w+)"|FROM ONLY "public"\."(\w+)"')


def _server_deadlocks(path: Path, offset: int) -> Counter:
    """``deadlock detected`` errors logged since ``offset``, one per logged
    ``django.db.utils.OperationalError`` (the last exception of its traceback), keyed by what
    logged it (an API operation, an on-commit callback, a task) and by what the victim was
    waiting for (``_lock_waited``)."""
    found: Counter = Counter()
    where, block = "?", None
    with path.open(errors="replace") as log:
        log.seek(offset)
        for line in log:
            for pattern, label in _HEADERS:
                match = pattern.match(line)
                if match:
                    where = label.format(match[1].removeprefix(API))
            if line.startswith("django.db.utils.OperationalError: deadlock detected"):
                block = []
            elif block is not None and line.strip() and not line.startswith("Traceback"):
                block.append(line)
                continue
            if block is not None and block and not line.strip():
                found[(where, _lock_waited("".join(block)))] += 1
                block = None
    if block:
        found[(where, _lock_waited("".join(block)))] += 1
    return found


def _lock_waited(report: str) -> str:
    """What a deadlock's victim was waiting for, from PostgreSQL's CONTEXT: a foreign-key check
    (the deferred ``FOR KEY SHARE`` of a parent row at COMMIT) or its own row lock; without a
    CONTEXT, the tuple lock its DETAIL says it was queued for (relations are named by oid)."""
    relation = _RELATION.search(report)
    if relation is not None:
        table = next(filter(None, relation.groups()))
        if "FOR KEY SHARE" in report:
            return f"{table} (FK check FOR KEY SHARE at COMMIT)"
        return f"{table} (its own SELECT … FOR UPDATE)"
    victim = r"(?:^|DETAIL:\s+)Process \d+ waits for \w+ on tuple \S+ of relation (\d+)"
    queued = re.search(victim, report)
    if queued is None:
        return "a transaction (no CONTEXT)"
    table = _relnames().get(int(queued[1]), queued[1])
    return f"{table} (its own SELECT … FOR UPDATE, queued behind another's tuple lock)"


def _newest_pg_log() -> str | None:
    logs = sorted(glob.glob("/var/log/postgresql/*.log"), key=os.path.getmtime)
    return logs[-1] if logs and os.access(logs[-1], os.R_OK) else None


# "%m [%p] %q%u@%d " (Debian's default log_line_prefix): time, pid, then user@database.
_PG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (?:\S*@(\S*) )?(\w+):\s+(.*)$"
)


def _pg_deadlocks(path: Path, offset: int, pids: set[int], label: str):
    """Deadlock reports in PostgreSQL's log since ``offset`` for this database (by the
    ``user@database`` of the log line prefix, else by the backend pids polled during the run):
    (count, Counter of the relations named in CONTEXT, Counter of the statements of the
    processes in the cycle, the file the whole reports were written to)."""
    entries = []  # [pid, database, level, text]
    with path.open(errors="replace") as log:
        log.seek(offset)
        for line in log:
            match = _PG_LINE.match(line)
            if match:
                entries.append([int(match[1]), match[2], match[3], match[4]])
            elif entries and line.startswith(("\t", " ")):
                entries[-1][3] += "\n" + line.rstrip()
    reports = []
    for i, (pid, database, level, text) in enumerate(entries):
        ours = database == NAME if database is not None else pid in pids
        if level == "ERROR" and text.startswith("deadlock detected") and ours:
            report = {"pid": pid}
            for other_pid, _db, other_level, other_text in entries[i + 1 : i + 6]:
                if other_pid != pid or other_level == "ERROR":
                    break
                report[other_level] = other_text
            reports.append(report)
    relations: Counter = Counter()
    cycles: Counter = Counter()
    dump = Path(f"/tmp/{NAME}-deadlocks-{label}.txt")
    with dump.open("w") as out:
        for report in reports:
            detail = report.get("DETAIL", "")
            victim = detail.split("\n", 1)[0]  # the first line is the victim's own wait
            waited = _lock_waited(report.get("CONTEXT", "") or victim)
            relations[f"{waited} in {_sql_short(report.get('STATEMENT', '?'))}"] += 1
            statements = re.findall(r"Process \d+: (.*)", detail)
            cycles[" | ".join(sorted(_sql_short(s) for s in statements))] += 1
            out.write(f"--- pid {report['pid']}\n")
            for key in ("DETAIL", "HINT", "CONTEXT", "STATEMENT"):
                if key in report:
                    out.write(f"{key}: {report[key]}\n")
    return len(reports), relations, cycles, dump


@functools.cache
def _relnames() -> dict[int, str]:
    """The benchmark database's tables by oid (PostgreSQL's DETAIL names relations by oid)."""
    from django.db import connection  # noqa: PLC0415 - after configure()

    with connection.cursor() as cursor:
        cursor.execute("SELECT oid, relname FROM pg_class WHERE relkind = 'r'")
        return dict(cursor.fetchall())


def _sql_short(statement: str) -> str:
    """A statement as "VERB table [FOR …]" (the log truncates long ones: the FROM may be cut)."""
    statement = " ".join(statement.split())
    upper = statement.upper()
    if upper.startswith("COMMIT"):
        return "COMMIT"
    verb = re.match(r"(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b", upper)
    if not verb:
        return statement[:60]
    table = re.search(r'FROM "(\w+)"', statement) or re.search(r'"(\w+)"', statement)
    lock = next((f" {w}" for w in ("FOR NO KEY UPDATE", "FOR UPDATE") if w in upper), "")
    joined = sorted(set(re.findall(r'JOIN "(\w+)"', statement)))
    join = f" ⋈ {', '.join(joined)}" if joined else ""
    return f"{verb[1]} {table[1] if table else '?'}{join}{lock}"


def _pg_execute(sql: str) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _load(values) -> str:
    return " ".join(f"{x:.2f}" for x in values)


def _table(results: list[dict]) -> None:
    """One Markdown table of the runs (for docs/benchmarks.md)."""
    say(
        "| clients | phase | orders/s (calls/s) | calls | 5xx | error envelopes | transport | "
        "deadlocks (server log / PostgreSQL) | CPU ms/call server + worker (+ PostgreSQL) |"
    )
    say("|---|---|---|---|---|---|---|---|---|")
    for result in results:
        for name in result["phases"]:
            phase = result[name]
            tally: Tally = phase["tally"]
            calls = max(tally.calls, 1)
            rate = (
                f"{phase['done'] / phase['seconds']:.2f}"
                if name != "no-op"
                else f"({tally.calls / phase['seconds']:.0f})"
            )
            pg = "–" if phase["pg"] is None else str(phase["pg"][0])
            serve, worker = phase["serve_cpu"] * 1000 / calls, phase["worker_cpu"] * 1000 / calls
            cpu = f"{serve:.1f} + {worker:.1f}"
            if phase["db_cpu"] is not None:
                cpu += f" (+ {phase['db_cpu'] * 1000 / calls:.1f})"
            label = {"A": "create+pay", "B": "fulfil", "A+B": "whole flow"}.get(name, name)
            say(
                f"| {result['clients']} | {label} | {rate} | {tally.calls} | {tally.http_5xx} | "
                f"{sum(tally.envelope.values())} | {sum(tally.transport.values())} | "
                f"{sum(phase['deadlocks'].values()) + sum(phase['worker_deadlocks'].values())} / "
                f"{pg} | {cpu} |"
            )
    for result in results:
        final = result[result["final"]]
        first = f"after A {_status_text(result['A']['statuses'])}; " if "A" in result else ""
        say(
            f"{result['clients']} client(s): {first}after {result['final']} "
            f"{_status_text(final['statuses'])}; 600 answered true but not DELIVERED: "
            f"{final['lost']}"
        )


if __name__ == "__main__":
    main()
