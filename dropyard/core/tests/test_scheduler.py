"""The scheduler of periodic jobs: each period enqueued once, however many workers tick."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dropyard.core import scheduler
from dropyard.core.models import PeriodicJob

pytestmark = pytest.mark.django_db

RESUME = "dropyard.logistics.tasks.sandbox_carrier_resume"


@pytest.fixture
def one_job(settings):
    settings.DROPYARD_PERIODIC_JOBS = {"resume": {"task": RESUME, "every_seconds": 60}}
    return scheduler.periodic_jobs()[0]


def test_declared_jobs_are_read_from_settings():
    names = [job.name for job in scheduler.periodic_jobs()]
    assert "sandbox-carrier-resume" in names


def test_a_period_is_taken_once_then_the_next_one(one_job):
    now = timezone.now()

    assert scheduler.periodic_claim(job=one_job, now=now) is True  # new job: due now
    assert scheduler.periodic_claim(job=one_job, now=now) is False
    assert scheduler.periodic_claim(job=one_job, now=now + timedelta(seconds=59)) is False
    assert scheduler.periodic_claim(job=one_job, now=now + timedelta(seconds=60)) is True
    assert PeriodicJob.objects.get().due_at == now + timedelta(seconds=120)


def test_missed_periods_are_not_caught_up_one_by_one(one_job):
    now = timezone.now()
    scheduler.periodic_claim(job=one_job, now=now)
    later = now + timedelta(hours=3)

    assert scheduler.periodic_claim(job=one_job, now=later) is True
    assert scheduler.periodic_claim(job=one_job, now=later + timedelta(seconds=1)) is False
    assert PeriodicJob.objects.get().due_at == later + timedelta(seconds=60)


def test_a_stale_read_loses_the_compare_and_set(one_job, monkeypatch):
    now = timezone.now()
    PeriodicJob.objects.create(name="resume", due_at=now)
    original = PeriodicJob.objects.get_or_create

    def another_worker_wins_first(**kwargs):
        row, created = original(**kwargs)
        PeriodicJob.objects.filter(pk=row.pk).update(due_at=now + timedelta(seconds=60))
        return row, created  # this caller still holds the old due_at

    monkeypatch.setattr(PeriodicJob.objects, "get_or_create", another_worker_wins_first)

    assert scheduler.periodic_claim(job=one_job, now=now) is False


def test_tick_enqueues_due_jobs_once(one_job, tasks):
    now = timezone.now()

    assert scheduler.scheduler_tick(now=now) == ["resume"]
    assert scheduler.scheduler_tick(now=now) == []

    assert [r.task.module_path for r in tasks.results] == [RESUME]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_concurrent_schedulers_enqueue_a_period_once(one_job):
    now = timezone.now()
    PeriodicJob.objects.create(name="resume", due_at=now)
    wins: list[bool] = []
    barrier = threading.Barrier(6)

    def tick() -> None:
        barrier.wait()
        try:
            wins.append(scheduler.periodic_claim(job=one_job, now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(wins) == [False] * 5 + [True]
