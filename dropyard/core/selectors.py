"""Core selectors: reads of the audit log and of user-visible jobs, always scoped by the caller."""

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.tasks import TaskResultStatus
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from .choices import JobStatus
from .errors import NotFound
from .models import AuditEvent, Job
from .parties import MerchantRef

# Job kinds whose rows and result files need a permission area beyond plain membership.
# A member without the area neither sees such jobs nor downloads their files.
JOB_KIND_AREAS: dict[str, str] = {
    "audit_export": "settings",
    "orders_csv_import": "orders",
    "store_listing": "stores",
}


@dataclass(frozen=True)
class AuditFilters:
    """Filters of the audit log pages and of the audit export job (stored in ``Job.params``).

    ``merchant`` (account number or business name) applies to operator-wide lists only.
    """

    action: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None
    merchant: str = ""

    def to_params(self) -> dict[str, Any]:
        """JSON-serialisable form, for ``Job.params``."""
        params = asdict(self)
        for key in ("date_from", "date_to"):
            params[key] = params[key].isoformat() if params[key] else None
        return params

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "AuditFilters":
        def _date(value: Any) -> date | None:
            return date.fromisoformat(value) if value else None

        return cls(
            action=params.get("action") or "",
            actor=params.get("actor") or "",
            date_from=_date(params.get("date_from")),
            date_to=_date(params.get("date_to")),
            merchant=params.get("merchant") or "",
        )


def _apply_audit_filters(qs: QuerySet[AuditEvent], filters: AuditFilters) -> QuerySet[AuditEvent]:
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.actor:
        qs = qs.filter(actor_label__icontains=filters.actor)
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    return qs


def audit_event_list(
    *, merchant: MerchantRef, filters: AuditFilters = AuditFilters()
) -> QuerySet[AuditEvent]:
    """One merchant account's audit events, newest first (the ``merchant`` filter is ignored)."""
    qs = AuditEvent.objects.filter(merchant=merchant.pk).select_related("merchant")
    return _apply_audit_filters(qs, filters).order_by("-created_at", "-pk")


def audit_event_list_all(*, filters: AuditFilters = AuditFilters()) -> QuerySet[AuditEvent]:
    """Every audit event (operator admins), newest first, with the optional merchant filter."""
    qs = AuditEvent.objects.select_related("merchant")
    if filters.merchant:
        qs = qs.filter(
            Q(merchant__account_number__iexact=filters.merchant)
            | Q(merchant__business_name__icontains=filters.merchant)
        )
    return _apply_audit_filters(qs, filters).order_by("-created_at", "-pk")


def audit_event_recent(*, merchant: MerchantRef, limit: int = 5) -> list[AuditEvent]:
    return list(audit_event_list(merchant=merchant)[:limit])


def _job_qs() -> QuerySet[Job]:
    return Job.objects.select_related("merchant", "created_by").order_by("-created_at", "-pk")


def _hidden_kinds(membership: Any) -> list[str]:
    return [kind for kind, area in JOB_KIND_AREAS.items() if not membership.has_area(area)]


def job_list_for_member(*, membership: Any, status: str = "") -> QuerySet[Job]:
    """The merchant's jobs that this member may see (kinds needing an area they lack are hidden)."""
    qs = _job_qs().filter(merchant=membership.merchant).exclude(kind__in=_hidden_kinds(membership))
    if status:
        qs = qs.filter(status=status)
    return qs


def job_get_for_member(*, membership: Any, pk: int) -> Job:
    """One job of the member's merchant; another merchant's (or a hidden kind's) job → NotFound."""
    found = job_list_for_member(membership=membership).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Job not found"))
    return found


def job_list(*, status: str = "") -> QuerySet[Job]:
    """Every job (operator admins)."""
    qs = _job_qs()
    if status:
        qs = qs.filter(status=status)
    return qs


def job_get(*, pk: int) -> Job:
    found = _job_qs().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Job not found"))
    return found


def task_failed_list(*, search: str = "") -> QuerySet[DBTaskResult]:
    """FAILED tasks of the database queue, latest failure first (operator admins). ``search``
    matches the task's dotted path or the exception's class, case-insensitively."""
    qs = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    if search:
        qs = qs.filter(Q(task_path__icontains=search) | Q(exception_class_path__icontains=search))
    return qs.order_by("-finished_at", "-pk")


def job_result_path(*, job: Job) -> Path | None:
    """The absolute path of a succeeded job's result file; None while there is none."""
    if job.status != JobStatus.SUCCEEDED or not job.result_file:
        return None
    exports_dir = (Path(settings.DATA_DIR) / "exports").resolve()
    path = (Path(settings.DATA_DIR) / job.result_file).resolve()
    # result_file is written by our own tasks; still refuse anything outside the exports folder
    # (the data directory also holds the secret key, the database and private uploads).
    if not path.is_relative_to(exports_dir) or not path.is_file():
        return None
    return path


@dataclass(frozen=True)
class AuditTarget:
    """An audit row's target as people read it: the object's name with its code (when the
    object has one and still exists), and its page when the viewer can open one."""

    label: str
    url: str = ""


def audit_targets(events: list[AuditEvent], *, links: bool) -> dict[int, AuditTarget]:
    """Event pk → its target, with one query per target model on the page.

    The stored ``target_label`` is what the row said when written; an object that has a human
    code (``code``: "DY…", "TU…", "TX…") is named by its current ``str()`` instead, which
    carries the code rather than a database id. ``links``: link objects that have a page
    (``get_absolute_url``) and belong to the event's merchant — merchant-side pages only, the
    back office has no merchant pages to open. The model is found by its label through the
    app registry, so core knows no app above it.
    """
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.target_type and event.target_id:
            wanted.setdefault(event.target_type, set()).add(event.target_id)
    found: dict[tuple[str, str], Any] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if not hasattr(model, "code"):
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            found[(label, str(obj.pk))] = obj
    out: dict[int, AuditTarget] = {}
    for event in events:
        obj = found.get((event.target_type, event.target_id))
        if obj is None:
            out[event.pk] = AuditTarget(event.target_label)
            continue
        same_merchant = getattr(obj, "merchant_id", None) == event.merchant_id
        url = (
            obj.get_absolute_url()
            if links and same_merchant and hasattr(obj, "get_absolute_url")
            else ""
        )
        out[event.pk] = AuditTarget(capfirst(str(obj)), url)
    return out
