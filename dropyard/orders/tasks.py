"""Order background tasks. Each takes ids, re-fetches its objects and is safe to run twice."""

from django.tasks import task

from dropyard.core import services as core_services

from . import csv_io


@task()
def orders_csv_import(*, job_id: int) -> str:
    """Import the CSV uploaded for job ``job_id`` (``csv_io.import_run``); return the error
    report's path ('' if there is no such job).

    A crash still ends the visible job (failed, with a log line) before the backend records it.
    """
    try:
        job = csv_io.import_run(job_id=job_id)
    except Exception as exc:  # the merchant must see the job end; the backend still gets it
        core_services.job_finish(
            job_id=job_id,
            succeeded=False,
            log_line=f"Failed ({type(exc).__name__}); see the worker log for details",
        )
        raise
    return job.result_file if job is not None else ""
