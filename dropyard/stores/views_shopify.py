"""Connecting a Shopify store (store-platforms §1.2): the public app's OAuth (shop form →
Shopify's authorize page → callback) when its credentials are configured, and the merchant's
own Dev Dashboard app (client id and secret → client-credentials token). Thin: one service call
per connection; the callback checks the state nonce kept in the session (server side), the
HMAC and the shop before anything is stored."""

import hmac
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dropyard.core.access import merchant_view
from dropyard.core.errors import DomainError

from . import services
from .adapters.base import AdapterError, AuthorizationLost
from .adapters.shopify import auth
from .forms import ShopifyOwnAppForm, ShopifyShopForm
from .models import Store

AREA = "stores"
SESSION_KEY = "stores_shopify_oauth"
STATE_MAX_AGE = 600  # seconds between leaving for Shopify and coming back


def _oauth_configured() -> bool:
    return bool(settings.DROPYARD_SHOPIFY_API_KEY and settings.DROPYARD_SHOPIFY_API_SECRET)


def _page(request: HttpRequest, *, oauth_form=None, own_form=None, error="", status=200):
    context = {
        "oauth_configured": _oauth_configured(),
        "oauth_form": oauth_form or ShopifyShopForm(),
        "own_form": own_form or ShopifyOwnAppForm(),
        "error": error,
        "callback_url": settings.SITE_URL + reverse("stores:shopify_callback"),
    }
    return render(request, "stores/connect_shopify.html", context, status=status)


def _connected(request: HttpRequest, store: Store) -> HttpResponse:
    messages.success(
        request,
        _(
            "Shopify store %(store)s is connected. Its orders arrive by webhook (and polling); "
            "connect its variants to Dropyard products to import them."
        )
        % {"store": store.name},
    )
    return redirect("stores:detail", store.public_id)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, AuthorizationLost):
        return _("Shopify refused the authorization. Check the shop and the app's credentials.")
    if isinstance(exc, AdapterError):
        return _("Shopify could not be reached or refused the request: %(error)s") % {"error": exc}
    return str(getattr(exc, "message", exc))


@merchant_view(area=AREA)
def connect_shopify(request: HttpRequest) -> HttpResponse:
    """GET both ways of connecting; POST ``how=oauth`` leaves for Shopify's authorize page,
    ``how=own_app`` connects with the merchant's own app's client credentials."""
    if request.method != "POST":
        return _page(request)
    if request.POST.get("how") == "own_app":
        own_form = ShopifyOwnAppForm(request.POST)
        if not own_form.is_valid():
            return _page(request, own_form=own_form, status=400)
        data = own_form.cleaned_data
        try:
            store = services.shopify_store_connect_own_app(
                merchant=request.merchant,
                actor=request.user,
                shop=data["shop"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
            )
        except (DomainError, AdapterError) as exc:
            own_form.add_error(None, _refusal(exc))
            return _page(request, own_form=own_form, status=400)
        return _connected(request, store)
    oauth_form = ShopifyShopForm(request.POST)
    if not _oauth_configured():
        return _page(
            request,
            oauth_form=oauth_form,
            error=_(
                "This Dropyard has no Shopify app configured; connect with your own app below."
            ),
            status=400,
        )
    if not oauth_form.is_valid():
        return _page(request, oauth_form=oauth_form, status=400)
    shop = oauth_form.cleaned_data["shop"]
    state = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = {"state": state, "shop": shop, "at": int(time.time())}
    return redirect(
        auth.authorize_url(
            shop=shop,
            api_key=settings.DROPYARD_SHOPIFY_API_KEY,
            scopes=settings.DROPYARD_SHOPIFY_SCOPES,
            redirect_uri=settings.SITE_URL + reverse("stores:shopify_callback"),
            state=state,
        )
    )


def _callback_problem(request: HttpRequest) -> str:
    """Why the callback cannot be trusted ("" when it can); the nonce is used up either way."""
    pending = request.session.pop(SESSION_KEY, None)
    params = {key: request.GET.getlist(key) for key in request.GET}
    flat = {k: (v if k.endswith("[]") else v[-1]) for k, v in params.items()}
    if not _oauth_configured():
        return _("This Dropyard has no Shopify app configured.")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > STATE_MAX_AGE:
        return _("This authorization was not started here or has expired. Start again.")
    state = str(flat.get("state", ""))
    if not hmac.compare_digest(state.encode(), str(pending.get("state", "")).encode()):
        return _("This authorization does not match the one started here (state). Start again.")
    if not auth.callback_verify(flat, settings.DROPYARD_SHOPIFY_API_SECRET):
        return _("Shopify's signature on this authorization is invalid. Start again.")
    try:
        shop = auth.shop_domain_clean(str(flat.get("shop", "")))
    except auth.ShopDomainInvalid:
        return _("The shop in this authorization is not a myshopify.com shop.")
    if shop != pending.get("shop") or not flat.get("code"):
        return _("This authorization is for another shop than the one you entered. Start again.")
    return ""


@merchant_view(area=AREA)
def shopify_callback(request: HttpRequest) -> HttpResponse:
    """Shopify sends the merchant back here with ``code, hmac, shop, state, timestamp``:
    checked (``_callback_problem``), then the code is exchanged and the store connected."""
    if not request.GET:  # not a redirect from Shopify: nothing to check, back to the start
        return redirect("stores:connect_shopify")
    problem = _callback_problem(request)
    if problem:
        return _page(request, error=problem, status=400)
    try:
        store = services.shopify_store_connect_oauth(
            merchant=request.merchant,
            actor=request.user,
            shop=request.GET["shop"],
            code=request.GET["code"],
        )
    except (DomainError, AdapterError) as exc:
        return _page(request, error=_refusal(exc), status=400)
    return _connected(request, store)
