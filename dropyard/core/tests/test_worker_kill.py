"""Worker kill test: work interrupted by a SIGKILLed ``dropyard worker`` is finished after a
restart, and nothing is recorded twice.

The real worker (``dropyard worker``) runs in a subprocess, so the database must be shared
by processes. On PostgreSQL the subprocess uses the test database and this process checks it
with the ORM. On SQLite (whose test database lives in memory in this process) the webhook
scenario runs against a freshly migrated database file, read and written by short
subprocesses; the tracking scenario needs a row lock held across processes and runs on
PostgreSQL only.

Webhooks: a local receiver verifies the ``sign`` header, records messageIds and holds the first
request open; while it is held the worker is SIGKILLed, so its task row stays RUNNING and its
delivery stays leased with no result. The restarted worker re-queues the stale task
(``--recover-running-after``), waits out the delivery's lease and sends again. The receiver
then sees that messageId a second time (at-least-once delivery; it dedupes on messageId), and
each delivery row is marked DELIVERED once, with one successful attempt.

Tracking: the Sandbox carrier's first tick is held inside its run (this process holds the
tracking row's lock, so the tick waits in ``select_for_update``) and the worker is SIGKILLed.
After a restart the tick runs again and the journey plays to its end, every scripted event
recorded once and every step scheduled once.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from dropyard.core.testing.tasks import DB_TASKS
from dropyard.webhooks import services as webhook_services
from dropyard.webhooks.choices import DeliveryStatus
from dropyard.webhooks.models import WebhookAttempt, WebhookDelivery
from dropyard.webhooks.services import CallbackSetting
from dropyard.webhooks.tests.receiver import start_receiver

needs_shared_db = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the worker subprocess needs a database shared across processes (PostgreSQL)",
)

LEASE_SECONDS = 3
MESSAGES = 3


def _postgres_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'])}"


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DROPYARD_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dropyard.config.settings",
        DROPYARD_DATA_DIR=str(tmp_path / "data"),
        DROPYARD_SECRET_KEY="kill-test-secret",
        DATABASE_URL=_postgres_url(connection.settings_dict),
        DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST="true",
        DROPYARD_WEBHOOK_LEASE_SECONDS=str(LEASE_SECONDS),
        DROPYARD_WEBHOOK_BACKOFF_SECONDS="1",
        DROPYARD_SANDBOX_CARRIER_STEP_SECONDS="0",
    )
    return env


def _start_worker(env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "dropyard", "worker", "--no-startup-delay", "--no-reload"]
    with log.open("ab") as out:
        return subprocess.Popen(
            [*command, "--interval", "0.1", *extra], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _wait_for(condition, *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.django_db
def test_requeue_stale_running_only_touches_old_running_rows(settings):
    settings.TASKS = DB_TASKS
    from django_tasks_db.models import DBTaskResult

    from dropyard.core.management.commands.worker import requeue_stale_running
    from dropyard.webhooks.tasks import webhook_deliver

    for n in range(4):
        webhook_deliver.enqueue(delivery_id=n)
    rows = list(DBTaskResult.objects.order_by("enqueued_at", "pk"))
    now = timezone.now()
    DBTaskResult.objects.filter(pk=rows[0].pk).update(
        status="RUNNING", started_at=now - timedelta(minutes=11)
    )
    DBTaskResult.objects.filter(pk=rows[1].pk).update(
        status="RUNNING", started_at=now - timedelta(minutes=5)
    )
    DBTaskResult.objects.filter(pk=rows[2].pk).update(status="SUCCESSFUL", started_at=now)

    assert requeue_stale_running(older_than=timedelta(minutes=10)) == 1

    statuses = [DBTaskResult.objects.get(pk=r.pk).status for r in rows]
    assert statuses == ["READY", "RUNNING", "SUCCESSFUL", "READY"]
    assert DBTaskResult.objects.get(pk=rows[0].pk).started_at is None


@needs_shared_db
@pytest.mark.django_db(transaction=True)
def test_killed_worker_deliveries_complete_after_restart_none_twice(
    settings, merchant, worker_env, tmp_path, restore_signals
):
    settings.TASKS = DB_TASKS
    receiver = start_receiver(merchant.open_id, block_first=True)
    log = tmp_path / "worker.log"
    worker = None
    try:
        webhook_services.webhook_set(
            merchant=merchant,
            actor=merchant.owner,
            settings_by_topic=[
                CallbackSetting(topic="order", action="ENABLE", urls=(receiver.url,))
            ],
        )
        messages = [
            webhook_services.webhook_publish(
                merchant=merchant, type="ORDER", message_type="UPDATE", params={"n": n}
            )
            for n in range(MESSAGES)
        ]
        first = messages[0]

        worker = _start_worker(worker_env, log)
        assert receiver.first_arrived.wait(timeout=30), log.read_text()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.filter(status="RUNNING").count() == 1
        killed = WebhookDelivery.objects.get(message=first)
        assert (killed.status, killed.attempts_started) == (DeliveryStatus.PENDING, 1)
        assert killed.lease_token != ""
        assert WebhookAttempt.objects.count() == 0
        receiver.release.set()  # the held request answers into a closed socket

        worker = _start_worker(worker_env, log, "--recover-running-after", "0")
        _wait_for(
            lambda: (
                WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == MESSAGES
            ),
            timeout=25,
            what="every delivery to be DELIVERED",
            log=log,
        )
        _wait_for(
            lambda: not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists(),
            timeout=10,
            what="every task to finish",
            log=log,
        )
    finally:
        if worker is not None:
            _stop(worker)
        receiver.stop()

    output = log.read_text()
    assert "Re-queued 1 task(s) left running by a stopped worker." in output
    ids = [m.message_id for m in messages]
    # Each messageId accepted once; the interrupted one arrived twice (at least once).
    assert sorted(receiver.accepted) == sorted(ids)
    assert sorted(r.message_id for r in receiver.requests) == sorted([*ids, first.message_id])
    assert all(r.sign_ok for r in receiver.requests)
    for message in messages:
        delivery = WebhookDelivery.objects.get(message=message)
        assert delivery.status == DeliveryStatus.DELIVERED
        assert delivery.attempts.filter(ok=True).count() == 1
    assert list(
        WebhookAttempt.objects.filter(delivery__message=first).values_list(
            "number", "ok", "status_code"
        )
    ) == [(1, False, None), (2, True, 200)]
    assert "Traceback" not in output


@needs_shared_db
@pytest.mark.django_db(transaction=True)
def test_killed_worker_tracking_ticks_complete_after_restart_none_twice(
    settings, merchant, worker_env, tmp_path, restore_signals
):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from dropyard.logistics.models import Tracking
    from dropyard.logistics.services import sandbox_tracking_journey
    from dropyard.logistics.tests.factories import make_tracking

    settings.TASKS = DB_TASKS
    tracking = make_tracking(merchant)
    steps = len(sandbox_tracking_journey(tracking))
    tick = DBTaskResult.objects.get()
    log = tmp_path / "worker.log"
    worker = None
    try:
        with transaction.atomic():
            Tracking.objects.select_for_update().get(pk=tracking.pk)
            worker = _start_worker(worker_env, log)
            _wait_for(
                lambda: DBTaskResult.objects.filter(pk=tick.pk, status="RUNNING").exists(),
                timeout=20,
                what="the first tick to start",
                log=log,
            )
            time.sleep(0.5)  # the tick is now waiting for the row lock, mid-run
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        assert tracking.events.count() == 0
        assert DBTaskResult.objects.get(pk=tick.pk).status == "RUNNING"

        worker = _start_worker(worker_env, log, "--recover-running-after", "0")
        _wait_for(
            lambda: (
                DBTaskResult.objects.count() == steps
                and not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
            ),
            timeout=25,
            what="the whole journey to play",
            log=log,
        )
    finally:
        if worker is not None:
            _stop(worker)

    tracking.refresh_from_db()
    external_ids = list(tracking.events.values_list("external_id", flat=True))
    assert sorted(external_ids) == sorted(f"sandbox:{n}" for n in range(steps))
    assert DBTaskResult.objects.count() == steps  # each step scheduled once
    assert "Re-queued 1 task(s) left running by a stopped worker." in log.read_text()


# --- SQLite: the same webhook scenario on a database file shared by subprocesses -------------
# The SQLite test database is in memory in this process, so on SQLite a fresh database file is
# migrated and every read and write of the scenario runs in a short ``python -c`` subprocess.

SQLITE_SETUP = """
import json
from dropyard.accounts.tests.factories import make_merchant
from dropyard.webhooks import services
from dropyard.webhooks.services import CallbackSetting
merchant = make_merchant(business_name="Kill test")
services.webhook_set(merchant=merchant, actor=merchant.owner, settings_by_topic=[
    CallbackSetting(topic="order", action="ENABLE", urls=({url!r},))])
ids = [services.webhook_publish(merchant=merchant, type="ORDER", message_type="UPDATE",
                                params={{"n": n}}).message_id for n in range({count})]
print(json.dumps({{"open_id": merchant.open_id, "ids": ids}}))
"""

SQLITE_STATE = """
import json
from django_tasks_db.models import DBTaskResult
from dropyard.webhooks.models import WebhookDelivery
deliveries = WebhookDelivery.objects.select_related("message").order_by("pk")
print(json.dumps({
    "running": DBTaskResult.objects.filter(status="RUNNING").count(),
    "unfinished": DBTaskResult.objects.exclude(status="SUCCESSFUL").count(),
    "deliveries": [
        {"id": d.message.message_id, "status": d.status, "leased": bool(d.lease_token),
         "started": d.attempts_started,
         "attempts": list(d.attempts.values_list("number", "ok", "status_code"))}
        for d in deliveries
    ],
}))
"""


def _django_run(env: dict[str, str], code: str) -> dict:
    import json

    script = "import django\ndjango.setup()\n" + code
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def sqlite_env(worker_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in worker_env.items() if k != "DATABASE_URL"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "dropyard", "migrate", "--verbosity", "0"],
        env=env,
        check=True,
        timeout=120,
    )
    return env


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the PostgreSQL run has the in-process version of this test",
)
def test_killed_worker_deliveries_complete_after_restart_on_sqlite(sqlite_env, tmp_path):
    receiver = start_receiver(0, block_first=True)
    log = tmp_path / "worker.log"
    worker = None
    try:
        setup = _django_run(sqlite_env, SQLITE_SETUP.format(url=receiver.url, count=MESSAGES))
        receiver.open_id = setup["open_id"]
        ids = setup["ids"]

        worker = _start_worker(sqlite_env, log)
        assert receiver.first_arrived.wait(timeout=30), log.read_text()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        killed = _django_run(sqlite_env, SQLITE_STATE)
        receiver.release.set()

        worker = _start_worker(sqlite_env, log, "--recover-running-after", "0")
        deadline = time.monotonic() + 30
        while True:
            state = _django_run(sqlite_env, SQLITE_STATE)
            if state["unfinished"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
    finally:
        if worker is not None:
            _stop(worker)
        receiver.stop()

    first = killed["deliveries"][0]
    assert killed["running"] == 1
    assert (first["status"], first["leased"], first["started"], first["attempts"]) == (
        "PENDING",
        True,
        1,
        [],
    )
    assert state["unfinished"] == 0, log.read_text()
    assert [d["status"] for d in state["deliveries"]] == ["DELIVERED"] * MESSAGES
    assert [sum(ok for _, ok, _ in d["attempts"]) for d in state["deliveries"]] == [1] * MESSAGES
    assert [tuple(a) for a in state["deliveries"][0]["attempts"]] == [
        (1, False, None),
        (2, True, 200),
    ]
    assert sorted(receiver.accepted) == sorted(ids)
    assert sorted(r.message_id for r in receiver.requests) == sorted([*ids, ids[0]])
    assert all(r.sign_ok for r in receiver.requests)
    assert "Re-queued 1 task(s) left running by a stopped worker." in log.read_text()
