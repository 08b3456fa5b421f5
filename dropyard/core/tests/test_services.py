import csv
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction

from dropyard.accounts.tests.factories import make_operator, make_staff
from dropyard.core import services
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction, JobStatus
from dropyard.core.errors import PermissionDenied
from dropyard.core.models import AuditEvent, Job
from dropyard.core.selectors import AuditFilters

pytestmark = pytest.mark.django_db

EXPORT_TASK = "dropyard.core.tasks.audit_export"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _create_job(merchant, actor, **overrides):
    fields = {
        "kind": "audit_export",
        "title": "Export",
        "merchant": merchant,
        "actor": actor,
        "params": {"action": ""},
        "task_path": EXPORT_TASK,
    }
    return services.job_create(**{**fields, **overrides})


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


# --- job_create ---------------------------------------------------------------------------------


def test_job_create_enqueues_task_on_commit_with_job_id(
    merchant, owner, tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _create_job(merchant, owner)

    assert [(r.task.module_path, r.args, r.kwargs) for r in tasks.results] == [
        (EXPORT_TASK, [], {"job_id": job.pk})
    ]


def test_job_create_stores_the_task_result_id(
    merchant, owner, tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _create_job(merchant, owner)

    job.refresh_from_db()
    assert job.task_result_id == tasks.results[0].id
    assert len(job.task_result_id) == 32


def test_job_create_writes_queued_row_and_audit_event(merchant, owner):
    job = _create_job(merchant, owner, params={"action": "auth.login"})

    job.refresh_from_db()
    assert (job.status, job.kind, job.merchant, job.created_by) == (
        JobStatus.QUEUED,
        "audit_export",
        merchant,
        owner,
    )
    event = AuditEvent.objects.get(action=AuditAction.JOB_STARTED)
    assert (event.merchant, event.actor, event.target_id) == (merchant, owner, str(job.pk))
    assert event.details == {"kind": "audit_export", "params": {"action": "auth.login"}}


def test_job_create_enqueues_nothing_when_rolled_back(
    merchant, owner, tasks, django_capture_on_commit_callbacks
):
    def create_then_fail():
        with transaction.atomic():
            _create_job(merchant, owner)
            raise RuntimeError("rolled back")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        create_then_fail()

    assert callbacks == []

    assert tasks.results == []
    assert Job.objects.count() == 0


# --- job_start / job_progress / job_finish ------------------------------------------------------


def test_job_start_marks_running_and_logs(merchant, owner):
    job = _create_job(merchant, owner)

    started = services.job_start(job_id=job.pk)

    assert started.status == JobStatus.RUNNING
    assert started.started_at is not None
    assert started.log.endswith(" Started\n")


def test_job_start_of_missing_job_returns_none():
    assert services.job_start(job_id=987654) is None


def test_job_start_again_resets_progress_and_result(merchant, owner):
    job = _create_job(merchant, owner)
    services.job_progress(job_id=job.pk, total=10, done=10)
    services.job_finish(job_id=job.pk, succeeded=True, result_file="exports/1.csv")

    restarted = services.job_start(job_id=job.pk)

    assert (restarted.status, restarted.done, restarted.total) == (JobStatus.RUNNING, 0, 10)
    assert (restarted.result_file, restarted.finished_at) == ("", None)


def test_job_progress_appends_log_lines_in_order(merchant, owner):
    job = _create_job(merchant, owner)

    services.job_progress(job_id=job.pk, total=4, done=1, log_line="first")
    services.job_progress(job_id=job.pk, done=3, log_line="second")

    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (3, 4, 75)
    assert [line.split(" ", 2)[2] for line in job.log.splitlines()] == ["first", "second"]


def test_job_progress_without_log_line_keeps_log(merchant, owner):
    job = _create_job(merchant, owner)
    services.job_progress(job_id=job.pk, total=2, log_line="only")

    services.job_progress(job_id=job.pk, done=1)

    job.refresh_from_db()
    assert job.log.count("\n") == 1
    assert job.done == 1


@pytest.mark.parametrize(
    ("succeeded", "result_file", "log_line", "expected"),
    [
        (True, "exports/x.csv", "ok", (JobStatus.SUCCEEDED, 7, "exports/x.csv")),
        (False, "ignored", "boom", (JobStatus.FAILED, 2, "")),
    ],
    ids=["succeeded_fills_progress", "failed_keeps_progress_and_no_file"],
)
def test_job_finish_records_the_outcome(
    merchant, owner, succeeded, result_file, log_line, expected
):
    job = _create_job(merchant, owner)
    services.job_progress(job_id=job.pk, total=7, done=2)

    services.job_finish(
        job_id=job.pk, succeeded=succeeded, result_file=result_file, log_line=log_line
    )

    job.refresh_from_db()
    assert (job.status, job.done, job.result_file) == expected
    assert job.finished_at is not None
    assert job.is_finished is True
    assert job.log.endswith(f" {log_line}\n")


# --- audit_export_start -------------------------------------------------------------------------


def test_audit_export_start_for_merchant_stores_filters(
    merchant, owner, tasks, django_capture_on_commit_callbacks
):
    filters = AuditFilters(action="auth.login", actor="ann", date_from=date(2026, 1, 2))

    with django_capture_on_commit_callbacks(execute=True):
        job = services.audit_export_start(actor=owner, merchant=merchant, filters=filters)

    assert job.merchant == merchant
    assert job.kind == "audit_export"
    assert job.params == {
        "action": "auth.login",
        "actor": "ann",
        "date_from": "2026-01-02",
        "date_to": None,
        "merchant": "",
    }
    assert [r.kwargs for r in tasks.results] == [{"job_id": job.pk}]


def test_audit_export_start_by_operator_admin_covers_all_merchants(operator_admin):
    job = services.audit_export_start(
        actor=operator_admin, merchant=None, filters=AuditFilters(merchant="Acme")
    )

    assert job.merchant is None
    assert job.params["merchant"] == "Acme"
    assert job.title == "Audit log export — all merchants"


@pytest.mark.parametrize("role", ["agent", "support", "warehouse", "finance"])
def test_audit_export_start_refuses_non_admin_operators(role, tasks):
    operator = make_operator(role=role)
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        services.audit_export_start(actor=operator, merchant=None, filters=AuditFilters())

    assert Job.objects.count() == 0
    assert AuditEvent.objects.count() == before
    assert tasks.results == []


def test_audit_export_start_refuses_staff_without_settings_area(merchant, tasks):
    staff = make_staff(merchant=merchant, permissions=["orders"])

    with pytest.raises(PermissionDenied):
        services.audit_export_start(actor=staff, merchant=merchant, filters=AuditFilters())

    assert Job.objects.count() == 0
    assert tasks.results == []


def test_audit_export_start_refuses_member_of_other_merchant(merchant, other_merchant, tasks):
    with pytest.raises(PermissionDenied):
        services.audit_export_start(
            actor=other_merchant.owner, merchant=merchant, filters=AuditFilters()
        )

    assert Job.objects.count() == 0


def test_audit_export_start_allows_staff_with_settings_area(merchant):
    staff = make_staff(merchant=merchant, permissions=["settings"])

    job = services.audit_export_start(actor=staff, merchant=merchant, filters=AuditFilters())

    assert job.created_by == staff


# --- audit_export_run ---------------------------------------------------------------------------


def test_audit_export_run_writes_only_the_merchants_filtered_events(
    merchant, other_merchant, owner, data_dir
):
    audit_record(action=AuditAction.LOGIN, actor=owner, merchant=merchant)
    audit_record(action=AuditAction.LOGIN, actor=other_merchant.owner, merchant=other_merchant)
    job = services.audit_export_start(
        actor=owner, merchant=merchant, filters=AuditFilters(action=AuditAction.LOGIN)
    )

    finished = services.audit_export_run(job_id=job.pk)

    rows = _csv_rows(data_dir / "exports" / f"{job.pk}.csv")
    assert rows[0] == services.AUDIT_EXPORT_HEADER
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [
        (owner.email, "auth.login", merchant.account_number)
    ]
    assert (finished.status, finished.done, finished.total) == (JobStatus.SUCCEEDED, 1, 1)
    assert finished.result_file == f"exports/{job.pk}.csv"


def test_audit_export_run_writes_in_batches_and_logs_progress(
    merchant, owner, data_dir, monkeypatch
):
    monkeypatch.setattr(services, "AUDIT_EXPORT_BATCH_SIZE", 2)
    for _ in range(5):
        audit_record(action=AuditAction.LOGIN, actor=owner, merchant=merchant)
    job = services.audit_export_start(
        actor=owner, merchant=merchant, filters=AuditFilters(action=AuditAction.LOGIN)
    )

    finished = services.audit_export_run(job_id=job.pk)

    assert len(_csv_rows(data_dir / finished.result_file)) == 6
    messages = [line.split(" ", 2)[2] for line in finished.log.splitlines()]
    assert messages == [
        "Started",
        "Exporting 5 audit events",
        "Wrote 2 of 5 rows",
        "Wrote 4 of 5 rows",
        "Wrote 5 of 5 rows",
        f"Finished: 5 rows in exports/{job.pk}.csv",
    ]


def test_audit_export_run_lists_all_of_the_merchants_events_newest_first(merchant, owner, data_dir):
    audit_record(action=AuditAction.LOGIN, actor=owner, merchant=merchant)
    audit_record(action=AuditAction.LOGOUT, actor=owner, merchant=merchant)
    job = services.audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())

    services.audit_export_run(job_id=job.pk)

    rows = _csv_rows(data_dir / "exports" / f"{job.pk}.csv")
    assert [r[2] for r in rows[1:]] == [
        "job.started",
        "auth.logout",
        "auth.login",
        "merchant.created",
    ]


def test_audit_export_run_twice_rewrites_same_file(merchant, owner, data_dir):
    audit_record(action=AuditAction.LOGIN, actor=owner, merchant=merchant)
    job = services.audit_export_start(
        actor=owner, merchant=merchant, filters=AuditFilters(action=AuditAction.LOGIN)
    )
    services.audit_export_run(job_id=job.pk)
    path = data_dir / "exports" / f"{job.pk}.csv"
    first = path.read_bytes()

    again = services.audit_export_run(job_id=job.pk)

    assert path.read_bytes() == first
    assert (again.status, again.done, again.total) == (JobStatus.SUCCEEDED, 1, 1)
    assert sorted(p.name for p in (data_dir / "exports").iterdir()) == [f"{job.pk}.csv"]


def test_audit_export_run_neutralises_spreadsheet_formulas(merchant, owner, data_dir):
    audit_record(
        action=AuditAction.MERCHANT_UPDATED,
        actor=owner,
        merchant=merchant,
        target_label='=HYPERLINK("http://evil")',
    )
    job = services.audit_export_start(
        actor=owner, merchant=merchant, filters=AuditFilters(action=AuditAction.MERCHANT_UPDATED)
    )

    services.audit_export_run(job_id=job.pk)

    rows = _csv_rows(data_dir / "exports" / f"{job.pk}.csv")
    assert rows[1][7] == '\'=HYPERLINK("http://evil")'


def test_audit_export_run_for_operator_applies_merchant_filter(
    merchant, other_merchant, owner, operator_admin, data_dir
):
    audit_record(action=AuditAction.LOGIN, actor=owner, merchant=merchant)
    audit_record(action=AuditAction.LOGIN, actor=other_merchant.owner, merchant=other_merchant)
    job = services.audit_export_start(
        actor=operator_admin,
        merchant=None,
        filters=AuditFilters(action=AuditAction.LOGIN, merchant=other_merchant.account_number),
    )

    services.audit_export_run(job_id=job.pk)

    rows = _csv_rows(data_dir / "exports" / f"{job.pk}.csv")
    assert [r[1] for r in rows[1:]] == [other_merchant.owner.email]


def test_audit_export_run_with_no_events_writes_header_only(merchant, owner, data_dir):
    job = services.audit_export_start(
        actor=owner, merchant=merchant, filters=AuditFilters(action=AuditAction.SIGNUP)
    )

    finished = services.audit_export_run(job_id=job.pk)

    assert _csv_rows(data_dir / finished.result_file) == [services.AUDIT_EXPORT_HEADER]
    assert (finished.status, finished.total, finished.percent) == (JobStatus.SUCCEEDED, 0, 100)


def test_audit_export_run_of_missing_job_writes_nothing(data_dir):
    assert services.audit_export_run(job_id=424242) is None
    assert not (data_dir / "exports").exists()
