"""Cross-app pages: the merchant home and the operator back-office home."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from dropyard.aftersales import suggestions as aftersales_suggestions
from dropyard.core.access import login_view, merchant_view, operator_view

from . import selectors
from .context_processors import navigation

SUGGESTIONS_SHOWN = 5  # "Parcels that may need a dispute" on the merchant home


def _open_pages(request: HttpRequest) -> dict[str, str]:
    """URL by URL name of the pages this user can open: the navigation's own rule, so a card
    never links to a page that is not built yet or that the user's permissions would refuse."""
    return {link["name"]: link["url"] for link in navigation(request)["nav_links"]}


@login_view
def root(request):
    """Send each person to the home of their role."""
    if request.user.operator_role:
        return redirect("dashboard:ops_home")
    if request.membership:
        return redirect("dashboard:home")
    return redirect("supplier:apply")


def _query_url(pages: dict[str, str], name: str, **params: str) -> str | None:
    """The page ``name`` with a query string, when the user can open it (else None)."""
    base = pages.get(name)
    return f"{base}?{urlencode(params)}" if base and params else base


def _merchant_links(pages: dict[str, str], summary: selectors.MerchantHome) -> dict:
    """Each card's link: the list page filtered to exactly what the card counts."""
    orders = "orders:list"
    links = {
        "to_pay": _query_url(pages, orders, tab="pending"),
        "awaiting_shipment": _query_url(pages, orders, tab="processing"),
        "in_transit": _query_url(pages, orders, tab="dispatched"),
        "problems": _query_url(pages, orders, problem="any"),
        "exceptions": _query_url(pages, orders, problem="exception"),
        "unroutable": _query_url(pages, orders, problem="unroutable"),
        "wallet": pages.get("wallet:home"),
        "statement": None,
        "profit": None,
    }
    if summary.spend is not None and "wallet:home" in pages:
        period = {
            "date_from": summary.spend.start.isoformat(),
            "date_to": summary.spend.end.isoformat(),
        }
        links["statement"] = f"{reverse('wallet:statement')}?{urlencode(period)}"
        links["profit"] = f"{reverse('wallet:profit')}?{urlencode(period)}"
    return links


@merchant_view()
def home(request: HttpRequest) -> HttpResponse:
    summary = selectors.merchant_home(membership=request.membership, user=request.user)
    pages = _open_pages(request)
    checklist = [
        {"item": item, "url": pages.get(item.url_name) if item.url_name else None}
        for item in summary.checklist
    ]
    path = [entry for entry in checklist if not entry["item"].optional]
    context = {
        "merchant": request.merchant,
        "agent": request.merchant.agent,
        "summary": summary,
        "checklist": checklist,
        "checklist_path": path,
        "checklist_more": [entry for entry in checklist if entry["item"].optional],
        "checklist_done": sum(1 for entry in path if entry["item"].done),
        "links": _merchant_links(pages, summary),
        "chart_data": summary.spend.chart_data() if summary.spend else None,
        "team_url": pages.get("accounts:team"),
        "apikeys_url": pages.get("accounts:apikeys"),
        "audit_url": pages.get("core:audit_list"),
        "stores_url": pages.get("stores:list"),
        "held_url": reverse("stores:held") if "stores:list" in pages else None,
        # Parcels whose tracking suggests a dispute (disputes need the orders area).
        "dispute_suggestions": aftersales_suggestions.suggestions_for_merchant(
            request.merchant, SUGGESTIONS_SHOWN, store_ids=request.membership.store_scope
        )
        if request.membership.has_area("orders")
        else [],
    }
    return render(request, "dashboard/home.html", context)


def _admin_changelist(request: HttpRequest, model: str, **params: str) -> str | None:
    """The Django admin's list of ``app_label.model`` when the user may view it (else None)."""
    app_label, model_name = model.split(".")
    if not request.user.has_perm(f"{app_label}.view_{model_name}"):
        return None
    try:
        url = reverse(f"admin:{app_label}_{model_name}_changelist")
    except NoReverseMatch:  # not registered with the Django admin
        return None
    return f"{url}?{urlencode(params)}" if params else url


@operator_view(roles={"agent", "warehouse", "finance", "support"})
def ops_home(request: HttpRequest) -> HttpResponse:
    pages = _open_pages(request)
    summary = selectors.operator_home(user=request.user)
    can_queue = "fulfillment_ops:warehouses" in pages
    can_finance = "wallet_ops:home" in pages
    context = {
        "summary": summary,
        "suppliers_url": pages.get("accounts_ops:supplier_list"),
        "merchants_url": pages.get("accounts_ops:merchants"),
        "warehouses_url": pages.get("fulfillment_ops:warehouses"),
        "warehouse_totals": (
            selectors.warehouse_totals(summary.warehouses) if summary.warehouses else None
        ),
        "warehouse_rows": [
            {
                "queue": row,
                "url": (
                    reverse("fulfillment_ops:queue", args=[row.warehouse.public_id])
                    if can_queue
                    else None
                ),
            }
            for row in summary.warehouses or []
            if row.open
        ],
        "idle_warehouses": sum(1 for row in summary.warehouses or [] if not row.open),
        "wires_url": reverse("wallet_ops:wire_list") if can_finance else None,
        "refunds_url": (
            f"{reverse('wallet_ops:refund_list')}?status=pending" if can_finance else None
        ),
        "threads_url": _query_url(pages, "sourcing:ops_threads", unread="on"),
        "exceptions_url": _query_url(pages, "logistics_ops:tracking_list", status="13"),
        "jobs_url": pages.get("core:ops_job_list"),
        "tasks_admin_url": (
            _admin_changelist(request, "django_tasks_database.dbtaskresult")
            if summary.health and summary.health.backend == "db"
            else None
        ),
        # The health panel is the admin's: its failures open the back office's own lists
        # (the database queue's failed tasks, or the failed jobs RQ keeps in Redis).
        "tasks_failed_url": (
            reverse(
                "core:ops_task_failed_list"
                if summary.health.backend == "db"
                else "core:ops_rq_failed_list"
            )
            if summary.health
            else None
        ),
        "webhooks_failed_url": (
            reverse("webhooks_ops:failed_deliveries") if summary.health else None
        ),
    }
    return render(request, "dashboard/ops_home.html", context)
