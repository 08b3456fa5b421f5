"""Shopify stores: connect (client credentials or an OAuth code), keep the expiring access
token renewed, and the store-level webhook events (app uninstalled, data-protection requests).

Calls to Shopify are made outside any transaction; only the writes that follow are atomic.
"""

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from dropyard.accounts.actors import Actor, User
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from .. import crypto
from ..adapters import adapter_for
from ..adapters.base import AdapterError, AuthorizationLost, StoreContext, WebhookEvent
from ..adapters.shopify import ShopifyAdapter, auth
from ..choices import Platform, StoreStatus
from ..exceptions import StoreInvalid
from ..models import Store
from .setup import store_connect, store_reauthorize_needed

logger = logging.getLogger(__name__)


def webhook_callback_url(store: Store) -> str:
    """The public URL Shopify posts this store's webhooks to."""
    return settings.SITE_URL + reverse("stores_public:webhook_receive", args=[store.public_id])


def shopify_store_connect(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    shop: str,
    credentials: Mapping[str, Any],
    name: str = "",
    adapter: ShopifyAdapter | None = None,
) -> Store:
    """Connect the Shopify ``shop`` with ``credentials`` (``auth.client_credentials`` or
    ``auth.code_exchange``): the token is checked with the shop query, the store recorded with
    the shop's name and currency (``store_connect``: audited STORE_CONNECTED, refused when
    already connected), then the order and uninstall webhooks are subscribed to this store's
    receiver. A failed subscription leaves the store connected with ``last_error`` set (the
    poll still syncs its orders). The merchant's store of this shop that needs
    re-authorization is authorized again with the new credentials (same store, its catalog,
    connections and orders kept) instead of a second store being made. ``StoreInvalid`` for
    a bad shop domain; Shopify's refusals raise ``AdapterError`` and nothing is written."""
    try:
        domain = auth.shop_domain_clean(shop)
    except auth.ShopDomainInvalid as exc:
        raise StoreInvalid(f"domain: {exc}", extra={"errors": {"domain": str(exc)}}) from None
    adapter = adapter or ShopifyAdapter(
        StoreContext(platform=Platform.SHOPIFY, domain=domain, currency="", credentials=credentials)
    )
    info = adapter.shop_info()
    store = _reauthorized(merchant, actor, domain, adapter.credentials) or store_connect(
        merchant=merchant,
        actor=actor,
        platform=Platform.SHOPIFY,
        name=(name.strip() or info["name"])[:120],
        domain=domain,
        currency=info["currency"],
        credentials=adapter.credentials,
    )
    try:
        adapter.webhooks_register(webhook_callback_url(store))
    except AdapterError as exc:
        logger.warning("store %s: webhook subscription failed: %s", store.public_id, exc)
        Store.objects.filter(pk=store.pk).update(
            last_error=f"webhook subscription failed: {exc}"[:2000]
        )
        store.refresh_from_db()
    return store


def shopify_store_connect_own_app(
    *, merchant: MerchantAccount, actor: Actor, shop: str, client_id: str, client_secret: str
) -> Store:
    """Connect the merchant's own Dev Dashboard app: a client-credentials token is asked for
    (24 h, renewed by ``shopify_credentials_renew``), then ``shopify_store_connect``. Refusals
    as there; Shopify refusing the app's key and secret raises ``AuthorizationLost``."""
    try:
        domain = auth.shop_domain_clean(shop)
    except auth.ShopDomainInvalid as exc:
        raise StoreInvalid(f"domain: {exc}", extra={"errors": {"domain": str(exc)}}) from None
    credentials = auth.client_credentials(
        shop=domain, client_id=client_id.strip(), client_secret=client_secret.strip()
    )
    return shopify_store_connect(
        merchant=merchant, actor=actor, shop=domain, credentials=credentials
    )


def shopify_store_connect_oauth(
    *, merchant: MerchantAccount, actor: Actor, shop: str, code: str
) -> Store:
    """Connect through the public app: the OAuth callback's ``code`` (its HMAC and state
    already checked by the caller) is exchanged for an expiring offline token, then
    ``shopify_store_connect``. ``AdapterError`` when the app is not configured."""
    credentials = auth.code_exchange(shop=auth.shop_domain_clean(shop), code=code)
    return shopify_store_connect(merchant=merchant, actor=actor, shop=shop, credentials=credentials)


@transaction.atomic
def _reauthorized(
    merchant: MerchantAccount, actor: Actor, domain: str, credentials: Mapping[str, Any]
) -> Store | None:
    """The merchant's REAUTHORIZE store of ``domain``, authorized again with ``credentials``
    (audited STORE_CONNECTED with ``reauthorized``); None when there is none."""
    store = (
        Store.objects.select_for_update(of=("self",), no_key=True)
        .filter(
            merchant=merchant,
            platform=Platform.SHOPIFY,
            domain=domain,
            status=StoreStatus.REAUTHORIZE,
        )
        .first()
    )
    if store is None:
        return None
    store.status, store.status_reason, store.last_error = StoreStatus.AUTHORIZED, "", ""
    store.credentials_encrypted = crypto.encrypt(dict(credentials))
    store.save(
        update_fields=[
            "status",
            "status_reason",
            "last_error",
            "credentials_encrypted",
            "updated_at",
        ]
    )
    audit_record(
        action=AuditAction.STORE_CONNECTED,
        actor=actor if isinstance(actor, User) else None,
        merchant=merchant,
        target=store,
        details={"platform": Platform.SHOPIFY, "domain": domain, "reauthorized": True},
    )
    return store


@transaction.atomic
def _renewed_record(store_id: int, credentials: Mapping[str, Any] | None, lost: str) -> Store:
    store = Store.objects.select_for_update(of=("self",), no_key=True).get(pk=store_id)
    if store.status != StoreStatus.AUTHORIZED:
        return store
    if lost:
        store_reauthorize_needed(store=store, reason=lost)
        store.refresh_from_db()
        return store
    if credentials is not None:
        store.credentials_encrypted = crypto.encrypt(dict(credentials))
        store.save(update_fields=["credentials_encrypted", "updated_at"])
        audit_record(
            action=AuditAction.STORE_CREDENTIALS_RENEWED,
            merchant=store.merchant,
            target=store,
            details={"expires_at": int(credentials.get("expires_at") or 0)},
        )
    return store


def shopify_credentials_renew(*, store_id: int, adapter: ShopifyAdapter | None = None) -> bool:
    """Renew the store's access token when it expires within ``auth.REFRESH_MARGIN`` (client
    credentials asked again; an expiring OAuth token refreshed); True when renewed. A refresh
    Shopify refuses marks the store as needing re-authorization. Safe to run twice: a token
    that is not close to expiry is left alone. Audited STORE_CREDENTIALS_RENEWED (the expiry,
    never the token)."""
    store = Store.objects.get(pk=store_id)
    if store.status != StoreStatus.AUTHORIZED or store.platform != Platform.SHOPIFY:
        return False
    if adapter is None:
        built = adapter_for(store)
        if not isinstance(built, ShopifyAdapter):
            return False
        adapter = built
    try:
        credentials = adapter.refresh()
    except AuthorizationLost as exc:
        _renewed_record(store_id, None, f"Shopify: {exc}")
        return False
    if credentials is None:
        return False
    _renewed_record(store_id, credentials, "")
    return True


@transaction.atomic
def store_event_record(*, store: Store, event: WebhookEvent) -> str:
    """A store-level webhook event, already deduped by its delivery id: the app uninstalled
    (→ ``store_reauthorize_needed``, ``"uninstalled"``) or a data-protection request
    (``"privacy"``: audited STORE_PRIVACY_REQUEST with the topic and delivery id — not the
    payload, which names a customer). Anything else: ``"ignored"``."""
    if event.uninstalled:
        store_reauthorize_needed(store=store, reason="the app was uninstalled from the store")
        return "uninstalled"
    if event.privacy:
        audit_record(
            action=AuditAction.STORE_PRIVACY_REQUEST,
            merchant=store.merchant,
            target=store,
            details={"topic": event.topic, "delivery_id": event.delivery_id[:100]},
        )
        return "privacy"
    return "ignored"
