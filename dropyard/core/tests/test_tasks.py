import csv

import pytest
from django.tasks import default_task_backend

from dropyard.core import services, tasks
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction, JobStatus
from dropyard.core.models import Job
from dropyard.core.selectors import AuditFilters

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def export_job(merchant, owner):
    audit_record(action=AuditAction.LOGIN, actor=owner, merchant=merchant)
    return services.audit_export_start(
        actor=owner, merchant=merchant, filters=AuditFilters(action=AuditAction.LOGIN)
    )


def test_on_commit_enqueue_is_still_exported_from_tasks():
    from dropyard.core.enqueue import on_commit_enqueue

    assert tasks.on_commit_enqueue is on_commit_enqueue


def test_audit_export_returns_result_file_and_succeeds(export_job, data_dir):
    result = tasks.audit_export.call(job_id=export_job.pk)

    export_job.refresh_from_db()
    assert result == f"exports/{export_job.pk}.csv"
    assert (export_job.status, export_job.done, export_job.total) == (JobStatus.SUCCEEDED, 1, 1)
    with (data_dir / result).open(newline="") as fh:
        assert [row[2] for row in csv.reader(fh)] == ["action", "auth.login"]


def test_audit_export_twice_ends_succeeded_with_the_same_file(export_job, data_dir):
    tasks.audit_export.call(job_id=export_job.pk)
    first = (data_dir / "exports" / f"{export_job.pk}.csv").read_bytes()

    tasks.audit_export.call(job_id=export_job.pk)

    export_job.refresh_from_db()
    assert export_job.status == JobStatus.SUCCEEDED
    assert (data_dir / "exports" / f"{export_job.pk}.csv").read_bytes() == first
    assert export_job.log.count("Started") == 2


def test_audit_export_of_deleted_job_does_nothing(data_dir):
    assert tasks.audit_export.call(job_id=99999) == ""
    assert not (data_dir / "exports").exists()


def test_audit_export_failure_marks_job_failed_and_reraises(export_job, monkeypatch):
    def broken_row(event):
        raise ValueError("cannot format")

    monkeypatch.setattr(services, "_audit_row", broken_row)

    with pytest.raises(ValueError, match="cannot format"):
        tasks.audit_export.call(job_id=export_job.pk)

    export_job.refresh_from_db()
    assert (export_job.status, export_job.result_file) == (JobStatus.FAILED, "")
    assert export_job.log.splitlines()[-1].endswith(
        "Failed (ValueError); see the worker log for details"
    )


def test_audit_export_enqueued_by_service_runs_from_captured_result(
    merchant, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())
    (queued,) = default_task_backend.results

    queued.task.call(*queued.args, **queued.kwargs)

    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED
