"""Core management commands: ``worker`` (and argument checks of ``serve``)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from dropyard.core.management.commands.serve import gunicorn_options
from dropyard.core.testing.tasks import DB_TASKS

pytestmark = pytest.mark.django_db


def run_worker() -> None:
    call_command(
        "worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=StringIO()
    )


@task
def multiply(a: int, b: int) -> int:
    return a * b


# The worker closes connections it finds inside a transaction, so no test transaction here.
@pytest.mark.django_db(transaction=True)
def test_worker_runs_queued_tasks_and_stores_results(settings, restore_signals):
    settings.TASKS = DB_TASKS
    first = multiply.enqueue(a=6, b=7)
    second = multiply.enqueue(a=2, b=3)

    run_worker()

    first.refresh()
    second.refresh()
    assert DBTaskResult.objects.count() == 2
    assert (first.status, second.status) == ("SUCCESSFUL", "SUCCESSFUL")
    assert (first.return_value, second.return_value) == (42, 6)


@pytest.mark.django_db(transaction=True)
def test_worker_leaves_other_queues_alone(settings, restore_signals):
    settings.TASKS = {"default": {**DB_TASKS["default"], "QUEUES": ["default", "slow"]}}
    queued = multiply.using(queue_name="slow").enqueue(a=1, b=1)

    run_worker()

    queued.refresh()
    assert queued.status == "READY"


def test_serve_refuses_zero_workers():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("serve", "--workers", "0")


def test_serve_gunicorn_settings():
    options = {"workers": 3, "threads": 8, "timeout": 90, "access_log": True}

    config = gunicorn_options(options, ["127.0.0.1:9000"])

    assert config["bind"] == ["127.0.0.1:9000"]
    assert (config["workers"], config["threads"], config["timeout"]) == (3, 8, 90)
    assert config["worker_class"] == "gthread"
    assert config["accesslog"] == "-"
    assert config["control_socket_disable"] is True
