"""Price requests (/price-requests/): the merchant's list, "Ask for a better price" and
withdraw (with a confirmation page); the operator's list and a request's page with the answer
(a new price for the merchant) and decline forms.

Merchant pages need the products area. Operator pages are for agents (their merchants only:
another merchant's request answers 404) and admins. Every write is one ``negotiations``
service call; a refusal becomes a form error or a message.
"""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from dropyard.accounts.choices import Area
from dropyard.catalog import selectors as catalog_selectors
from dropyard.catalog.exceptions import VariantNotFound
from dropyard.catalog.models import Variant
from dropyard.core.access import merchant_view, operator_view
from dropyard.core.errors import DomainError
from dropyard.core.lists import list_page

from . import negotiations, selectors_prices
from .choices import NegotiationStatus
from .forms_prices import AnswerForm, AskForm, DeclineForm
from .lists_prices import (
    BADGES,
    MerchantNegotiationTable,
    NegotiationFilter,
    OperatorNegotiationTable,
    usd,
)
from .models import PriceNegotiation

OPS_ROLES = {"agent", "admin"}


# --- Merchant -----------------------------------------------------------------------------------


@merchant_view(area=Area.PRODUCTS)
def negotiation_list(request: HttpRequest) -> HttpResponse:
    select = partial(selectors_prices.negotiation_list, merchant=request.merchant)
    return list_page(
        request,
        queryset=select(),
        filterset_class=NegotiationFilter,
        filter_kwargs={"select": select, "placeholder": gettext("SKU, product or request id")},
        table_class=MerchantNegotiationTable,
        template="sourcing/prices/list.html",
        export_name="price-requests",
        context={
            "title": gettext("Price requests"),
            "noun": gettext_noop("price request"),
            "noun_plural": gettext_noop("price requests"),
            "empty_template": "sourcing/prices/_empty.html",
        },
    )


def _product_variants(merchant, key: str) -> tuple[Variant | None, list[Variant]]:
    """The variant named in ``?vid=`` and its product's on-sale variants, each labelled with
    what the merchant pays; (None, []) when the key names nothing the merchant can see."""
    try:
        chosen = catalog_selectors.variant_get_for_merchant(merchant=merchant, key=key)
    except VariantNotFound:
        return None, []
    variants = catalog_selectors.variant_list(product=chosen.product, on_sale_only=True)
    prices = catalog_selectors.unit_prices_for(merchant, variants)
    for variant in variants:
        variant.your_price_label = usd(prices[variant.pk])  # type: ignore[attr-defined]
    return chosen, variants


@merchant_view(area=Area.PRODUCTS)
@require_http_methods(["GET", "HEAD", "POST"])
def negotiation_new(request: HttpRequest) -> HttpResponse:
    """Ask for a better price; ``?vid=`` (from the product page) offers that product's variants
    with the one clicked preselected."""
    merchant = request.merchant
    key = request.GET.get("vid", "")[:64]
    chosen, variants = _product_variants(merchant, key) if key else (None, [])
    if request.method == "POST":
        form = AskForm(request.POST, variants=variants)
        if form.is_valid():
            data = form.cleaned_data
            try:
                variant = catalog_selectors.variant_get_for_merchant(
                    merchant=merchant, key=data["variant"]
                )
                negotiations.negotiation_ask(
                    merchant=merchant,
                    actor=request.user,
                    variant=variant,
                    monthly_quantity=data["monthly_quantity"],
                    target_price_minor=data["target_price"],
                    note=data["note"],
                )
            except VariantNotFound as exc:
                form.add_error("variant", exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    gettext("Price request sent. Your agent will answer here."),
                )
                return redirect("sourcing_prices:list")
        status = 400
    else:
        initial = {"variant": chosen.sku} if chosen is not None else {}
        form = AskForm(initial=initial, variants=variants)
        status = 200
    return render(
        request,
        "sourcing/prices/new.html",
        {"form": form, "product": chosen.product if chosen else None},
        status=status,
    )


@merchant_view(area=Area.PRODUCTS)
@require_http_methods(["GET", "HEAD", "POST"])
def negotiation_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the confirmation page. POST: withdraw the open request."""
    negotiation = selectors_prices.negotiation_get(merchant=request.merchant, public_id=public_id)
    if request.method == "POST":
        try:
            negotiations.negotiation_withdraw(
                merchant=request.merchant, actor=request.user, negotiation=negotiation
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Price request withdrawn."))
        return redirect("sourcing_prices:list")
    return render(request, "sourcing/prices/withdraw.html", {"negotiation": negotiation})


# --- Operators ----------------------------------------------------------------------------------


@operator_view(roles=OPS_ROLES)
def ops_list(request: HttpRequest) -> HttpResponse:
    select = partial(selectors_prices.negotiation_list_for_operator, request.user)
    return list_page(
        request,
        queryset=select(),
        filterset_class=NegotiationFilter,
        filter_kwargs={
            "select": select,
            "placeholder": gettext("SKU, product, merchant or request id"),
        },
        table_class=OperatorNegotiationTable,
        template="sourcing/prices/ops_list.html",
        export_name="price-requests",
        context={
            "title": gettext("Price requests"),
            "noun": gettext_noop("price request"),
            "noun_plural": gettext_noop("price requests"),
            "empty_template": "sourcing/prices/_ops_empty.html",
            "open_count": selectors_prices.open_count_for_operator(request.user),
        },
    )


def _ops_detail(
    request: HttpRequest,
    negotiation: PriceNegotiation,
    *,
    answer_form: AnswerForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    variant = negotiation.variant
    current = selectors_prices.current_price_for(negotiation)
    pays = current if current is not None and current < variant.price_minor else None
    asked_off = (
        round(100 * (variant.price_minor - negotiation.target_price_minor) / variant.price_minor)
        if variant.price_minor
        else 0
    )
    return render(
        request,
        "sourcing/prices/ops_detail.html",
        {
            "negotiation": negotiation,
            "variant": variant,
            "list_label": usd(variant.price_minor),
            "suggested_label": usd(variant.suggested_price_minor or None),
            "current_label": usd(pays) if pays is not None else "",
            "target_label": usd(negotiation.target_price_minor),
            "answered_label": usd(negotiation.answered_price_minor),
            "asked_off": asked_off,
            "is_open": negotiation.status == NegotiationStatus.OPEN,
            "badge": BADGES.get(negotiation.status, "text-bg-light"),
            "answer_form": answer_form or AnswerForm(),
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


@operator_view(roles=OPS_ROLES)
def ops_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    negotiation = selectors_prices.negotiation_get_for_operator(
        operator=request.user, public_id=public_id
    )
    return _ops_detail(request, negotiation)


@operator_view(roles=OPS_ROLES)
@require_POST
def ops_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    negotiation = selectors_prices.negotiation_get_for_operator(
        operator=request.user, public_id=public_id
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            negotiations.negotiation_answer(
                agent=request.user,
                negotiation=negotiation,
                price_minor=form.cleaned_data["price"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("New price given; the merchant was told."))
            return redirect("sourcing_prices:ops_detail", public_id=negotiation.public_id)
    return _ops_detail(request, negotiation, answer_form=form, status=400)


@operator_view(roles=OPS_ROLES)
@require_POST
def ops_decline(request: HttpRequest, public_id: str) -> HttpResponse:
    negotiation = selectors_prices.negotiation_get_for_operator(
        operator=request.user, public_id=public_id
    )
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            negotiations.negotiation_decline(
                agent=request.user, negotiation=negotiation, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("Price request declined; the merchant was told."))
            return redirect("sourcing_prices:ops_detail", public_id=negotiation.public_id)
    return _ops_detail(request, negotiation, decline_form=form, status=400)
