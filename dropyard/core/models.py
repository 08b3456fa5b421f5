"""Base models and cross-cutting records: audit events, user-visible jobs (and the items a job
committed), rate-limit counters, and the background-work bookkeeping (live task workers, periodic
jobs)."""

from django.conf import settings
from django.db import models

from .choices import AuditAction, JobStatus


class TimeStampedModel(models.Model):
    """Abstract base: creation and last-update times, set by the database layer."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One sensitive write: who did what to which object, when, from where.

    Invariant: append-only. Rows are written only by ``core.audit.audit_record`` inside the
    transaction of the write they describe, so a rolled-back write leaves no audit row.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept even if the user is deleted later, and for failed logins with an unknown email.
    actor_label = models.CharField(max_length=254, blank=True)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=254, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["merchant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class Job(TimeStampedModel):
    """A long piece of work a user started, with visible status, progress and log.

    Invariant: ``done <= total`` when ``total`` is set; status moves queued → running →
    succeeded|failed and only the job's task writes it after the job is created.
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    log = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    result_file = models.CharField(max_length=255, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total=0) | models.Q(done__lte=models.F("total")),
                name="job_done_not_over_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == JobStatus.SUCCEEDED else 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}


class JobItem(models.Model):
    """One item a job's run committed, e.g. an order number a CSV import created.

    Invariant: written in the same transaction as the item it names, so after a crash a re-run of
    the job knows exactly which items its own earlier runs made (and which someone else made).
    One row per (job, key).
    """

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "key"], name="job_item_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.key}"


class TaskWorker(models.Model):
    """A running ``dropyard worker`` of the database task queue and when it was last seen alive.

    Invariant: a live worker moves ``seen_at`` forward every DROPYARD_WORKER_HEARTBEAT_SECONDS
    (from a thread, so also during a long task). A worker not seen for
    DROPYARD_WORKER_DEAD_AFTER_SECONDS is dead: any live worker puts the tasks it left RUNNING
    back to READY and deletes its row (``core.task_recovery``).
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class PeriodicJob(models.Model):
    """When the periodic job ``name`` (declared in DROPYARD_PERIODIC_JOBS) is due next.

    Invariant: a period is enqueued at most once, however many schedulers run: a scheduler
    enqueues only after it moved ``due_at`` forward with a compare-and-set update on the value it
    read (``core.scheduler``).
    """

    name = models.CharField(max_length=80, primary_key=True)
    due_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} due {self.due_at:%Y-%m-%d %H:%M:%S}"


class RateLimitBucket(models.Model):
    """A token bucket kept as GCRA's one number: the theoretical arrival time of ``key``.

    ``tat_us`` (microseconds since the epoch) is when the bucket would be full again; a request
    passes when ``tat_us <= now + (burst - 1) * interval`` and moves it to
    ``max(tat_us, now) + interval``. Invariant: ``tat_us`` only moves through that one
    conditional ``UPDATE`` (``core.ratelimit.bucket_take``), so concurrent processes never
    admit more than the bucket allows.
    """

    key = models.CharField(max_length=120, primary_key=True)
    tat_us = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.key} full at {self.tat_us}"


class RateLimitWindow(models.Model):
    """The pass times of ``key`` inside a rolling window (``core.ratelimit.window_take``).

    ``passes_us`` holds at most ``limit`` comma-separated times (microseconds since the epoch),
    oldest first. Invariant: it changes only by a compare-and-set ``UPDATE … WHERE passes_us =
    <the value read>``, so two processes can never both take the last place in the window.
    """

    key = models.CharField(max_length=120, primary_key=True)
    passes_us = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"{self.key}: {self.passes_us}"


class IdempotencyRecord(models.Model):
    """A stored answer to a POST sent with an ``Idempotency-Key`` header.

    Invariant: one row per (owner, scope, key). A repeat with the same request hash replays
    ``response``; the same key with a different body is refused. Written by
    ``core.idempotency`` in the transaction of the write it protects.
    """

    owner = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.CASCADE, related_name="idempotency_records"
    )
    scope = models.CharField(max_length=60)  # e.g. "shopping/order/createOrderV2"
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "scope", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
