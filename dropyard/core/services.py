"""Core services: user-visible background jobs and the audit log export.

A job's row is created by ``job_create`` inside the caller's transaction, its task is enqueued on
commit, and from then on only the job's task writes it, through ``job_start``, ``job_progress``
and ``job_finish``. Each of those is a single ``UPDATE`` (no read-modify-save), so the page that
polls the job and the worker that runs it never overwrite each other.
"""

import csv
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.http import HttpRequest
from django.tasks import TaskResult
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import OPERATOR_ADMIN
from .audit import audit_record
from .choices import AuditAction, JobStatus
from .enqueue import on_commit_enqueue
from .errors import PermissionDenied
from .models import AuditEvent, Job
from .parties import MerchantRef
from .selectors import AuditFilters, audit_event_list, audit_event_list_all
from .text import formula_safe

AUDIT_EXPORT_KIND = "audit_export"
AUDIT_EXPORT_TASK = "dropyard.core.tasks.audit_export"
AUDIT_EXPORT_BATCH_SIZE = 500
AUDIT_EXPORT_HEADER = [
    "time",
    "actor",
    "action",
    "action_label",
    "merchant",
    "target_type",
    "target_id",
    "target",
    "details",
    "ip_address",
]


def _log_value(line: str) -> Concat:
    """An expression appending one time-stamped line to ``Job.log`` inside the UPDATE itself."""
    stamped = f"{timezone.now():%Y-%m-%d %H:%M:%S} {line}\n"
    return Concat(F("log"), Value(stamped), output_field=TextField())


@transaction.atomic
def job_create(
    *,
    kind: str,
    title: str,
    merchant: MerchantRef | None,
    actor: object,
    params: dict[str, Any],
    task_path: str,
    request: HttpRequest | None = None,
) -> Job:
    """Create a queued job, audit ``JOB_STARTED`` and enqueue ``task_path(job_id=…)`` on commit.

    Invariant: the task is enqueued only if the job row committed; the task result id returned by
    ``.enqueue()`` is stored on the row right after (the worker never writes that column).
    ``actor`` is any ``accounts.actors.Actor``; a logged-in user is recorded as the creator.
    """
    user = actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        merchant=merchant,  # type: ignore[misc]  # an accounts.MerchantAccount (see core.parties)
        created_by=user,
        params=params,
        log="",
    )
    audit_record(
        action=AuditAction.JOB_STARTED,
        actor=actor,
        merchant=merchant,
        target=job,
        target_label=job.title,
        details={"kind": kind, "params": params},
        request=request,
    )

    def _store_result_id(result: TaskResult) -> None:
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id)[:64])

    on_commit_enqueue(task_path, job_id=job.pk, on_enqueued=_store_result_id)
    return job


@transaction.atomic
def job_start(*, job_id: int) -> Job | None:
    """Mark the job running and reset its progress; None when the job no longer exists.

    Invariant: a second run (a worker retry) starts over from ``done = 0`` and clears the
    previous result, so a re-run ends in the same state as a first run.
    """
    updated = Job.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        done=0,
        result_file="",
        log=_log_value("Started"),
        updated_at=timezone.now(),
    )
    if not updated:
        return None
    return Job.objects.select_related("merchant", "created_by").get(pk=job_id)


@transaction.atomic
def job_progress(
    *, job_id: int, done: int | None = None, total: int | None = None, log_line: str = ""
) -> None:
    """Record progress with one UPDATE (cheap enough for every batch).

    Invariant: callers keep ``done <= total`` (a database check constraint enforces it).
    """
    updates: dict[str, Any] = {"updated_at": timezone.now()}
    if total is not None:
        updates["total"] = total
    if done is not None:
        updates["done"] = done
    if log_line:
        updates["log"] = _log_value(log_line)
    Job.objects.filter(pk=job_id).update(**updates)


@transaction.atomic
def job_finish(*, job_id: int, succeeded: bool, result_file: str = "", log_line: str = "") -> None:
    """End the job: succeeded (progress full, optional result file) or failed.

    Invariant: a finished job has ``finished_at`` set; ``result_file`` is relative to DATA_DIR.
    """
    updates: dict[str, Any] = {
        "status": JobStatus.SUCCEEDED if succeeded else JobStatus.FAILED,
        "finished_at": timezone.now(),
        "updated_at": timezone.now(),
    }
    if succeeded:
        updates["done"] = F("total")
        updates["result_file"] = result_file
    if log_line:
        updates["log"] = _log_value(log_line)
    Job.objects.filter(pk=job_id).update(**updates)


# --- Audit log export -------------------------------------------------------------------------


def audit_export_start(
    *,
    actor: object,
    merchant: MerchantRef | None,
    filters: AuditFilters,
    request: HttpRequest | None = None,
) -> Job:
    """Start a CSV export of the audit log as a job.

    With ``merchant``: that account's events only, and the actor must be its member with the
    settings area. Without: every event (the ``merchant`` filter applies), operator admins only.
    """
    if merchant is not None:
        membership = merchant.members.filter(user=actor).first()
        if membership is None or not membership.has_area("settings"):
            raise PermissionDenied(_("You need the settings permission to export the audit log"))
        title = f"Audit log export — {merchant.business_name}"
        params = {**filters.to_params(), "merchant": ""}
    else:
        if getattr(actor, "operator_role", "") != OPERATOR_ADMIN:
            raise PermissionDenied(_("Only operator admins can export the whole audit log"))
        title = "Audit log export — all merchants"
        params = filters.to_params()
    return job_create(
        kind=AUDIT_EXPORT_KIND,
        title=title,
        merchant=merchant,
        actor=actor,
        params=params,
        task_path=AUDIT_EXPORT_TASK,
        request=request,
    )


def export_relative_path(job_id: int) -> str:
    return f"exports/{job_id}.csv"


def _audit_row(event: AuditEvent) -> list[str]:
    return [
        formula_safe(value)
        for value in (
            event.created_at.isoformat(),
            event.actor_label,
            event.action,
            event.get_action_display(),
            event.merchant.account_number if event.merchant else "",
            event.target_type,
            event.target_id,
            event.target_label,
            json.dumps(event.details, sort_keys=True) if event.details else "",
            event.ip_address or "",
        )
    ]


def audit_export_run(*, job_id: int) -> Job | None:
    """Write the job's audit events to ``DATA_DIR/exports/<job id>.csv`` in batches.

    Not atomic on purpose: each batch's progress commits so the job page shows it while the
    export runs. Idempotent: the file is written beside the target and renamed over it, and the
    rows are those that existed when the run started (events with a higher id are left out), so a
    second run rewrites the same file and ends succeeded. None when the job no longer exists.
    """
    job = job_start(job_id=job_id)
    if job is None:
        return None
    filters = AuditFilters.from_params(job.params)
    merchant = job.merchant if job.merchant_id else None
    if merchant is not None:
        events = audit_event_list(merchant=merchant, filters=filters)
    else:
        events = audit_event_list_all(filters=filters)
    last_pk = events.order_by("-pk").values_list("pk", flat=True).first()
    events = events.filter(pk__lte=last_pk or 0).order_by("-pk")
    total = events.count()
    job_progress(job_id=job.pk, done=0, total=total, log_line=f"Exporting {total} audit events")

    relative = export_relative_path(job.pk)
    target = Path(settings.DATA_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    done = 0
    with partial.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(AUDIT_EXPORT_HEADER)
        below = (last_pk or 0) + 1
        while batch := list(events.filter(pk__lt=below)[:AUDIT_EXPORT_BATCH_SIZE]):
            writer.writerows(_audit_row(event) for event in batch)
            done += len(batch)
            below = batch[-1].pk
            job_progress(job_id=job.pk, done=done, log_line=f"Wrote {done} of {total} rows")
    os.replace(partial, target)
    job_finish(
        job_id=job.pk,
        succeeded=True,
        result_file=relative,
        log_line=f"Finished: {done} rows in {relative}",
    )
    job.refresh_from_db()
    return job
