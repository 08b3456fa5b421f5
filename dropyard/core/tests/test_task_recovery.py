"""The database queue's recovery rule: only the RUNNING tasks of dead workers go back to READY."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dropyard.core import task_recovery
from dropyard.core.choices import AuditAction
from dropyard.core.errors import Conflict, NotFound
from dropyard.core.models import AuditEvent, TaskWorker
from dropyard.core.testing.tasks import DB_TASKS
from dropyard.webhooks.tasks import webhook_deliver

pytestmark = pytest.mark.django_db

DEAD_AFTER = timedelta(seconds=40)


@pytest.fixture
def rows(settings):
    settings.TASKS = DB_TASKS
    for n in range(6):
        webhook_deliver.enqueue(delivery_id=n)
    return list(DBTaskResult.objects.order_by("enqueued_at", "pk"))


def _set(row, *, status="RUNNING", started_ago=None, worker="", **extra):
    started = timezone.now() - started_ago if started_ago is not None else None
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=status, started_at=started, worker_ids=[worker] if worker else [], **extra
    )


def _beat(worker_id: str, ago: timedelta) -> None:
    task_recovery.worker_beat(worker_id=worker_id, now=timezone.now() - ago)


def test_only_tasks_of_dead_or_unknown_workers_are_requeued(rows):
    _beat("alive", timedelta(seconds=2))
    _beat("dead", timedelta(minutes=5))
    _set(rows[0], started_ago=timedelta(hours=2), worker="alive")  # a long task, worker alive
    _set(rows[1], started_ago=timedelta(minutes=6), worker="dead")
    _set(rows[2], started_ago=timedelta(minutes=6), worker="never-beat")  # a plain db_worker
    _set(rows[3], started_ago=timedelta(seconds=5), worker="never-beat")  # too young to judge
    _set(rows[4], status="SUCCESSFUL", started_ago=timedelta(hours=1), worker="dead")

    requeued = task_recovery.tasks_requeue_orphaned(dead_after=DEAD_AFTER)

    assert sorted(requeued) == sorted([str(rows[1].pk), str(rows[2].pk)])
    statuses = [DBTaskResult.objects.get(pk=r.pk).status for r in rows]
    assert statuses == ["RUNNING", "READY", "READY", "RUNNING", "SUCCESSFUL", "READY"]
    assert DBTaskResult.objects.get(pk=rows[1].pk).started_at is None
    assert list(TaskWorker.objects.values_list("pk", flat=True)) == ["alive"]  # dead row gone
    assert task_recovery.tasks_requeue_orphaned(dead_after=DEAD_AFTER) == []  # once


def test_a_task_claimed_again_meanwhile_is_left_alone(rows, monkeypatch):
    _set(rows[0], started_ago=timedelta(minutes=6), worker="dead")
    original = DBTaskResult.objects.filter

    def reclaimed_between_read_and_write(*args, **kwargs):
        if "started_at" in kwargs:  # the compare-and-set: another worker re-claimed it first
            DBTaskResult.objects.all().filter(pk=rows[0].pk).update(started_at=timezone.now())
        return original(*args, **kwargs)

    monkeypatch.setattr(DBTaskResult.objects, "filter", reclaimed_between_read_and_write)

    assert task_recovery.tasks_requeue_orphaned(dead_after=DEAD_AFTER) == []
    assert DBTaskResult.objects.get(pk=rows[0].pk).status == "RUNNING"


def test_beat_keeps_one_row_and_says_when_it_was_gone():
    assert task_recovery.worker_beat(worker_id="w") is False  # first beat: a new row
    assert task_recovery.worker_beat(worker_id="w") is True
    TaskWorker.objects.all().delete()  # taken for dead by another worker
    assert task_recovery.worker_beat(worker_id="w") is False
    assert TaskWorker.objects.count() == 1
    task_recovery.worker_retire(worker_id="w")
    assert not TaskWorker.objects.exists()


def test_worker_step_warns_when_it_had_been_taken_for_dead():
    beat, _recover = task_recovery.database_queue_steps(worker_id="w", dead_after=DEAD_AFTER)
    assert beat.run() == ""
    assert beat.run() == ""
    TaskWorker.objects.all().delete()
    assert "taken for dead" in beat.run()


def test_a_task_that_kills_every_worker_ends_failed(rows):
    DBTaskResult.objects.filter(pk=rows[0].pk).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(minutes=6),
        worker_ids=[f"dead-{n}" for n in range(task_recovery.ABANDONED_REQUEUE_LIMIT + 1)],
    )

    assert task_recovery.tasks_requeue_orphaned(dead_after=DEAD_AFTER) == []

    row = DBTaskResult.objects.get(pk=rows[0].pk)
    assert row.status == "FAILED"
    assert row.traceback == "Abandoned by 6 workers that died running it"


def test_a_worker_restarted_under_its_id_takes_back_what_its_dead_process_left_running(rows):
    _beat("w1", timedelta(seconds=1))  # the dead process's row is still fresh
    _set(rows[0], started_ago=timedelta(seconds=3), worker="w1")  # the dead process's task
    _set(rows[1], started_ago=timedelta(seconds=3), worker="w2")  # another live worker's
    beat, recover = task_recovery.database_queue_steps(worker_id="w1", dead_after=DEAD_AFTER)
    _set(rows[2], started_ago=timedelta(seconds=-1), worker="w1")  # this process's own claim

    assert recover.run() == ""  # w1 looks alive: the orphan rule alone would never see it
    assert beat.run() == "Re-queued 1 task an earlier worker w1 left running."
    assert beat.run() == ""  # only on the process's first beat

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in rows[:3]] == ["READY", "RUNNING", "RUNNING"]


# --- An operator admin enqueues a failed task again -------------------------------------------


def _failed(row):
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="builtins.ValueError",
        traceback="Traceback...\nValueError: boom",
    )


def test_retry_enqueues_the_failed_task_again_once(
    rows, operator_admin, django_capture_on_commit_callbacks
):
    _failed(rows[2])

    with django_capture_on_commit_callbacks(execute=True):
        task_recovery.task_retry(result_id=rows[2].pk, actor=operator_admin)

    new = DBTaskResult.objects.exclude(pk__in=[r.pk for r in rows]).get()
    assert (new.task_path, new.status, new.args_kwargs) == (
        "dropyard.webhooks.tasks.webhook_deliver",
        "READY",
        {"args": [], "kwargs": {"delivery_id": 2}},
    )
    assert DBTaskResult.objects.get(pk=rows[2].pk).status == "FAILED"  # kept as it was
    event = AuditEvent.objects.get(action=AuditAction.TASK_RETRIED)
    assert (event.actor, event.target_id, event.target_label) == (
        operator_admin,
        str(rows[2].pk),
        "dropyard.webhooks.tasks.webhook_deliver",
    )
    assert task_recovery.task_retried_ids([rows[2].pk, rows[3].pk]) == {str(rows[2].pk)}
    with pytest.raises(Conflict, match="already enqueued again"):
        task_recovery.task_retry(result_id=rows[2].pk, actor=operator_admin)
    assert DBTaskResult.objects.count() == 7


def test_retry_refuses_a_task_that_did_not_fail(rows, operator_admin):
    with pytest.raises(NotFound):
        task_recovery.task_retry(result_id=rows[0].pk, actor=operator_admin)

    assert DBTaskResult.objects.count() == 6
    assert not AuditEvent.objects.filter(action=AuditAction.TASK_RETRIED).exists()


def test_retry_refuses_a_task_whose_code_is_gone(rows, operator_admin):
    _failed(rows[0])
    DBTaskResult.objects.filter(pk=rows[0].pk).update(task_path="dropyard.gone.tasks.old")

    with pytest.raises(Conflict, match="no longer a task"):
        task_recovery.task_retry(result_id=rows[0].pk, actor=operator_admin)

    assert not AuditEvent.objects.filter(action=AuditAction.TASK_RETRIED).exists()
