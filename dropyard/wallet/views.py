"""Merchant wallet pages for top-ups: the list, Sandbox and wire-transfer forms, a top-up's
status, and the merchant's own proof of transfer (streamed, never a public URL)."""

import os
from functools import partial

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from dropyard.accounts.choices import Area
from dropyard.accounts.sandbox import sandbox_allowed
from dropyard.accounts.validators import sniff_document_type
from dropyard.core.access import merchant_view
from dropyard.core.htmx import htmx_partial
from dropyard.core.lists import list_page
from dropyard.core.money import Money
from dropyard.core.views_helpers import form_call

from . import selectors, topups
from .choices import Provider, TopUpStatus
from .exceptions import TopUpNotFound
from .forms import SandboxTopUpForm, WireTopUpForm
from .ledger import wallet_balance
from .lists_topups import TopUpFilter, TopUpTable
from .models import TopUp

PROOF_CONTENT_TYPES = {"PDF": "application/pdf", "PNG": "image/png", "JPEG": "image/jpeg"}


def _own_topup(request: HttpRequest, public_id: str) -> TopUp:
    """The merchant's top-up; another merchant's id is 404 whatever the HTTP method (so the
    lookup comes before the method check)."""
    topup = selectors.topup_for_merchant(merchant=request.merchant, public_id=public_id)
    if topup is None:
        raise TopUpNotFound(gettext("top-up not found"))
    return topup


def proof_response(topup: TopUp) -> FileResponse:
    """Stream a wire transfer's proof as an attachment (also used by the finance view)."""
    stored = topup.proof
    if not stored or not stored.storage.exists(stored.name):
        raise Http404("No proof of transfer")
    handle = stored.storage.open(stored.name, "rb")
    sniffed = sniff_document_type(handle.read(16))
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=os.path.basename(stored.name),
        content_type=PROOF_CONTENT_TYPES[sniffed[0]] if sniffed else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@merchant_view(area=Area.WALLET)
@require_GET
def topup_list(request: HttpRequest) -> HttpResponse:
    """The merchant's top-ups, newest first, with the ways to add money (the generic list:
    filters, sorting, CSV; another merchant's top-ups are never in its selector's rows)."""
    select = partial(selectors.merchant_topups, merchant=request.merchant)
    context: dict = {
        "title": gettext("Top-ups"),
        "noun": gettext_noop("top-up"),
        "noun_plural": gettext_noop("top-ups"),
        "empty_text": gettext(
            "No top-ups yet. Add money with one of the methods above: by card or PayPal, or "
            "by wire transfer."
        ),
        "empty_filtered_text": gettext("No top-up matches these filters."),
        "results_actions_template": "wallet/partials/_list_export.html",
    }
    if not htmx_partial(request) and request.GET.get("export") != "csv":
        context |= {
            "balance": wallet_balance(merchant=request.merchant),
            "sandbox_allowed": sandbox_allowed(request.merchant),
            "minimum": Money(topups.topup_min_minor(), "USD"),
        }
    return list_page(
        request,
        queryset=select(),
        filterset_class=TopUpFilter,
        filter_kwargs={"select": select},
        table_class=TopUpTable,
        template="wallet/topup_list.html",
        export_name="topups",
        context=context,
    )


@merchant_view(area=Area.WALLET)
@require_http_methods(["GET", "POST"])
def topup_sandbox(request: HttpRequest) -> HttpResponse:
    """Sandbox top-up: credited at once, for trying the platform (no real money). Only where
    ``sandbox_allowed``: elsewhere the page says so and shows no form (a POST is refused by
    the service, nothing written)."""
    allowed = sandbox_allowed(request.merchant)
    form = SandboxTopUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        topup = form_call(
            form,
            lambda: topups.sandbox_topup(
                merchant=request.merchant, amount_minor=form.amount_minor(), actor=request.user
            ),
        )
        if topup is not None:
            messages.success(
                request,
                gettext("Sandbox top-up of %(amount)s credited.")
                % {"amount": Money(topup.amount_minor, topup.currency)},
            )
            return redirect("wallet:topup_detail", public_id=topup.public_id)
    context = {
        "form": form,
        "minimum": Money(topups.topup_min_minor(), "USD"),
        "sandbox_allowed": allowed,
    }
    return render(request, "wallet/topup_sandbox.html", context)


@merchant_view(area=Area.WALLET)
@require_http_methods(["GET", "POST"])
def topup_wire(request: HttpRequest) -> HttpResponse:
    """Report a wire transfer: amount, bank reference and proof; finance credits it."""
    form = WireTopUpForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        topup = form_call(
            form,
            lambda: topups.topup_create(
                merchant=request.merchant,
                provider=Provider.WIRE,
                amount_minor=form.amount_minor(),
                actor=request.user,
                wire_reference=form.cleaned_data["reference"],
                proof=form.cleaned_data["proof"],
            ),
        )
        if topup is not None:
            messages.success(
                request,
                gettext(
                    "Wire transfer submitted. Finance checks it against the bank account and "
                    "credits your wallet once it has arrived."
                ),
            )
            return redirect("wallet:topup_detail", public_id=topup.public_id)
    context = {
        "form": form,
        "minimum": Money(topups.topup_min_minor(), "USD"),
        "account_number": request.merchant.account_number,
        "bank": selectors.wire_bank_details(merchant=request.merchant),
    }
    return render(request, "wallet/topup_wire.html", context)


@merchant_view(area=Area.WALLET)
def topup_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One top-up: status, amounts, fee, the decision on a wire transfer, the receipt."""
    topup = _own_topup(request, public_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    absorbed_by = topups.topup_fee_rule(topup.provider).absorbed_by
    fee_borne = topup.fee_minor if absorbed_by == "merchant" else 0
    context = {
        "topup": topup,
        "credited_minor": topup.amount_minor - fee_borne,
        "fee_borne_minor": fee_borne,
        "receipt": getattr(topup, "receipt", None),
        "bank": selectors.wire_bank_details(merchant=request.merchant)
        if topup.provider == Provider.WIRE and topup.status == TopUpStatus.PENDING
        else None,
    }
    return render(request, "wallet/topup_detail.html", context)


@merchant_view(area=Area.WALLET)
def topup_proof(request: HttpRequest, public_id: str) -> HttpResponse:
    """The merchant's own proof of transfer."""
    topup = _own_topup(request, public_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return proof_response(topup)
