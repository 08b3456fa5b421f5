"""The payment confirmation of a private-inventory purchase order, served in the
``private_stock`` namespace (``config.urls`` joins it to ``inventory.urls_private``): GET shows
the order, the wallet balance and the balance after paying; POST (confirmed, with the amount
the page showed) pays it (``checkout.purchases.purchase_order_pay``), which moves the units
into the merchant's private stock.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from dropyard.accounts.choices import Area
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.money import Money
from dropyard.inventory import private_selectors
from dropyard.inventory.choices import PurchaseOrderStatus
from dropyard.wallet.ledger import wallet_balance

from .purchases import purchase_order_pay


def money(minor: int, currency: str) -> str:
    value = Money(int(minor), currency)
    return f"${value.wire()}" if currency == "USD" else str(value)


@merchant_view(area=Area.WALLET)
@require_http_methods(["GET", "POST"])
def order_pay(request: HttpRequest, code: str) -> HttpResponse:
    """Confirm and pay a purchase order from the wallet (two steps: this page, then POST)."""
    order = private_selectors.purchase_order_get(merchant=request.merchant, code=code)
    if order is None:
        raise Http404("purchase order not found")
    if request.method == "POST":
        if order.status != PurchaseOrderStatus.WAIT_PAY:
            messages.info(
                request,
                gettext("%(order)s is %(status)s.")
                % {"order": order.code, "status": order.get_status_display().lower()},
            )
            return redirect("private_stock:orders")
        if request.POST.get("expected") != str(order.amount_minor):
            messages.error(request, gettext("The amount changed; check it and confirm again."))
            return redirect("private_stock:order_pay", code=order.code)
        try:
            purchase_order_pay(
                merchant=request.merchant,
                code=order.code,
                actor=request.user,
                actor_label="wallet payment",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("private_stock:order_pay", code=order.code)
        messages.success(
            request,
            gettext("Paid %(amount)s: the units of %(order)s are in your private stock.")
            % {"amount": money(order.amount_minor, order.currency), "order": order.code},
        )
        return redirect("private_stock:stock")
    balance = wallet_balance(merchant=request.merchant, currency=order.currency).available_minor
    lines = list(order.lines.all())
    for line in lines:
        line.unit_label = money(line.unit_price_minor, order.currency)
        line.amount_label = money(line.amount_minor, order.currency)
    enough = balance >= order.amount_minor
    context = {
        "order": order,
        "lines": lines,
        "amount_label": money(order.amount_minor, order.currency),
        "balance_label": money(balance, order.currency),
        "after_label": money(balance - order.amount_minor, order.currency) if enough else "—",
        "enough": enough,
        "payable": order.status == PurchaseOrderStatus.WAIT_PAY,
    }
    return render(request, "inventory/private/order_pay.html", context)
