"""The back office's list of failed RQ jobs on a real Redis: jobs that really failed in an RQ
worker are listed (sorted, paged, searched, exported, htmx), requeued (and run again) or
deleted, each audited; on the database backend or without Redis the page says so.

The Redis tests skip without Redis, except under CI=true where a missing Redis fails the run.
"""

import pytest
from django.urls import reverse
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import FailedJobRegistry

from dropyard.accounts.tests.factories import make_operator
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/system/ops/tasks/failed/rq/"
KEY_ERROR_TASK = "dropyard.core.testing.tasks.DB_TASKS.pop"  # dict.pop("missing"): KeyError
VALUE_ERROR_TASK = "builtins.int"  # int("x"): ValueError


@pytest.fixture
def admin_client(client, operator_admin):
    client.force_login(operator_admin)
    return client


def _fail(queue: Queue, *calls: tuple[str, str]) -> list[str]:
    """Enqueue each (task, argument) and let a real RQ worker run them all: they fail."""
    jobs = [queue.enqueue(task, argument) for task, argument in calls]
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    failed = set(FailedJobRegistry(queue=queue).get_job_ids(cleanup=False))
    assert {job.id for job in jobs} <= failed
    return [job.id for job in jobs]


def _ids(response) -> list[str]:
    return [job.job_id for job in response.context["page"].object_list]


def test_a_job_that_really_failed_is_listed_with_its_error(admin_client, rq_redis):
    queue = Queue("default", connection=rq_redis)
    [job_id] = _fail(queue, (KEY_ERROR_TASK, "missing"))

    response = admin_client.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert _ids(response) == [job_id]
    assert f'data-testid="rq-failed-{job_id}"' in html
    assert KEY_ERROR_TASK in html
    assert "KeyError: &#x27;missing&#x27;" in html  # the traceback's last line
    assert 'data-label="Task"' in html  # phone cards name each cell
    assert 'data-testid="rq-requeue"' in html
    assert 'data-confirm="Put the ticked jobs back on their queue? They run again."' in html


def test_requeue_puts_the_job_back_and_a_worker_runs_it_again(admin_client, rq_redis):
    queue = Queue("default", connection=rq_redis)
    [job_id] = _fail(queue, (KEY_ERROR_TASK, "missing"))

    response = admin_client.post(reverse("core:ops_rq_failed_requeue"), {"ids": [job_id]})

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert queue.job_ids == [job_id]
    assert FailedJobRegistry(queue=queue).count == 0
    event = AuditEvent.objects.get(action=AuditAction.TASK_RETRIED)
    assert event.details == {
        "backend": "rq",
        "job_id": job_id,
        "queue": "default",
        "task": KEY_ERROR_TASK,
        "exception": "",
    }
    assert _ids(admin_client.get(LIST)) == []
    SimpleWorker([queue], connection=rq_redis).work(burst=True)  # it runs, and fails again
    assert FailedJobRegistry(queue=queue).get_job_ids(cleanup=False) == [job_id]
    assert _ids(admin_client.get(LIST)) == [job_id]


def test_delete_removes_the_job_and_is_audited(admin_client, rq_redis):
    queue = Queue("default", connection=rq_redis)
    gone, kept = _fail(queue, (KEY_ERROR_TASK, "a"), (KEY_ERROR_TASK, "b"))

    admin_client.post(reverse("core:ops_rq_failed_delete"), {"ids": [gone]})

    assert FailedJobRegistry(queue=queue).get_job_ids(cleanup=False) == [kept]
    assert Job.exists(gone, connection=rq_redis) is False
    assert _ids(admin_client.get(LIST)) == [kept]
    event = AuditEvent.objects.get(action=AuditAction.TASK_DELETED)
    assert event.details["job_id"] == gone


def test_an_unknown_job_is_refused_and_nothing_changes(admin_client, rq_redis):
    queue = Queue("default", connection=rq_redis)
    [job_id] = _fail(queue, (KEY_ERROR_TASK, "missing"))
    waiting = queue.enqueue(KEY_ERROR_TASK, "waits")  # on the queue, not failed

    response = admin_client.post(
        reverse("core:ops_rq_failed_delete"), {"ids": ["no-such-job", waiting.id]}, follow=True
    )

    assert "no failed job no-such-job" in response.content.decode()
    assert Job.exists(waiting.id, connection=rq_redis)
    assert FailedJobRegistry(queue=queue).get_job_ids(cleanup=False) == [job_id]
    assert not AuditEvent.objects.filter(action=AuditAction.TASK_DELETED).exists()


def test_the_list_sorts_searches_pages_and_exports(admin_client, rq_redis):
    queue = Queue("default", connection=rq_redis)
    value_errors = _fail(queue, *[(VALUE_ERROR_TASK, "x")] * 25)
    [key_error] = _fail(queue, (KEY_ERROR_TASK, "missing"))

    first = admin_client.get(LIST)
    assert _ids(first)[0] == key_error  # the latest failure first
    assert len(_ids(first)) == 25
    assert len(_ids(admin_client.get(LIST, {"page": "2"}))) == 1
    assert _ids(admin_client.get(LIST, {"sort": "-task"}))[0] == key_error  # dropyard… > builtins…
    assert _ids(admin_client.get(LIST, {"sort": "task", "per_page": "50"}))[-1] == key_error
    assert _ids(admin_client.get(LIST, {"q": "DB_TASKS"})) == [key_error]
    assert sorted(_ids(admin_client.get(LIST, {"q": "builtins", "per_page": "50"}))) == sorted(
        value_errors
    )

    export = admin_client.get(LIST, {"export": "csv", "q": "DB_TASKS"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == "Failed,Task,Error,Queue,Job id"
    assert rows[1].endswith(f",{KEY_ERROR_TASK},KeyError: 'missing',default,{key_error}")

    partial = admin_client.get(LIST, {"q": "DB_TASKS"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'data-testid="rq-failed-table"' in html
    assert 'data-testid="filter-form"' not in html
    assert "<html" not in html


def test_the_database_backend_says_rq_is_not_configured(admin_client, settings):
    settings.DROPYARD_TASK_BACKEND = "db"

    for query in ({}, {"q": "x"}, {"sort": "-task", "page": "3"}):
        response = admin_client.get(LIST, query)
        assert response.status_code == 200
        assert 'data-testid="rq-not-configured"' in response.content.decode()
    assert 'data-testid="rq-requeue"' not in response.content.decode()
    export = admin_client.get(LIST, {"export": "csv"})
    assert b"".join(export.streaming_content).decode("utf-8-sig").splitlines() == [
        "Failed,Task,Error,Queue,Job id"
    ]
    refused = admin_client.post(reverse("core:ops_rq_failed_requeue"), {"ids": ["x"]}, follow=True)
    assert "The task backend is not RQ" in refused.content.decode()


def test_redis_that_does_not_answer_is_said_not_a_500(admin_client, settings):
    settings.DROPYARD_TASK_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens

    response = admin_client.get(LIST)
    action = admin_client.post(reverse("core:ops_rq_failed_requeue"), {"ids": ["x"]}, follow=True)

    assert response.status_code == 200
    assert 'data-testid="rq-unreachable"' in response.content.decode()
    assert "Redis does not answer: try again in a moment." in action.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.TASK_RETRIED).exists()


def test_only_admins_open_the_page(client, settings):
    settings.DROPYARD_TASK_BACKEND = "db"
    client.force_login(make_operator(role="support"))

    assert client.get(LIST).status_code == 403
    assert client.post(reverse("core:ops_rq_failed_requeue"), {"ids": ["x"]}).status_code == 403
