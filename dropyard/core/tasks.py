"""Core background tasks, and the on-commit enqueue helper every service uses.

Tasks run in ``dropyard worker`` (django-tasks-db's ``db_worker``). Each takes ids, re-fetches
its objects, calls one service, and is safe to run twice.
"""

from django.tasks import task

from . import services
from .enqueue import on_commit_enqueue
from .ratelimit import ratelimit_prune

__all__ = ["audit_export", "on_commit_enqueue", "ratelimit_buckets_prune"]


@task()
def ratelimit_buckets_prune() -> int:
    """Periodic job (``DROPYARD_PERIODIC_JOBS``, "ratelimit-prune"): drop rate-limit buckets
    that are full again; how many. Running it twice deletes nothing more."""
    return ratelimit_prune()


@task()
def audit_export(*, job_id: int) -> str:
    """Export the audit log for job ``job_id`` as CSV; return the result file ('' if no job).

    A failure is written to the job's status and log before the backend records it, so the
    person who started the export sees it on the job page.
    """
    try:
        job = services.audit_export_run(job_id=job_id)
    except Exception as exc:  # any failure must end the visible job; the backend still gets it
        services.job_finish(
            job_id=job_id,
            succeeded=False,
            log_line=f"Failed ({type(exc).__name__}); see the worker log for details",
        )
        raise
    return job.result_file if job is not None else ""
