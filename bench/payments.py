"""Wallet payments: N ledger payments over M merchants from concurrent workers, beside bare UPDATEs.

    .venv/bin/python bench/payments.py --database sqlite|postgres [--payments 10000]
        [--merchants 100] [--workers 8] [--processes] [--service N] [--fresh]

1. Into a throwaway database (SQLite ``/tmp/dropyard_payments.sqlite3`` or PostgreSQL
   ``dropyard_payments``) create ``--merchants`` merchants (accounts service) and top each up
   through the Sandbox provider (``wallet.topups.sandbox_topup``) with exactly enough for 90%
   of its payments: every merchant pays ``--payments / --merchants`` times one fixed amount of
   its own (products + freight − the 2% wallet discount), so by construction exactly 10% of
   the payments must be refused with 1604000, whatever the interleaving.
2. Shuffle the payments (merchant, idempotency key) into one queue and let ``--workers``
   threads, one database connection each, take from it. Two paths, the baseline first:
   - **bare UPDATE**: per payment one conditional single-row
     ``UPDATE bench_balance SET balance = balance - a WHERE id = m AND balance >= a`` on a
     scratch table (one row per merchant, funded the same way) in its own transaction
     (autocommit): the floor for "debit a balance without overdraft", no ledger rows;
   - **ledger payment**: ``wallet.ledger.ledger_post`` with the entries
     ``checkout.services.pay_from_wallet`` posts — merchant wallet −net, order revenue +products,
     freight revenue +freight, discounts given −discount — in one transaction: the unique
     idempotency key, four conditional balance UPDATEs in lock order (the wallet guarded by
     ``balance + d >= 0``, the three platform rows shared by every payment), the transaction
     row and four entries with balance-after. Orders, invoices and audit are not part of it.
3. Check: paid and refused counts equal the constructed ones, no wallet below zero, every
   merchant wallet ends at exactly 0, the trial balance is zero per currency and
   ``ledger_integrity_check()`` finds nothing. Any mismatch exits non-zero.
4. Print payments/s, p50/p95/max latency per path and the load average before and after.
5. ``--service N``: load the demo catalog, create and confirm N single-order UNPAID orders over
   the same merchants, fund each merchant with exactly their cost, and pay them from the same
   workers through ``checkout.services.pay_from_wallet`` (the whole payment: order locks, quote,
   posting, Payment rows, ``order_paid``, audit, invoice); every payment must succeed, every
   order end UNSHIPPED and the integrity check stay clean.

``--processes`` forks worker processes (like a web server's workers) instead of threads.
"""

import argparse
import os
import queue
import random
import threading
import time

from _common import Timer, configure, machine, say, summary

DISCOUNT_BPS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--merchants", type=int, default=100)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument(
        "--processes",
        action="store_true",
        help="workers are processes (forked, like web server workers) instead of threads",
    )
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database first")
    parser.add_argument(
        "--service",
        type=int,
        default=0,
        help="also pay this many confirmed orders through checkout.services.pay_from_wallet "
        "(loads the demo catalog for products, stock and rate cards)",
    )
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    if args.payments % args.merchants or (args.payments // args.merchants) % 10:
        raise SystemExit("--payments must be a multiple of 10 × --merchants")
    load_before = os.getloadavg()
    with Timer() as setup:
        version = configure(database=args.database, name="dropyard_payments", fresh=args.fresh)
    say(f"{version}; {machine()}; migrate {setup.seconds:.1f} s")
    say(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}")

    from django.contrib.auth import get_user_model  # noqa: PLC0415 - after configure()
    from django.db import connection, transaction  # noqa: PLC0415

    from dropyard.accounts.services import merchant_account_create  # noqa: PLC0415
    from dropyard.wallet.choices import AccountKind  # noqa: PLC0415
    from dropyard.wallet.exceptions import InsufficientBalance  # noqa: PLC0415
    from dropyard.wallet.ledger import (  # noqa: PLC0415
        Posting,
        account_for,
        ledger_integrity_check,
        ledger_post,
        trial_balance_totals,
        wallet_balance,
    )
    from dropyard.wallet.models import Account  # noqa: PLC0415
    from dropyard.wallet.topups import sandbox_topup  # noqa: PLC0415

    run = f"{int(time.time())}"
    rng = random.Random(args.seed)
    per_merchant = args.payments // args.merchants
    affordable = per_merchant * 9 // 10
    User = get_user_model()

    # --- set-up: merchants, their amounts, sandbox top-ups ---------------------------------
    plans = []  # (merchant, wallet account, products, freight, discount, net)
    with Timer() as funding:
        revenue = account_for(kind=AccountKind.ORDER_REVENUE)
        freight_revenue = account_for(kind=AccountKind.FREIGHT_REVENUE)
        discounts = account_for(kind=AccountKind.DISCOUNTS_GIVEN)
        for i in range(args.merchants):
            owner = User.objects.create_user(f"bench-{run}-{i}@example.test", None)
            merchant = merchant_account_create(owner=owner, business_name=f"Bench {run} {i}")
            products = rng.randint(800, 9_000)
            freight = rng.randint(150, 1_500)
            discount = (products + freight) * DISCOUNT_BPS // 10_000
            net = products + freight - discount
            sandbox_topup(merchant=merchant, amount_minor=net * affordable, actor=None)
            wallet = account_for(merchant=merchant, kind=AccountKind.WALLET_AVAILABLE)
            plans.append((merchant, wallet, products, freight, discount, net))
    say(
        f"{args.merchants} merchants, {per_merchant} payments each ({affordable} affordable), "
        f"funded by sandbox top-ups in {funding.seconds:.1f} s"
    )

    work = [(m, n) for m in range(args.merchants) for n in range(per_merchant)]
    rng.shuffle(work)

    # --- baselines: bare conditional UPDATEs on a scratch table ------------------------------
    funded_total = sum(plan[5] * affordable for plan in plans)

    def scratch_reset() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_balance")
            cursor.execute("CREATE TABLE bench_balance (id integer PRIMARY KEY, balance bigint)")
            rows = [(m, plan[5] * affordable) for m, plan in enumerate(plans)] + [(-1, 0)]
            cursor.executemany("INSERT INTO bench_balance (id, balance) VALUES (%s, %s)", rows)

    def scratch_check(name: str, shared: int) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_balance WHERE id >= 0 AND balance != 0")
            found = [] if not cursor.fetchone()[0] else [f"{name}: a balance did not end at 0"]
            cursor.execute("SELECT balance FROM bench_balance WHERE id = -1")
            if cursor.fetchone()[0] != shared:
                found.append(f"{name}: the shared row does not hold {shared}")
        return found

    def bare(m: int, n: int) -> bool:
        net = plans[m][5]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE bench_balance SET balance = balance - %s WHERE id = %s AND balance >= %s",
                [net, m, net],
            )
            return cursor.rowcount == 1

    def bare_shared(m: int, n: int) -> bool:
        # The same debit plus a credit to ONE row every payment shares (like order revenue),
        # in one transaction: every payment now waits for the shared row's lock.
        net = plans[m][5]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE bench_balance SET balance = balance - %s WHERE id = %s AND balance >= %s",
                [net, m, net],
            )
            if cursor.rowcount != 1:
                return False
            cursor.execute("UPDATE bench_balance SET balance = balance + %s WHERE id = -1", [net])
            return True

    def pay(m: int, n: int) -> bool:
        merchant, wallet, products, freight, discount, net = plans[m]
        try:
            ledger_post(
                entries=[
                    Posting(wallet, -net),
                    Posting(revenue, products),
                    Posting(freight_revenue, freight),
                    Posting(discounts, -discount),
                ],
                idempotency_key=f"bench:{run}:{m}:{n}",
                kind="order_payment",
                merchant=merchant,
                reference_type="bench",
                reference_id=f"{m}-{n}",
            )
        except InsufficientBalance:
            return False
        return True

    results = {}
    problems = []
    paths = (("bare UPDATE", bare), ("bare + shared row", bare_shared), ("ledger payment", pay))
    for name, fn in paths:
        if fn is not pay:
            scratch_reset()
        runner = _run_processes if args.processes else _run
        results[name] = runner(fn, work, args.workers)
        if fn is bare:
            problems.extend(scratch_check(name, 0))
        elif fn is bare_shared:
            problems.extend(scratch_check(name, funded_total))
        ok, refused, seconds, latencies = results[name]
        stats = summary(latencies)
        say(
            f"{name:>17}: {ok + refused} in {seconds:.2f} s = {(ok + refused) / seconds:,.0f}/s "
            f"(ok {ok}, refused {refused}); p50 {stats['p50']:.2f} ms, p95 {stats['p95']:.2f} ms, "
            f"max {stats['max']:.1f} ms"
        )

    # --- checks -------------------------------------------------------------------------------
    expected_ok = args.merchants * affordable
    expected_refused = args.payments - expected_ok
    for name, (ok, refused, _, _) in results.items():
        if (ok, refused) != (expected_ok, expected_refused):
            problems.append(f"{name}: {ok} ok / {refused} refused, expected {expected_ok}")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_balance")
    negative = Account.objects.filter(
        kind__in=[AccountKind.WALLET_AVAILABLE, AccountKind.WALLET_FROZEN], balance_minor__lt=0
    ).count()
    if negative:
        problems.append(f"{negative} wallet accounts below zero")
    left = [p[0].pk for p in plans if wallet_balance(merchant=p[0]).available_minor != 0]
    if left:
        problems.append(f"{len(left)} merchant wallets did not end at exactly 0")
    with Timer() as checking:
        integrity = ledger_integrity_check()
        totals = trial_balance_totals()
    if any(totals.values()):
        problems.append(f"trial balance not zero: {totals}")
    problems.extend(integrity)
    say(
        f"checks ({checking.seconds:.2f} s): overdrafts {negative}, trial balance {totals}, "
        f"integrity problems {len(integrity)}, wallets at 0: {args.merchants - len(left)}/"
        f"{args.merchants}"
    )
    rate = {name: (r[0] + r[1]) / r[2] for name, r in results.items()}
    say(
        f"ledger payment throughput = {rate['ledger payment'] / rate['bare UPDATE']:.2f} × bare "
        f"UPDATE, {rate['ledger payment'] / rate['bare + shared row']:.2f} × bare + shared row"
    )
    if args.service:
        problems.extend(_service_path(args, plans, run, rng))
    say(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if problems:
        for problem in problems:
            say(f"PROBLEM: {problem}")
        raise SystemExit(1)


def _service_path(args, plans, run: str, rng: random.Random) -> list[str]:
    """``--service`` orders (one per payment) through ``pay_from_wallet``: the whole payment —
    order locks, quote, ledger posting, Payment rows, ``order_paid`` (UNPAID → UNSHIPPED with
    history), audit and the numbered invoice — from the same workers. Each merchant is funded
    with exactly what its orders cost, so every payment succeeds and every wallet ends at 0."""
    from dropyard.catalog.models import Variant  # noqa: PLC0415
    from dropyard.checkout.services import pay_from_wallet  # noqa: PLC0415
    from dropyard.demo.loader import demo_load  # noqa: PLC0415
    from dropyard.inventory.models import Stock  # noqa: PLC0415
    from dropyard.orders import services as order_services  # noqa: PLC0415
    from dropyard.orders.choices import OrderStatus  # noqa: PLC0415
    from dropyard.orders.models import Order  # noqa: PLC0415
    from dropyard.wallet.ledger import ledger_integrity_check, wallet_balance  # noqa: PLC0415
    from dropyard.wallet.quotes import payment_quote  # noqa: PLC0415
    from dropyard.wallet.topups import sandbox_topup  # noqa: PLC0415

    with Timer() as loading:
        demo_load()
    stocked = set(
        Stock.objects.filter(merchant__isnull=True, on_hand__gt=1000).values_list(
            "variant_id", flat=True
        )
    )
    variants = [
        v
        for v in Variant.objects.filter(is_on_sale=True, product__is_on_sale=True).order_by("pk")
        if v.pk in stocked
    ][:200]
    address = {
        "shipping_country_code": "US",
        "shipping_province": "CA",
        "shipping_city": "Los Angeles",
        "shipping_zip": "90001",
        "shipping_address": "1 Main Street",
        "shipping_customer_name": "Jane Doe",
        "shipping_phone": "+1 (213) 555-0100",
        "email": "jane@example.com",
    }
    merchants = [plan[0] for plan in plans]
    work = []
    with Timer() as making:
        for m, merchant in enumerate(merchants):
            count = args.service // len(merchants) + (1 if m < args.service % len(merchants) else 0)
            if not count:
                continue
            owner = merchant.members.get().user
            orders = [
                order_services.order_create(
                    merchant=merchant,
                    actor=owner,
                    order_number=f"PAY-{run}-{m}-{n}",
                    lines=[{"vid": rng.choice(variants).public_id, "quantity": 1}],
                    **address,
                )
                for n in range(count)
            ]
            order_services.cart_add(merchant=merchant, orders=orders, actor=owner)
            order_services.cart_confirm(merchant=merchant, orders=orders, actor=owner)
            unpaid = list(Order.objects.filter(pk__in=[o.pk for o in orders]))
            unpaid = [o for o in unpaid if o.status == OrderStatus.UNPAID]
            need = sum(payment_quote(merchant=merchant, orders=[o]).net_minor for o in unpaid)
            if need:
                sandbox_topup(merchant=merchant, amount_minor=max(need, 1000), actor=None)
                extra = max(need, 1000) - need  # the top-up minimum may exceed the orders
            else:
                extra = 0
            work.extend((m, o, owner, extra) for o in unpaid)
    say(
        f"service path: demo loaded in {loading.seconds:.1f} s; {len(work)} confirmed orders "
        f"created and wallets funded in {making.seconds:.1f} s"
    )
    rng.shuffle(work)
    items = [(i, 0) for i in range(len(work))]

    def pay(i: int, _n: int) -> bool:
        m, order, owner, _extra = work[i]
        result = pay_from_wallet(merchant=merchants[m], orders=[order], actor=owner)
        return bool(result.created)

    cpu = None
    if args.processes:
        ok, refused, seconds, latencies, cpu = _run_processes(
            pay, items, args.workers, measure=True
        )
    else:
        ok, refused, seconds, latencies = _run(pay, items, args.workers)
    stats = summary(latencies)
    say(
        f"{'pay_from_wallet':>17}: {ok + refused} in {seconds:.2f} s = "
        f"{(ok + refused) / seconds:,.0f}/s (ok {ok}, not created {refused}); "
        f"p50 {stats['p50']:.2f} ms, p95 {stats['p95']:.2f} ms, max {stats['max']:.1f} ms"
    )
    if cpu is not None:
        count = ok + refused
        python_ms = 1000 * cpu["python"] / count
        postgres_ms = 1000 * cpu["postgres"] / count
        held_ms = 1000 * cpu["held"] / count
        cores = os.cpu_count() or 1
        say(
            f"{'per payment':>17}: CPU {python_ms:.2f} ms Python + {postgres_ms:.2f} ms "
            f"PostgreSQL backend; shared platform rows held {held_ms:.2f} ms"
        )
        say(
            f"{'ceilings':>17}: {cores} cores / CPU = "
            f"{cores * 1000 / (python_ms + postgres_ms):,.0f}/s; "
            f"1 / held = {1000 / held_ms:,.0f}/s (any number of cores)"
        )
    problems = []
    if ok != len(work):
        problems.append(f"pay_from_wallet: {ok} of {len(work)} payments made")
    paid = Order.objects.filter(pk__in=[w[1].pk for w in work], status=OrderStatus.UNSHIPPED)
    if paid.count() != len(work):
        problems.append(f"pay_from_wallet: {paid.count()} of {len(work)} orders UNSHIPPED")
    extras = {w[0]: w[3] for w in work}
    wrong = [
        m for m, extra in extras.items()
        if wallet_balance(merchant=merchants[m]).available_minor != extra
    ]  # fmt: skip
    if wrong:
        problems.append(f"pay_from_wallet: {len(wrong)} wallets not at their expected balance")
    problems.extend(ledger_integrity_check())
    return problems


def _run(fn, work, workers: int) -> tuple[int, int, float, list[float]]:
    """Run ``fn(m, n)`` for every item from ``workers`` threads (one connection each)."""
    from django.db import connection  # noqa: PLC0415

    items: queue.SimpleQueue = queue.SimpleQueue()
    for item in work:
        items.put(item)
    lock = threading.Lock()
    counts = {"ok": 0, "refused": 0}
    latencies: list[float] = []
    start = threading.Barrier(workers + 1)

    def worker() -> None:
        ok = refused = 0
        mine = []
        try:
            start.wait()
            while True:
                try:
                    m, n = items.get_nowait()
                except queue.Empty:
                    break
                began = time.perf_counter()
                if fn(m, n):
                    ok += 1
                else:
                    refused += 1
                mine.append(time.perf_counter() - began)
        finally:
            connection.close()
            with lock:
                counts["ok"] += ok
                counts["refused"] += refused
                latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return counts["ok"], counts["refused"], time.perf_counter() - began, latencies


def _backend_cpu_seconds(pid: int) -> float:
    """User + system CPU of a local PostgreSQL backend process so far (``/proc``)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")  # not on this machine
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_processes(fn, work, workers: int, *, measure: bool = False):
    """Like ``_run`` with forked worker processes (each opens its own connection).

    ``measure``: also return, summed over the workers, the CPU seconds of the worker processes
    and of their PostgreSQL backends, and the seconds the shared platform rows were held: from
    the return of the ledger's platform statement (``WITH locked AS …``, which takes their row
    locks) to the return of ``fn`` (after COMMIT), i.e. the part of each payment that no other
    payment can overlap.
    """
    import multiprocessing  # noqa: PLC0415

    from django.db import connection, connections  # noqa: PLC0415

    connections.close_all()  # never share a connection across fork
    context = multiprocessing.get_context("fork")
    items = context.Queue()
    for item in work:
        items.put(item)
    for _ in range(workers):
        items.put(None)
    results = context.Queue()
    start = context.Barrier(workers + 1)

    def worker() -> None:
        ok = refused = 0
        mine = []
        held = 0.0
        locked_at: list[float] = []

        def watch(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if "WITH locked AS" in sql:
                locked_at.append(time.perf_counter())
            return result

        backend = 0
        if measure and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
        pg_before = _backend_cpu_seconds(backend) if backend else 0.0
        cpu_before = time.process_time()
        start.wait()
        with connection.execute_wrapper(watch):
            while (item := items.get()) is not None:
                began = time.perf_counter()
                locked_at.clear()
                if fn(*item):
                    ok += 1
                else:
                    refused += 1
                done = time.perf_counter()
                mine.append(done - began)
                if locked_at:
                    held += done - locked_at[-1]
        cpu = time.process_time() - cpu_before
        pg = (_backend_cpu_seconds(backend) - pg_before) if backend else 0.0
        connections.close_all()
        results.put((ok, refused, mine, cpu, pg, held))

    processes = [context.Process(target=worker) for _ in range(workers)]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    collected = [results.get() for _ in processes]
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
    ok = sum(c[0] for c in collected)
    refused = sum(c[1] for c in collected)
    latencies = [t for c in collected for t in c[2]]
    if measure:
        cpu = {
            "python": sum(c[3] for c in collected),
            "postgres": sum(c[4] for c in collected),
            "held": sum(c[5] for c in collected),
        }
        return ok, refused, elapsed, latencies, cpu
    return ok, refused, elapsed, latencies


if __name__ == "__main__":
    main()
