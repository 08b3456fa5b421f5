"""What every merchant order page shares: the posted selection, the page to go back to, the
order's detail page. Used by ``orders.views`` and by the checkout's order pages
(``checkout.views_orders``: cancel and pay), which serve URLs in the "orders" namespace."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import selectors
from .models import Order

MAX_BULK = 200


def selected_orders(request: HttpRequest) -> tuple[list[Order], list[str]]:
    """The merchant's orders posted as ``ids`` (at most ``MAX_BULK``) and the ids not found."""
    ids = [i for i in request.POST.getlist("ids") if i][:MAX_BULK]
    return selectors.orders_get_many(
        merchant=request.merchant, keys=ids, store_ids=request.membership.store_scope
    )


def back_url(request: HttpRequest) -> str:
    """Where to return after an action: the posted ``next`` when it is one of our pages."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/orders/") and "//" not in target:
        return target
    return reverse("orders:list")


def detail_redirect(order: Order) -> HttpResponse:
    return redirect("orders:detail", key=order.public_id)
