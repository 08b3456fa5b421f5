from datetime import UTC, date, datetime

import pytest

from dropyard.accounts.tests.factories import make_staff
from dropyard.core import selectors, services
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction, JobStatus
from dropyard.core.errors import NotFound
from dropyard.core.models import AuditEvent, Job
from dropyard.core.selectors import AuditFilters

pytestmark = pytest.mark.django_db


def _event_at(when: datetime, **fields) -> AuditEvent:
    event = audit_record(**fields)
    AuditEvent.objects.filter(pk=event.pk).update(created_at=when)
    return event


def _job(merchant, *, kind="audit_export", status=JobStatus.QUEUED) -> Job:
    return Job.objects.create(merchant=merchant, kind=kind, title=kind, status=status)


# --- AuditFilters -------------------------------------------------------------------------------


def test_audit_filters_round_trip_through_job_params():
    filters = AuditFilters(
        action="auth.login",
        actor="ann@",
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31),
        merchant="DY1",
    )

    assert AuditFilters.from_params(filters.to_params()) == filters


def test_audit_filters_from_empty_params_filter_nothing():
    assert AuditFilters.from_params({}) == AuditFilters()


# --- audit_event_list ---------------------------------------------------------------------------


def test_audit_event_list_is_scoped_to_the_merchant(merchant, other_merchant):
    mine = audit_record(action=AuditAction.LOGIN, actor=merchant.owner, merchant=merchant)
    audit_record(action=AuditAction.LOGIN, actor=other_merchant.owner, merchant=other_merchant)
    audit_record(action=AuditAction.LOGIN_FAILED, actor_label="who@example.test")

    events = selectors.audit_event_list(
        merchant=merchant, filters=AuditFilters(action=AuditAction.LOGIN)
    )

    assert list(events) == [mine]


def test_audit_event_list_ignores_the_merchant_filter(merchant, other_merchant):
    filters = AuditFilters(merchant=other_merchant.account_number)

    events = selectors.audit_event_list(merchant=merchant, filters=filters)

    assert [e.action for e in events] == [AuditAction.MERCHANT_CREATED]


def test_audit_event_list_filters_actor_email_case_insensitively(merchant):
    ann = audit_record(action=AuditAction.LOGIN, actor_label="ann@shop.test", merchant=merchant)
    audit_record(action=AuditAction.LOGIN, actor_label="bob@shop.test", merchant=merchant)

    events = selectors.audit_event_list(merchant=merchant, filters=AuditFilters(actor="ANN@"))

    assert list(events) == [ann]


def test_audit_event_list_date_range_is_inclusive(merchant):
    AuditEvent.objects.filter(merchant=merchant).delete()
    _event_at(datetime(2026, 3, 1, 23, 59, tzinfo=UTC), action=AuditAction.LOGIN, merchant=merchant)
    inside = _event_at(
        datetime(2026, 3, 2, 0, 0, tzinfo=UTC), action=AuditAction.LOGIN, merchant=merchant
    )
    last = _event_at(
        datetime(2026, 3, 3, 23, 59, tzinfo=UTC), action=AuditAction.LOGIN, merchant=merchant
    )
    _event_at(datetime(2026, 3, 4, 0, 0, tzinfo=UTC), action=AuditAction.LOGIN, merchant=merchant)

    events = selectors.audit_event_list(
        merchant=merchant,
        filters=AuditFilters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 3)),
    )

    assert list(events) == [last, inside]


def test_audit_event_list_all_filters_by_account_number_or_name(merchant, other_merchant):
    by_number = selectors.audit_event_list_all(
        filters=AuditFilters(merchant=other_merchant.account_number.lower())
    )
    by_name = selectors.audit_event_list_all(filters=AuditFilters(merchant="acme drop"))

    assert [e.merchant for e in by_number] == [other_merchant]
    assert [e.merchant for e in by_name] == [merchant]


def test_audit_event_list_all_includes_events_without_merchant(merchant):
    failed = audit_record(action=AuditAction.LOGIN_FAILED, actor_label="x@example.test")

    events = selectors.audit_event_list_all(filters=AuditFilters(action=AuditAction.LOGIN_FAILED))

    assert list(events) == [failed]


def test_audit_event_recent_returns_newest_first_up_to_limit(merchant):
    for action in (AuditAction.LOGIN, AuditAction.LOGOUT, AuditAction.LOGIN):
        audit_record(action=action, merchant=merchant)

    recent = selectors.audit_event_recent(merchant=merchant, limit=2)

    assert [e.action for e in recent] == [AuditAction.LOGIN, AuditAction.LOGOUT]


# --- jobs ---------------------------------------------------------------------------------------


def test_job_list_for_member_is_scoped_to_the_merchant(merchant, other_merchant):
    mine = _job(merchant)
    _job(other_merchant)
    _job(None)

    jobs = selectors.job_list_for_member(membership=merchant.members.get(user=merchant.owner))

    assert list(jobs) == [mine]


def test_job_list_for_member_hides_kinds_needing_an_area_they_lack(merchant):
    _job(merchant, kind="audit_export")
    other = _job(merchant, kind="catalog_import")
    staff = make_staff(merchant=merchant, permissions=["orders"])

    jobs = selectors.job_list_for_member(membership=merchant.members.get(user=staff))

    assert list(jobs) == [other]


def test_job_list_for_member_filters_by_status(merchant):
    done = _job(merchant, status=JobStatus.SUCCEEDED)
    _job(merchant, status=JobStatus.QUEUED)

    jobs = selectors.job_list_for_member(
        membership=merchant.members.get(user=merchant.owner), status=JobStatus.SUCCEEDED
    )

    assert list(jobs) == [done]


def test_job_get_for_member_refuses_another_merchants_job(merchant, other_merchant):
    theirs = _job(other_merchant)

    with pytest.raises(NotFound):
        selectors.job_get_for_member(
            membership=merchant.members.get(user=merchant.owner), pk=theirs.pk
        )


def test_job_get_for_member_refuses_hidden_kind(merchant):
    export = _job(merchant, kind="audit_export")
    staff = make_staff(merchant=merchant, permissions=[])

    with pytest.raises(NotFound):
        selectors.job_get_for_member(membership=merchant.members.get(user=staff), pk=export.pk)


def test_job_list_returns_every_job_newest_first(merchant, other_merchant):
    first, second, third = _job(merchant), _job(other_merchant), _job(None)

    assert list(selectors.job_list()) == [third, second, first]


def test_job_get_missing_raises_not_found():
    with pytest.raises(NotFound):
        selectors.job_get(pk=123456)


def test_job_result_path_of_succeeded_job(merchant, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "9.csv").write_text("time\n")
    job = _job(merchant, status=JobStatus.SUCCEEDED)
    job.result_file = "exports/9.csv"

    assert selectors.job_result_path(job=job) == tmp_path / "exports" / "9.csv"


@pytest.mark.parametrize(
    ("status", "result_file"),
    [
        (JobStatus.RUNNING, "exports/9.csv"),
        (JobStatus.SUCCEEDED, ""),
        (JobStatus.SUCCEEDED, "exports/missing.csv"),
        (JobStatus.SUCCEEDED, "../outside.csv"),
        (JobStatus.SUCCEEDED, "secret_key"),
        (JobStatus.SUCCEEDED, "private/supplier/licence/doc.pdf"),
    ],
)
def test_job_result_path_is_none_without_a_file_inside_the_exports_folder(
    merchant, settings, tmp_path, status, result_file
):
    settings.DATA_DIR = tmp_path / "data"
    (tmp_path / "data" / "exports").mkdir(parents=True)
    (tmp_path / "data" / "exports" / "9.csv").write_text("time\n")
    (tmp_path / "outside.csv").write_text("secret\n")
    (tmp_path / "data" / "secret_key").write_text("secret\n")
    (tmp_path / "data" / "private" / "supplier" / "licence").mkdir(parents=True)
    (tmp_path / "data" / "private" / "supplier" / "licence" / "doc.pdf").write_text("%PDF-\n")
    job = _job(merchant, status=status)
    job.result_file = result_file

    assert selectors.job_result_path(job=job) is None


def test_job_created_by_service_is_visible_to_owner(merchant):
    job = services.audit_export_start(
        actor=merchant.owner, merchant=merchant, filters=AuditFilters()
    )

    found = selectors.job_get_for_member(
        membership=merchant.members.get(user=merchant.owner), pk=job.pk
    )

    assert found == job
