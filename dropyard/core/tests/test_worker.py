"""The real django-tasks-db backend runs our job task end to end, as ``dropyard worker`` does."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from dropyard.core import services
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction, JobStatus
from dropyard.core.models import Job
from dropyard.core.selectors import AuditFilters
from dropyard.core.testing.tasks import DB_TASKS

pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=StringIO()
    )


def test_db_worker_runs_audit_export_job(
    settings, tmp_path, merchant, owner, restore_signals, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    settings.DATA_DIR = tmp_path
    audit_record(action=AuditAction.LOGIN, actor=owner, merchant=merchant)
    audit_record(action=AuditAction.LOGOUT, actor=owner, merchant=merchant)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.audit_export_start(
            actor=owner, merchant=merchant, filters=AuditFilters(actor=owner.email)
        )

    _run_worker()

    job.refresh_from_db()
    task_result = DBTaskResult.objects.get()
    assert job.task_result_id == str(task_result.id)
    assert task_result.status == "SUCCESSFUL"
    assert task_result.return_value == f"exports/{job.pk}.csv"
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.SUCCEEDED, 4, 4, 100)
    with (tmp_path / job.result_file).open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert [(row[1], row[2]) for row in rows[1:]] == [
        (owner.email, "job.started"),
        (owner.email, "auth.logout"),
        (owner.email, "auth.login"),
        (owner.email, "merchant.created"),
    ]


def test_db_worker_leaves_nothing_queued_after_two_jobs(
    settings, tmp_path, merchant, owner, restore_signals, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    settings.DATA_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        first = services.audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())
        second = services.audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())

    _run_worker()

    assert sorted(Job.objects.values_list("pk", "status")) == [
        (first.pk, JobStatus.SUCCEEDED),
        (second.pk, JobStatus.SUCCEEDED),
    ]
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == [
        "SUCCESSFUL",
        "SUCCESSFUL",
    ]
