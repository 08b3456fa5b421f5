"""The RQ backend's queue as the admin's system health shows it (DROPYARD_TASK_BACKEND=rq).

RQ keeps its state in Redis, not in the database: the workers (``rq:workers:<queue>``, one hash
per worker whose key RQ lets expire when the worker stops beating), the waiting jobs (the
queue's list), the running ones (the started registry, scored by when each claim expires) and
the failed ones (the failed registry). This module only *reads* those keys: RQ's own helpers
(``Worker.all``, ``registry.count``) clean the registries as they read them, and that cleanup
would fail an abandoned job that ``dropyard worker`` re-queues instead (``core.rq_worker``).

Imported only when the RQ backend is configured (rq and redis are the optional ``rq`` extra).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from django.conf import settings
from django.utils import timezone
from django_rq.connection_utils import get_redis_connection
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.utils import str_to_date
from rq.worker_registration import get_keys

# A health page must answer even when Redis does not.
REDIS_TIMEOUT_SECONDS = 2
# Failed jobs read per queue to count the recent ones (the latest failures; RQ keeps a year).
FAILED_SCAN_LIMIT = 1000


@dataclass(frozen=True)
class RQQueueState:
    """The RQ queues right now: live workers and their latest beat, jobs waiting (and since
    when the oldest), jobs running with a live claim, jobs failed since the asked time."""

    workers_alive: int
    last_seen: datetime | None
    ready: int
    running: int
    oldest: datetime | None
    failed: int


def task_queue_names() -> list[str]:
    """The queues the task backend uses (``TASKS["default"]["QUEUES"]``, else "default")."""
    return list(settings.TASKS["default"].get("QUEUES") or ["default"])


def rq_connection(queue_name: str) -> redis.Redis:
    """A Redis client for ``queue_name`` as RQ_QUEUES configures it, with short timeouts."""
    config = getattr(settings, "RQ_QUEUES", {}).get(queue_name)
    if config is None:  # a queue RQ_QUEUES does not configure: no task of it can run
        raise redis.ConnectionError(f"RQ_QUEUES has no queue {queue_name!r}")
    if "URL" in config:
        return redis.Redis.from_url(
            config["URL"],
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
    return get_redis_connection(config)


def _dates(connection: redis.Redis, job_ids: Sequence[Any], field: str) -> list[datetime]:
    """``field`` (an RQ date) of each job that still has it, in one round trip."""
    pipeline = connection.pipeline(transaction=False)
    for job_id in job_ids:
        job_id = job_id.decode() if isinstance(job_id, bytes) else job_id
        pipeline.hget(Job.key_for(job_id.split(":", 1)[0]), field)
    return [str_to_date(value) for value in pipeline.execute() if value]


def rq_queue_state(*, queue_names: Sequence[str], failed_since: datetime) -> RQQueueState | None:
    """The state of ``queue_names`` (as RQ_QUEUES configures them), or None when Redis does not
    answer. A worker is alive while RQ keeps its key (RQ's own rule: the key expires a TTL
    after the last beat); a job runs while its claim in the started registry has not expired."""
    workers: dict[str, datetime | None] = {}
    ready = running = failed = 0
    oldest: datetime | None = None
    now_ts = timezone.now().timestamp()
    try:
        for name in queue_names:
            connection = rq_connection(name)
            queue = Queue(name, connection=connection)
            pipeline = connection.pipeline(transaction=False)
            keys = sorted(get_keys(queue=queue))
            for key in keys:
                pipeline.hget(key, "last_heartbeat")
            beats = pipeline.execute()
            for key, beat in zip(keys, beats, strict=True):
                if beat is not None or connection.exists(key):
                    workers[key] = str_to_date(beat) if beat else None
            ready += queue.count
            first = connection.lindex(queue.key, 0)
            for enqueued in _dates(connection, [first] if first else [], "enqueued_at"):
                oldest = enqueued if oldest is None else min(oldest, enqueued)
            started = StartedJobRegistry(queue=queue).key
            running += connection.zcount(started, now_ts, "+inf")
            recent = connection.zrange(FailedJobRegistry(queue=queue).key, -FAILED_SCAN_LIMIT, -1)
            failed += sum(
                1 for ended in _dates(connection, recent, "ended_at") if ended >= failed_since
            )
    except redis.RedisError:  # refused, timed out, or not Redis: the page says so
        return None
    beats = [beat for beat in workers.values() if beat is not None]
    return RQQueueState(
        workers_alive=len(workers),
        last_seen=max(beats) if beats else None,
        ready=ready,
        running=running,
        oldest=oldest,
        failed=failed,
    )
