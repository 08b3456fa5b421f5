"""The merchant's sourcing pages (/sourcing/, namespace "sourcing_requests"): the list with
status tabs, search and the quota panel; a new request; a request's page (progress, history,
quotes, the published product); withdrawing a request after a confirmation step; the
request's uploaded picture.

Staff need the products permission area. Every lookup goes through ``selectors_requests``
scoped to ``request.merchant`` (another merchant's request answers 404 for any method); every
write is one service call, and a refusal becomes a form error or a message.
"""

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from dropyard.accounts.choices import AccountLevel, Area
from dropyard.accounts.models import MerchantAccount
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import EXPORT_BUTTON, SearchFilter, list_page, tab_links

from . import authority, selectors_requests, services_requests
from .choices import OPEN_STATUSES, AuthorityEventKind, SourcePlatform, SourcingStatus
from .forms_requests import SourcingRequestForm, service_error_field
from .lists_requests import SourcingRequestTable
from .models import SourcingRequest
from .platforms import platform_of

S = SourcingStatus
TAB_LABELS = [
    (S.SUBMITTED.lower(), gettext_noop("Submitted")),
    (S.CLAIMED.lower(), gettext_noop("Claimed")),
    (S.QUOTED.lower(), gettext_noop("Quoted")),
    (S.PUBLISHED.lower(), gettext_noop("Published")),
    (S.FAILED.lower(), gettext_noop("Failed")),
    (S.CANCELLED.lower(), gettext_noop("Cancelled")),
    ("", gettext_noop("All")),
]
# The progress line of a request's page; a failed or cancelled one stops where it was.
PROGRESS = (S.SUBMITTED, S.CLAIMED, S.QUOTED, S.PUBLISHED)


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "")
    return tab if tab in selectors_requests.REQUEST_TABS else ""


def quota_context(merchant: MerchantAccount) -> dict[str, Any]:
    """The quota panel: today's quota and the rules, in the tables ``authority`` applies."""
    quota = services_requests.quota_for(merchant)
    bands = []
    ceiling = authority.MAX_SCORE
    for band in authority.BANDS:
        bands.append({"band": band, "ceiling": ceiling, "current": band == quota.band})
        ceiling = band.floor - 1
    return {
        "quota": quota,
        "level_label": AccountLevel(quota.level).label
        if quota.level in AccountLevel.values
        else str(quota.level),
        "rules": [
            (AuthorityEventKind(kind).label, delta) for kind, delta in authority.RULES.items()
        ],
        "bands": bands,
        "base_quota": [
            (AccountLevel(level).label, count, level == quota.level)
            for level, count in authority.BASE_QUOTA.items()
        ],
        "start_score": authority.START_SCORE,
        "authority_events": selectors_requests.authority_event_list(merchant=merchant),
    }


@merchant_view(area=Area.PRODUCTS)
def request_list(request: HttpRequest) -> HttpResponse:
    merchant = request.merchant
    tab = _tab(request)
    select = partial(selectors_requests.sourcing_request_list, merchant=merchant, tab=tab)
    counts = selectors_requests.sourcing_request_tab_counts(merchant=merchant)
    labels = [(key, gettext(label)) for key, label in TAB_LABELS]
    return list_page(
        request,
        queryset=select(),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": select,
            "placeholder": gettext("Product name, link or SR code"),
        },
        table_class=SourcingRequestTable,
        template="sourcing/requests/request_list.html",
        export_name="sourcing-requests",
        context={
            "title": gettext("Sourcing"),
            "tab": tab,
            "tabs": tab_links(request, labels, counts),
            "keep_params": [("tab", tab)] if tab else [],
            "noun": gettext_noop("request"),
            "noun_plural": gettext_noop("requests"),
            "empty_template": "sourcing/requests/_empty.html",
            "results_actions_template": EXPORT_BUTTON,
            **quota_context(merchant),
        },
    )


@merchant_view(area=Area.PRODUCTS)
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    merchant = request.merchant
    store_variants = selectors_requests.store_variant_choices(
        merchant=merchant, scope=request.membership.store_scope
    )
    if request.method != "POST":
        form = SourcingRequestForm(store_variants=store_variants)
        return _new_page(request, form)
    form = SourcingRequestForm(request.POST, request.FILES, store_variants=store_variants)
    if not form.is_valid():
        return _new_page(request, form, status=400)
    data = form.cleaned_data
    try:
        answer = services_requests.sourcing_request_create(
            merchant=merchant,
            actor=request.user,
            product_name=data["product_name"],
            source_url=data["source_url"],
            image_content=data["picture"],
            description=data["description"],
            target_price_minor=data["target_price"],
            monthly_quantity=data["monthly_quantity"],
            destination_countries=data["destination_countries"],
            notes=data["notes"],
            store_variant_id=data["store_variant"],
        )
    except DomainError as exc:
        message = exc.message[:1].upper() + exc.message[1:]
        form.add_error(service_error_field(exc.message), message)
        return _new_page(request, form, status=400)
    found = answer.request
    if answer.created:
        messages.success(
            request,
            gettext("Sourcing request %(code)s sent to your agent.") % {"code": found.code},
        )
    else:
        messages.warning(
            request,
            gettext("You already asked for this product: %(code)s (%(status)s).")
            % {"code": found.code, "status": found.get_status_display()},
        )
    return redirect("sourcing_requests:detail", public_id=found.public_id)


def _new_page(
    request: HttpRequest, form: SourcingRequestForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "sourcing/requests/request_new.html",
        {"form": form, **quota_context(request.merchant)},
        status=status,
    )


@merchant_view(area=Area.PRODUCTS)
@require_GET
def platform(request: HttpRequest) -> HttpResponse:
    """The shop a typed product link points at (htmx, under the link field)."""
    url = request.GET.get("source_url", "")[:1000]
    if "\x00" in url:
        url = ""
    found = platform_of(url.strip())
    return render(
        request,
        "sourcing/requests/_platform_hint.html",
        {"platform": SourcePlatform(found), "has_url": found != SourcePlatform.NONE},
    )


@merchant_view(area=Area.PRODUCTS)
def request_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    # Looked up before the method is checked: another merchant's id is a 404 for any method.
    found = selectors_requests.sourcing_request_get(merchant=request.merchant, public_id=public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return render(request, "sourcing/requests/request_detail.html", _detail_context(found))


def _progress(found: SourcingRequest) -> list[dict[str, Any]]:
    """The progress line: each step done, current or to come. A failed or cancelled request
    shows the steps it reached (read from its history)."""
    reached = {e.to_status for e in selectors_requests.sourcing_event_list(found)}
    steps = []
    for step in PROGRESS:
        steps.append(
            {
                "label": S(step).label,
                "done": step in reached,
                "current": step == found.status,
            }
        )
    return steps


def _detail_context(found: SourcingRequest) -> dict[str, Any]:
    return {
        "sr": found,
        "progress": _progress(found),
        "events": selectors_requests.sourcing_event_list(found),
        "quotes": selectors_requests.sourcing_quote_list(found),
        "can_cancel": found.status in OPEN_STATUSES,
        "costs_authority": found.status in (S.CLAIMED, S.QUOTED),
        "abandon_points": -authority.RULES[AuthorityEventKind.ABANDONED],
    }


@merchant_view(area=Area.PRODUCTS)
def request_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the confirmation step (says whether withdrawing costs authority). POST: withdraw."""
    merchant = request.merchant
    found = selectors_requests.sourcing_request_get(merchant=merchant, public_id=public_id)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        try:
            services_requests.sourcing_cancel(merchant=merchant, request=found, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, gettext("Sourcing request %(code)s withdrawn.") % {"code": found.code}
            )
        return redirect("sourcing_requests:detail", public_id=found.public_id)
    if found.status not in OPEN_STATUSES:
        messages.error(
            request,
            gettext("This request is %(status)s: it can no longer be withdrawn.")
            % {"status": str(found.get_status_display()).lower()},
        )
        return redirect("sourcing_requests:detail", public_id=found.public_id)
    return render(request, "sourcing/requests/request_cancel.html", _detail_context(found))


@merchant_view(area=Area.PRODUCTS)
def picture(request: HttpRequest, public_id: str) -> HttpResponse:
    """The request's uploaded picture (private storage), for members who may see the request."""
    found = selectors_requests.sourcing_request_get(merchant=request.merchant, public_id=public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    if not found.image:
        raise Http404("No picture")
    try:
        stored = found.image.open("rb")
    except OSError as exc:
        raise Http404("The picture is missing") from exc
    response = FileResponse(stored, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{found.code}.jpg"'
    return response
