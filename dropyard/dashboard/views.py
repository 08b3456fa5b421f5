"""Cross-app pages: the merchant home and the operator back-office home."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dropyard.core.access import login_view, merchant_view, operator_view

from . import selectors
from .context_processors import navigation


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


@merchant_view()
def home(request: HttpRequest) -> HttpResponse:
    summary = selectors.merchant_home(membership=request.membership, user=request.user)
    pages = _open_pages(request)
    checklist = [
        {"item": item, "url": pages.get(item.url_name) if item.url_name else None}
        for item in summary.checklist
    ]
    context = {
        "merchant": request.merchant,
        "agent": request.merchant.agent,
        "summary": summary,
        "checklist": checklist,
        "checklist_done": sum(1 for item in summary.checklist if item.done),
        "team_url": pages.get("accounts:team"),
        "apikeys_url": pages.get("accounts:apikeys"),
        "audit_url": pages.get("core:audit_list"),
        "stores_url": pages.get("stores:list"),
        "held_url": reverse("stores:held") if "stores:list" in pages else None,
    }
    return render(request, "dashboard/home.html", context)


@operator_view(roles={"agent", "warehouse", "finance", "support"})
def ops_home(request: HttpRequest) -> HttpResponse:
    pages = _open_pages(request)
    context = {
        "summary": selectors.operator_home(user=request.user),
        "suppliers_url": pages.get("accounts_ops:supplier_list"),
        "merchants_url": pages.get("accounts_ops:merchants"),
        "threads_url": pages.get("sourcing:ops_threads"),
        "jobs_url": pages.get("core:ops_job_list"),
    }
    return render(request, "dashboard/ops_home.html", context)
