"""RQ recovery on a real Redis: an abandoned job goes back on its queue (up to a limit).

Skipped without Redis, except under CI=true where a missing Redis fails the run.
"""

import time

import pytest
from django_tasks_rq import Job
from rq import Queue
from rq.job import JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry

from dropyard.core.rq_worker import ABANDONED_REQUEUE_LIMIT, rq_requeue_abandoned
from dropyard.core.testing.workers import claim_redis_db, require_redis


@pytest.fixture
def queue():
    require_redis()
    _url, client = claim_redis_db()
    try:
        yield Queue("default", connection=client, job_class=Job)
    finally:
        client.flushdb()


def _abandon(queue: Queue, job) -> None:
    """What a SIGKILLed worker leaves: the job started, its claim in the registry expired."""
    registry = StartedJobRegistry(queue=queue, job_class=queue.job_class)
    queue.connection.lrem(queue.key, 0, job.id)
    job.set_status(JobStatus.STARTED)
    queue.connection.zadd(registry.key, {f"{job.id}:dead-execution": time.time() - 1})


def test_an_abandoned_job_is_requeued_not_failed(queue):
    job = queue.enqueue("dropyard.core.testing.tasks.DB_TASKS.copy")
    _abandon(queue, job)

    assert rq_requeue_abandoned([queue]) == [job.id]

    assert queue.job_ids == [job.id]
    assert queue.fetch_job(job.id).get_status() == JobStatus.QUEUED
    assert FailedJobRegistry(queue=queue).count == 0
    assert rq_requeue_abandoned([queue]) == []  # handled once


def test_a_job_abandoned_again_and_again_ends_failed(queue):
    job = queue.enqueue("dropyard.core.testing.tasks.DB_TASKS.copy")
    for _ in range(ABANDONED_REQUEUE_LIMIT):
        _abandon(queue, job)
        rq_requeue_abandoned([queue])
    assert queue.job_ids == [job.id]

    _abandon(queue, job)
    rq_requeue_abandoned([queue])

    assert queue.job_ids == []
    assert FailedJobRegistry(queue=queue).get_job_ids() == [job.id]


def test_a_live_claim_is_left_alone(queue):
    job = queue.enqueue("dropyard.core.testing.tasks.DB_TASKS.copy")
    registry = StartedJobRegistry(queue=queue, job_class=queue.job_class)
    queue.connection.lrem(queue.key, 0, job.id)
    queue.connection.zadd(registry.key, {f"{job.id}:live": time.time() + 30})

    assert rq_requeue_abandoned([queue]) == []
    assert queue.job_ids == []
