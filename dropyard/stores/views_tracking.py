"""The tracking push-back on the merchant's order page: the push status of each shipped parcel
of a store order, and "Retry now" (the "orders" permission area, like the order page itself).

The order page (``orders``, below this app) cannot read stores data, so it loads this view's
partial with htmx (``order_tracking``); without JavaScript its link opens the same status as a
page. Lookups go through member-scoped selectors: another merchant's order or push, or a store
outside a staff member's scope, is 404 for any method.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.htmx import htmx_partial, render_page_or_partial
from dropyard.orders import selectors as order_selectors
from dropyard.orders.models import Order

from . import selectors, services

AREA = "orders"
PAGE, PARTIAL = "stores/order_tracking.html", "stores/partials/_order_tracking.html"


def _render(request: HttpRequest, order: Order, *, status: int = 200) -> HttpResponse:
    pushes = selectors.tracking_push_list_for_member(membership=request.membership, order=order)
    for push in pushes:
        push.can_retry = services.tracking_push_can_retry(push)  # type: ignore[attr-defined]
    flag = selectors.store_order_flag_for_member(membership=request.membership, order=order)
    context = {"order": order, "pushes": pushes, "store_flag": flag}
    return render_page_or_partial(request, PAGE, PARTIAL, context, status=status)


@merchant_view(area=AREA)
def order_tracking(request: HttpRequest, key: str) -> HttpResponse:
    """The push status of the order's parcels (the partial for htmx, else a page)."""
    order = order_selectors.order_get(
        merchant=request.merchant, key=key, store_ids=request.membership.store_scope
    )
    return _render(request, order)


@merchant_view(area=AREA)
def tracking_push_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: try the push (or its delivery mark) again now; back to the order (htmx: the
    partial again, with the outcome as a message)."""
    push = selectors.tracking_push_get_for_member(membership=request.membership, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    order = push.store_order.order
    assert order is not None  # a push exists only for an imported store order
    status = 200
    try:
        services.tracking_push_retry(push=push, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        status = 409
    else:
        messages.success(
            request,
            _("Pushing tracking %(tracking)s to %(store)s again.")
            % {"tracking": push.tracking_number, "store": push.store.name},
        )
    if htmx_partial(request):
        return _render(request, order, status=status)
    return redirect(reverse("orders:detail", args=[order.public_id]))
