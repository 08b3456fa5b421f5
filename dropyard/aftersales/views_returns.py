"""The merchant's return (RMA) page: where to send the goods, the return shipping and its
bill, the history, and the form for the carrier and tracking number. Scoped to
``request.merchant``: another merchant's return is "not found"."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from dropyard.accounts.choices import Area
from dropyard.core.access import merchant_view
from dropyard.core.views_helpers import form_call

from . import returns, selectors_returns
from .choices import ReturnStatus
from .forms_returns import ReturnShipForm


@merchant_view(area=Area.ORDERS)
@require_http_methods(["GET", "POST"])
def return_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    rma = selectors_returns.return_get(merchant=request.merchant, public_id=public_id)
    can_ship = rma.status in (ReturnStatus.AUTHORIZED, ReturnStatus.IN_TRANSIT)
    initial = {"carrier": rma.carrier, "tracking_number": rma.tracking_number}
    form = ReturnShipForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        shipped = form_call(
            form,
            lambda: returns.return_ship(
                merchant=request.merchant,
                rma=rma,
                actor=request.user,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            ),
        )
        if shipped is not None:
            messages.success(
                request,
                gettext("Tracking number saved: return %(code)s is on its way.")
                % {"code": rma.code},
            )
            return redirect("aftersales:return_detail", public_id=rma.public_id)
    context = {
        "rma": rma,
        "lines": selectors_returns.return_lines(rma),
        "events": rma.events.order_by("created_at", "pk"),
        "form": form,
        "can_ship": can_ship,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "aftersales/return_detail.html", context, status=status)
