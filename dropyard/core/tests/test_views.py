from datetime import timedelta

import pytest
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dropyard.accounts.tests.factories import make_operator, make_staff
from dropyard.core import services
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction, JobStatus
from dropyard.core.models import AuditEvent, Job
from dropyard.core.selectors import AuditFilters
from dropyard.core.tasks import audit_export

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _finished_export(merchant, actor) -> Job:
    job = services.audit_export_start(actor=actor, merchant=merchant, filters=AuditFilters())
    return services.audit_export_run(job_id=job.pk)


# --- Audit log (merchant) -----------------------------------------------------------------------


def test_audit_list_shows_only_own_merchants_events(client, merchant, owner, other_merchant):
    client.force_login(owner)  # audited as a login of this merchant's owner
    audit_record(action=AuditAction.APIKEY_CREATED, actor=owner, merchant=merchant)
    audit_record(
        action=AuditAction.APIKEY_REVOKED, actor=other_merchant.owner, merchant=other_merchant
    )

    response = client.get(reverse("core:audit_list"))

    assert response.status_code == 200
    actions = [e.action for e in response.context["page"]]
    assert actions == [
        AuditAction.APIKEY_CREATED,
        AuditAction.LOGIN,
        AuditAction.MERCHANT_CREATED,
    ]
    assert response.content.decode().count('data-testid="audit-row"') == 3
    assert other_merchant.owner.email not in response.content.decode()


def test_audit_list_filters_by_action_and_actor(client, merchant, owner):
    audit_record(action=AuditAction.LOGIN, actor_label="ann@shop.test", merchant=merchant)
    audit_record(action=AuditAction.LOGIN, actor_label="bob@shop.test", merchant=merchant)
    client.force_login(owner)

    response = client.get(reverse("core:audit_list"), {"action": "auth.login", "actor": "ann"})

    assert [e.actor_label for e in response.context["page"]] == ["ann@shop.test"]


def test_audit_list_rejects_reversed_dates_and_shows_the_error(client, owner):
    client.force_login(owner)

    response = client.get(
        reverse("core:audit_list"), {"date_from": "2026-03-05", "date_to": "2026-03-01"}
    )

    assert response.status_code == 200
    assert "The start date must not be after the end date." in response.content.decode()


def test_audit_list_paginates_25_per_page(client, merchant, owner):
    AuditEvent.objects.bulk_create(
        AuditEvent(action=AuditAction.LOGIN, merchant=merchant, actor_label=f"u{i}@x.test")
        for i in range(30)
    )
    client.force_login(owner)

    first = client.get(reverse("core:audit_list"))
    second = client.get(reverse("core:audit_list"), {"page": 2})

    # 30 logins + the merchant's creation + the test client's own login = 32 events
    assert first.context["page"].paginator.count == 32
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 7
    assert "Page 2 of 2" in second.content.decode()


def test_audit_list_htmx_renders_rows_partial(client, owner):
    client.force_login(owner)

    response = client.get(reverse("core:audit_list"), **HTMX)

    assert [t.name for t in response.templates][0] == "core/partials/_list_table.html"
    assert "<html" not in response.content.decode()


def test_audit_list_empty_filter_result_shows_empty_state(client, owner):
    client.force_login(owner)

    response = client.get(reverse("core:audit_list"), {"action": "auth.signup"})

    assert "No audit events match these filters." in response.content.decode()


def test_audit_list_refuses_staff_without_settings_area(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("core:audit_list"))

    assert response.status_code == 403


def test_audit_list_allows_staff_with_settings_area(client, merchant):
    staff = make_staff(merchant=merchant, permissions=["settings"])
    client.force_login(staff)

    response = client.get(reverse("core:audit_list"))

    assert response.status_code == 200


# --- Audit log (operators) ----------------------------------------------------------------------


def test_ops_audit_list_shows_every_merchant_and_filters_by_merchant(
    client, merchant, other_merchant, operator_admin
):
    client.force_login(operator_admin)

    everything = client.get(reverse("core:ops_audit_list"), {"action": "merchant.created"})
    filtered = client.get(
        reverse("core:ops_audit_list"),
        {"action": "merchant.created", "merchant": other_merchant.account_number},
    )

    assert {e.merchant for e in everything.context["page"]} == {merchant, other_merchant}
    assert [e.merchant for e in filtered.context["page"]] == [other_merchant]


@pytest.mark.parametrize("role", ["agent", "support", "warehouse", "finance"])
def test_ops_audit_list_is_for_admins_only(client, role):
    client.force_login(make_operator(role=role))

    assert client.get(reverse("core:ops_audit_list")).status_code == 403


def test_ops_audit_list_refuses_merchant_owner(client, owner):
    client.force_login(owner)

    assert client.get(reverse("core:ops_audit_list")).status_code == 403


# --- Export -------------------------------------------------------------------------------------


def test_audit_export_post_creates_job_with_filters_and_redirects(
    client, merchant, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:audit_export"), {"action": "auth.login", "actor": "ann"}
        )

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert (job.merchant, job.created_by) == (merchant, owner)
    assert (job.params["action"], job.params["actor"]) == ("auth.login", "ann")
    assert [r.kwargs for r in default_task_backend.results] == [{"job_id": job.pk}]


def test_audit_export_get_is_not_allowed(client, owner):
    client.force_login(owner)

    response = client.get(reverse("core:audit_export"))

    assert response.status_code == 405
    assert Job.objects.count() == 0


def test_audit_export_with_invalid_filters_starts_nothing(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("core:audit_export"), {"date_from": "2026-03-05", "date_to": "2026-03-01"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("core:audit_list")
    assert Job.objects.count() == 0
    assert default_task_backend.results == []


def test_audit_export_refused_for_staff_without_settings(client, staff_user):
    client.force_login(staff_user)

    response = client.post(reverse("core:audit_export"))

    assert response.status_code == 403
    assert Job.objects.count() == 0


def test_ops_audit_export_creates_operator_wide_job(client, operator_admin):
    client.force_login(operator_admin)

    response = client.post(reverse("core:ops_audit_export"), {"merchant": "Acme"})

    job = Job.objects.get()
    assert response["Location"] == reverse("core:ops_job_detail", args=[job.pk])
    assert (job.merchant, job.params["merchant"]) == (None, "Acme")


def test_audit_page_export_form_carries_current_filters(client, owner):
    client.force_login(owner)

    response = client.get(reverse("core:audit_list"), {"action": "auth.login", "actor": "ann"})

    html = response.content.decode()
    assert f'action="{reverse("core:audit_export")}"' in html
    assert 'type="hidden" name="action" value="auth.login"' in html
    assert 'type="hidden" name="actor" value="ann"' in html


# --- Jobs ---------------------------------------------------------------------------------------


def test_job_list_shows_own_merchants_jobs_only(client, merchant, owner, other_merchant):
    mine = services.audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())
    services.audit_export_start(
        actor=other_merchant.owner, merchant=other_merchant, filters=AuditFilters()
    )
    client.force_login(owner)

    response = client.get(reverse("core:job_list"))

    assert list(response.context["page"]) == [mine]


def test_job_list_empty_state(client, owner):
    client.force_login(owner)

    response = client.get(reverse("core:job_list"))

    assert "No jobs yet." in response.content.decode()


def test_job_list_hides_audit_exports_from_staff_without_settings(client, merchant, staff_user):
    services.audit_export_start(actor=merchant.owner, merchant=merchant, filters=AuditFilters())
    client.force_login(staff_user)

    response = client.get(reverse("core:job_list"))

    assert list(response.context["page"]) == []


def test_job_list_filters_by_status(client, merchant, owner):
    running = Job.objects.create(merchant=merchant, kind="x", title="x", status="running")
    Job.objects.create(merchant=merchant, kind="x", title="y", status="failed")
    client.force_login(owner)

    response = client.get(reverse("core:job_list"), {"status": "running"})

    assert list(response.context["page"]) == [running]


def test_job_detail_polls_while_running(client, merchant, owner):
    job = services.audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())
    client.force_login(owner)

    response = client.get(reverse("core:job_detail", args=[job.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="{reverse("core:job_detail", args=[job.pk])}"' in html
    assert 'http-equiv="refresh"' in html


def test_job_detail_htmx_returns_status_partial_without_polling_when_finished(
    client, merchant, owner, data_dir
):
    job = _finished_export(merchant, owner)
    client.force_login(owner)

    response = client.get(reverse("core:job_detail", args=[job.pk]), **HTMX)

    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "core/partials/_job_status.html"
    assert "every 1s" not in html  # the status partial stops polling
    assert 'aria-valuenow="100"' in html
    assert reverse("core:job_download", args=[job.pk]) in html
    assert "Wrote 2 of 2 rows" in html


def test_job_detail_of_other_merchants_job_is_404(client, merchant, other_merchant):
    theirs = services.audit_export_start(
        actor=other_merchant.owner, merchant=other_merchant, filters=AuditFilters()
    )
    client.force_login(merchant.owner)

    assert client.get(reverse("core:job_detail", args=[theirs.pk])).status_code == 404


def test_job_download_returns_the_csv(client, merchant, owner, data_dir):
    job = _finished_export(merchant, owner)
    client.force_login(owner)

    response = client.get(reverse("core:job_download", args=[job.pk]))

    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="audit-export-{job.pk}.csv"'
    assert (response["Cache-Control"], response["X-Content-Type-Options"]) == (
        "private, no-store",
        "nosniff",
    )
    assert body.splitlines()[0] == ",".join(services.AUDIT_EXPORT_HEADER)
    assert len(body.splitlines()) == 3


def test_job_download_before_finish_redirects_to_job(client, merchant, owner):
    job = services.audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())
    client.force_login(owner)

    response = client.get(reverse("core:job_download", args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])


def test_job_download_of_other_merchants_job_is_404(client, merchant, other_merchant, data_dir):
    theirs = _finished_export(other_merchant, other_merchant.owner)
    client.force_login(merchant.owner)

    assert client.get(reverse("core:job_download", args=[theirs.pk])).status_code == 404


def test_job_download_of_audit_export_is_404_for_staff_without_settings(
    client, merchant, staff_user, data_dir
):
    job = _finished_export(merchant, merchant.owner)
    client.force_login(staff_user)

    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_ops_job_pages_show_any_job_to_admin(client, merchant, owner, operator_admin, data_dir):
    job = _finished_export(merchant, owner)
    client.force_login(operator_admin)

    listing = client.get(reverse("core:ops_job_list"))
    detail = client.get(reverse("core:ops_job_detail", args=[job.pk]))
    download = client.get(reverse("core:ops_job_download", args=[job.pk]))

    assert list(listing.context["page"]) == [job]
    assert detail.status_code == 200
    assert reverse("core:ops_job_download", args=[job.pk]) in detail.content.decode()
    assert download.status_code == 200


def test_ops_job_detail_refuses_agent(client, merchant, owner, agent):
    job = services.audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())
    client.force_login(agent)

    assert client.get(reverse("core:ops_job_detail", args=[job.pk])).status_code == 403


def test_ops_job_detail_missing_is_404(client, operator_admin):
    client.force_login(operator_admin)

    assert client.get(reverse("core:ops_job_detail", args=[99999])).status_code == 404


def test_failed_job_shows_failure_without_download(client, merchant, owner):
    job = services.audit_export_start(actor=owner, merchant=merchant, filters=AuditFilters())
    services.job_finish(job_id=job.pk, succeeded=False, log_line="Failed (OSError)")
    client.force_login(owner)

    response = client.get(reverse("core:job_detail", args=[job.pk]))

    html = response.content.decode()
    assert str(JobStatus.FAILED.label) in html
    assert "Failed (OSError)" in html
    assert reverse("core:job_download", args=[job.pk]) not in html
    assert "every 1s" not in html  # the status partial stops polling


# --- Failed tasks (back office) -----------------------------------------------------------------


def _failed_task(job_id, *, error="ValueError: boom"):
    result = audit_export.using(backend="db").enqueue(job_id=job_id)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="FAILED",
        finished_at=timezone.now() - timedelta(minutes=job_id),
        exception_class_path="builtins.ValueError",
        traceback=f"Traceback (most recent call last):\n  ...\n{error}",
    )
    return DBTaskResult.objects.get(pk=result.id)


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {
        "default": settings.TASKS["default"],
        "db": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }


def test_ops_failed_tasks_lists_and_searches_failed_tasks(client, operator_admin, db_tasks):
    newest, older = _failed_task(1), _failed_task(2, error="KeyError: 'sku'")
    client.force_login(operator_admin)
    url = reverse("core:ops_task_failed_list")

    page = client.get(url)
    searched = client.get(url, {"q": "keyerror"})

    html = page.content.decode()
    assert [r.pk for r in page.context["page"].object_list] == [newest.pk, older.pk]
    assert "KeyError: &#x27;sku&#x27;" in html
    assert "{&quot;job_id&quot;: 1}" in html
    assert html.count('data-testid="failed-task-row"') == 2
    assert [r.pk for r in searched.context["page"].object_list] == []  # the class, not the text
    assert [
        r.pk for r in client.get(url, {"q": "core.tasks.audit"}).context["page"].object_list
    ] == [newest.pk, older.pk]


def test_ops_failed_tasks_bulk_retry(
    client, operator_admin, db_tasks, django_capture_on_commit_callbacks
):
    failed = _failed_task(1)
    client.force_login(operator_admin)
    url = reverse("core:ops_task_failed_list")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "retry", "ids": [str(failed.pk)]}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["1 task enqueued again."]
    assert [(r.task.name, r.kwargs) for r in default_task_backend.results] == [
        ("audit_export", {"job_id": 1})
    ]
    assert [r.retried for r in response.context["page"].object_list] == [True]
    assert AuditEvent.objects.filter(action=AuditAction.TASK_RETRIED).count() == 1


def test_ops_failed_tasks_on_rq_points_to_the_rq_jobs_page(
    client, operator_admin, db_tasks, settings
):
    settings.DROPYARD_TASK_BACKEND = "rq"
    client.force_login(operator_admin)

    html = client.get(reverse("core:ops_task_failed_list")).content.decode()

    note = html.split('data-testid="rq-note">', 1)[1].split("</div>", 1)[0]
    assert f'href="{reverse("core:ops_rq_failed_list")}"' in note
    assert "Failed RQ jobs" in note


@pytest.mark.parametrize("role", ["support", "finance", "agent", "warehouse"])
def test_ops_failed_tasks_is_for_admins_only(client, role):
    client.force_login(make_operator(role=role))

    assert client.get(reverse("core:ops_task_failed_list")).status_code == 403


def test_audit_list_shows_details_as_labelled_escaped_text(client, merchant, owner):
    audit_record(
        action=AuditAction.REFUND_ISSUED,
        actor=owner,
        merchant=merchant,
        details={
            "amount_minor": 1250,
            "currency": "USD",
            "order_id": 3,
            "order": "DY00000042",
            "reason": "<script>alert(1)</script>",
            "lines": [{"sku": "SKU-1", "quantity": 2}],
        },
    )
    client.force_login(owner)

    html = client.get(reverse("core:audit_list")).content.decode()

    row = html[html.index(">Refund issued</td>") :]
    cell = row[row.index('data-label="Details" class="audit-details') :]
    cell = cell[: cell.index("</td>")]
    assert '<span class="text-secondary">Amount:</span> $12.50</span>' in cell
    assert '<span class="text-secondary">Order:</span> DY00000042</span>' in cell
    assert "Order id" not in cell
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cell
    assert "<script>alert" not in cell
    assert "Lines:</span> (Sku: SKU-1, Quantity: 2)" in cell
    assert "{" not in cell
