"""The supplier's earnings (portal): the payable balance, its ledger entries (the generic list)
and the payout request form, with the supplier's payouts and their status."""

from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from dropyard.core.access import supplier_view
from dropyard.core.lists import list_page
from dropyard.core.views_helpers import form_call
from dropyard.wallet import payouts, supplier_ledger

from .forms_ship import PayoutRequestForm
from .lists_money import EarningsFilter, EarningsTable

CURRENCY = "USD"  # order lines are priced in USD (catalog); other currencies would list here


@supplier_view
@require_http_methods(["GET", "POST"])
def earnings(request: HttpRequest) -> HttpResponse:
    """GET: the page. POST: a payout request (``wallet.payouts.payout_request``); refused or
    invalid → the page again with the form's errors (400)."""
    supplier = request.supplier  # type: ignore[attr-defined]
    form = PayoutRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        payout = None
        if form.is_valid():
            payout = form_call(
                form,
                lambda: payouts.payout_request(
                    supplier=supplier,
                    actor=request.user,
                    amount_minor=form.amount_minor(CURRENCY),
                    bank_details=form.cleaned_data["bank_details"],
                    note=form.cleaned_data["note"],
                    currency=CURRENCY,
                ),
            )
        if payout is not None:
            messages.success(
                request,
                _("Payout %(code)s requested: finance reviews it.") % {"code": payout.code},
            )
            return redirect("suppliers_portal:earnings")
        status = 400
    return list_page(
        request,
        queryset=supplier_ledger.supplier_entries(supplier=supplier),
        filterset_class=EarningsFilter,
        filter_kwargs={"select": partial(supplier_ledger.supplier_entries, supplier=supplier)},
        table_class=EarningsTable,
        template="suppliers/portal_earnings.html",
        export_name="earnings",
        status=status,
        context={
            "title": _("Earnings"),
            "noun": gettext_noop("entry"),
            "noun_plural": gettext_noop("entries"),
            "empty_text": _("No earnings yet: you earn each parcel when you ship it."),
            "empty_filtered_text": _("No entry matches these filters."),
            "summary": payouts.payout_summary(supplier=supplier, currency=CURRENCY),
            "currency": CURRENCY,
            "form": form,
            "payouts": list(payouts.payout_list(supplier=supplier)[:20]),
            "commission_percent": format(Decimal(supplier_ledger.commission_permille()) / 10, "f")
            + "%",
        },
    )
