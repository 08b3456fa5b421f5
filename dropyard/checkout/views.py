"""Paying orders from the wallet, the merchant's page (``wallet:pay``, in the "wallet" area).

Two steps: the quote with the wallet discount first, then the payment through the pipeline
(``checkout.services.pay_from_wallet``). Served under the wallet's URL and name (``config.urls``
joins this pattern to the wallet's); the template is the wallet's (``wallet/wallet_pay.html``).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from dropyard.accounts.choices import Area
from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError
from dropyard.core.money import Money
from dropyard.orders import selectors as order_selectors
from dropyard.wallet.ledger import wallet_balance
from dropyard.wallet.quotes import payment_quote

from .services import pay_from_wallet

AREA = Area.WALLET
MAX_PAY = 200  # orders per payment from the order list (its bulk limit)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target.startswith(("/orders/", "/wallet/")) and "//" not in target:
        return target
    return reverse("orders:list")


@merchant_view(area=AREA)
@require_POST
def pay_orders(request: HttpRequest) -> HttpResponse:
    """Two steps. The selected orders (``ids``) → the quote page: gross, the wallet discount,
    net, the balance before and after. That page posts the same ids with ``confirmed`` and the
    net it showed; if the amount changed meanwhile the merchant sees the new quote again."""
    ids = [i for i in request.POST.getlist("ids") if i][:MAX_PAY]
    orders, missing = order_selectors.orders_get_many(
        merchant=request.merchant, keys=ids, store_ids=request.membership.store_scope
    )
    if not orders:
        messages.error(request, gettext("Select at least one of your orders awaiting payment."))
        return redirect(_back(request))
    try:
        quote = payment_quote(merchant=request.merchant, orders=orders)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request))
    balance = wallet_balance(merchant=request.merchant, currency=quote.currency)
    shown = request.POST.get("expected_net", "")
    if "confirmed" in request.POST and shown == str(quote.net_minor):
        try:
            result = pay_from_wallet(
                merchant=request.merchant, orders=quote.orders, actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_back(request))
        if result.created and result.quote is not None:
            paid = result.quote
            after = wallet_balance(merchant=request.merchant, currency=paid.currency)
            messages.success(
                request,
                ngettext(
                    "Paid %(count)d order from your wallet: %(gross)s − %(discount)s discount = "
                    "%(net)s %(currency)s. Available balance now %(balance)s %(currency)s.",
                    "Paid %(count)d orders from your wallet: %(gross)s − %(discount)s discount = "
                    "%(net)s %(currency)s. Available balance now %(balance)s %(currency)s.",
                    len(paid.lines),
                )
                % {
                    "count": len(paid.lines),
                    "gross": paid.gross.wire(),
                    "discount": paid.discount.wire(),
                    "net": paid.net.wire(),
                    "currency": paid.currency,
                    "balance": Money(after.available_minor, paid.currency).wire(),
                },
            )
        else:
            messages.info(request, gettext("These orders were already paid; nothing was charged."))
        return redirect("wallet:home")
    if "confirmed" in request.POST:
        messages.warning(request, gettext("The amount changed since you looked; review it again."))
    skipped = [o for o in orders if o.pk not in {q.pk for q in quote.orders}]
    context = {
        "quote": quote,
        "balance": balance,
        "after_minor": balance.available_minor - quote.net_minor,
        "enough": balance.available_minor >= quote.net_minor,
        "missing": missing,
        "skipped": skipped,
        "ids": [o.public_id for o in quote.orders],
        "next": _back(request),
        "discount_pct": quote.bps / 100,
    }
    return render(request, "wallet/wallet_pay.html", context)
