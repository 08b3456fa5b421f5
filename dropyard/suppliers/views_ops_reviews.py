"""Operator back office: the queue of supplier products awaiting review, approve / reject."""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import operator_view
from dropyard.core.lists import SearchFilter, list_page
from dropyard.core.money import Money
from dropyard.core.views_helpers import flash_outcome, form_call

from . import selectors, services
from .choices import ReviewStatus
from .forms import RejectForm
from .lists import ReviewTable, status_badge

REVIEWERS = {OperatorRole.SUPPORT}
ALL = "all"


@operator_view(roles=REVIEWERS)
@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    """Products awaiting review, oldest submission first (tabs for the other states)."""
    status = request.GET.get("status") or ReviewStatus.SUBMITTED
    if status not in (*ReviewStatus.values, ALL):
        status = ReviewStatus.SUBMITTED
    scope = None if status == ALL else status
    return list_page(
        request,
        queryset=selectors.review_queue(status=scope),
        filterset_class=SearchFilter,
        filter_kwargs={
            "search_with": partial(selectors.review_queue, status=scope),
            "placeholder": gettext("Product, SKU or supplier"),
        },
        table_class=ReviewTable,
        template="suppliers/ops/review_list.html",
        export_name="supplier-product-reviews",
        context={
            "title": gettext("Supplier products"),
            "status": status,
            "tabs": [*ReviewStatus.choices, (ALL, gettext("All"))],
            "keep_params": [("status", status)],
            "pending_count": selectors.review_pending_count(),
            "noun": gettext_noop("product"),
            "noun_plural": gettext_noop("products"),
            "empty_text": gettext("No supplier products here."),
        },
    )


def _review_response(request, review, *, reject_form=None, status: int = 200) -> HttpResponse:
    product = review.product
    context = {
        "review": review,
        "product": product,
        "badge": status_badge(review),
        "decidable": review.status == ReviewStatus.SUBMITTED,
        "variant_rows": [
            (v, Money(v.price_minor, v.currency))
            for v in product.variants.order_by("position", "pk")
        ],
        "images": list(product.images.order_by("position", "pk")),
        "events": list(review.events.select_related("actor")),
        "reject_form": reject_form or RejectForm(),
    }
    return render(request, "suppliers/ops/review_detail.html", context, status=status)


@operator_view(roles=REVIEWERS)
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The product as the supplier filled it in, its history, and the decision buttons."""
    return _review_response(request, selectors.review_get(pk=pk))


@operator_view(roles=REVIEWERS)
@require_http_methods(["GET", "POST"])
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve: GET is the confirmation step; POST puts the product on sale."""
    item = selectors.review_get(pk=pk)
    if request.method == "GET":
        context = {"review": item, "product": item.product, "decision": "approve"}
        return render(request, "suppliers/ops/review_decide.html", context)
    flash_outcome(
        request,
        lambda: services.supplier_product_transition(
            review=item, to=ReviewStatus.APPROVED, actor=request.user, request=request
        ),
        success=gettext("Approved: %(name)s is on sale.") % {"name": item.product.name},
    )
    return redirect("suppliers_ops:review", pk=pk)


@operator_view(roles=REVIEWERS)
@require_http_methods(["GET", "POST"])
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject with a reason: GET is the confirmation step, POST decides."""
    item = selectors.review_get(pk=pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_call(
            form,
            lambda: services.supplier_product_transition(
                review=item,
                to=ReviewStatus.REJECTED,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            ),
        )
        if done is not None:
            messages.success(request, gettext("Rejected; the supplier has been told why."))
            return redirect("suppliers_ops:reviews")
    context = {"review": item, "product": item.product, "form": form, "decision": "reject"}
    status = 400 if request.method == "POST" else 200
    return render(request, "suppliers/ops/review_decide.html", context, status=status)
