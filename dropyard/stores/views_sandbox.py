"""The built-in Sandbox store's merchant pages: connect one, and list Dropyard variants on it
(so a shopper can buy them on its storefront) — quickly by SKU here, at a typed price or the
pricing rules' one, or with the listing wizard (``views_listing``). Thin: one service call per
write."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError

from . import selectors, selectors_listing, services
from .choices import ConnectionHow, Platform
from .exceptions import StoreNotFound
from .forms import SandboxConnectForm, SandboxListingForm
from .models import Store
from .views import variant_by_sku_or_id

AREA = "stores"


@merchant_view(area=AREA)
def connect_sandbox(request: HttpRequest) -> HttpResponse:
    """GET the form; POST creates the Sandbox store (storefront and authorized Store)."""
    form = SandboxConnectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            store = services.sandbox_store_create(
                merchant=request.merchant, actor=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(
                request,
                _(
                    "Sandbox store %(store)s is connected. List products on it, then buy them "
                    "on its storefront as a shopper would."
                )
                % {"store": store.name},
            )
            return redirect("stores:sandbox_listing", store.public_id)
    status = 400 if form.errors else 200
    return render(request, "stores/connect_sandbox.html", {"form": form}, status=status)


def _sandbox_store(request: HttpRequest, public_id: str) -> Store:
    store = selectors.store_get_for_member(membership=request.membership, public_id=public_id)
    if store.platform != Platform.SANDBOX:
        raise StoreNotFound(_("sandbox store %(id)s not found") % {"id": public_id})
    return store


@merchant_view(area=AREA)
def sandbox_listing(request: HttpRequest, public_id: str) -> HttpResponse:
    """The Sandbox store's listed variants and its storefront link; POST lists more."""
    store = _sandbox_store(request, public_id)
    form = SandboxListingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        rows = form.cleaned_data["lines"]
        found = {key: variant_by_sku_or_id(key) for key, _price in rows}
        unknown = [key for key, variant in found.items() if variant is None]
        if unknown:
            form.add_error(
                "lines",
                _("No Dropyard variant has the SKU or id %(key)s.") % {"key": ", ".join(unknown)},
            )
        else:
            variants = [v for v in found.values() if v is not None]
            # A line without a price takes the price the merchant's pricing rules give.
            ruled = selectors_listing.prices_for(
                merchant=request.merchant, store=store, variants=variants
            )
            prices = {
                variant.pk: ruled[variant.pk].price_minor if price is None else price
                for key, price in rows
                if (variant := found[key]) is not None
            }
            try:
                listed = services.store_listing_push(
                    store=store,
                    variants=variants,
                    prices=prices,
                    actor=request.user,
                    rule_priced={
                        variant.pk
                        for key, price in rows
                        if price is None and (variant := found[key]) is not None
                    },
                )
            except DomainError as exc:
                form.add_error("lines", exc.message)
            else:
                count = len(listed)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d variant listed on %(store)s.",
                        "%(count)d variants listed on %(store)s.",
                        count,
                    )
                    % {"count": count, "store": store.name},
                )
                return redirect("stores:sandbox_listing", store.public_id)
    listed = selectors.connection_list(merchant=request.merchant, store=store).filter(
        how=ConnectionHow.LISTED
    )
    context = {"store": store, "form": form, "listed": listed}
    return render(
        request, "stores/sandbox_listing.html", context, status=400 if form.errors else 200
    )
