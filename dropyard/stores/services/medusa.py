"""Connecting a Medusa v2 store with a secret API key the merchant pasted.

The key is checked against the store first (one read of ``/admin/stores``, and of its stock
locations when it has no default), outside any transaction; only a store that answered is then
recorded, atomically, by ``store_connect`` (credentials encrypted there).
"""

import re

import httpx
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount

from ..adapters.base import AdapterError, AuthorizationLost, StoreContext
from ..adapters.medusa import MedusaAdapter, base_url_clean
from ..choices import Platform
from ..exceptions import StoreInvalid
from ..models import Store
from .setup import store_connect

# Medusa's secret keys are ``sk_`` and 64 hex digits; a little slack for other versions.
_SECRET_KEY = re.compile(r"sk_[A-Za-z0-9_-]{16,200}")


def _invalid(field: str, message: str) -> StoreInvalid:
    return StoreInvalid(f"{field}: {message}", extra={"errors": {field: message}})


def medusa_store_connect(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    base_url: str,
    api_key: str,
    name: str = "",
    transport: httpx.BaseTransport | None = None,
) -> Store:
    """Check ``api_key`` against the Medusa store at ``base_url`` and record it as the
    merchant's authorized store: named ``name`` (else the store's own name), in the store's
    default currency, with the key, its stock location and default sales channel as the
    encrypted credentials.

    Refused (``StoreInvalid`` with the field at fault; nothing written): a URL that is not
    http(s) with a host; something other than a secret key (``sk_…``); a store that cannot be
    reached or is not a Medusa v2 admin API (``base_url``); a key the store refuses
    (``api_key``); the same store already connected (``store_connect``). The key never appears
    in a message. Audited STORE_CONNECTED by ``store_connect``. ``transport``: tests only.
    """
    try:
        url = base_url_clean(base_url)
    except ValueError as exc:
        raise _invalid("base_url", _("the store address %(problem)s") % {"problem": exc}) from None
    key = (api_key or "").strip()
    if not _SECRET_KEY.fullmatch(key):
        raise _invalid(
            "api_key",
            _(
                "paste a secret API key (it starts with sk_; publishable keys, pk_, cannot read "
                "orders)"
            ),
        )
    adapter = MedusaAdapter(
        StoreContext(
            platform=Platform.MEDUSA, domain=url, currency="", credentials={"api_key": key}
        ),
        transport=transport,
    )
    try:
        shop = adapter.shop()
    except AuthorizationLost:
        raise _invalid(
            "api_key",
            _("the store refused this key: check it is a live secret key of this store"),
        ) from None
    except AdapterError as exc:
        if exc.retryable:
            raise _invalid(
                "base_url",
                _("could not reach a Medusa store there (%(error)s)") % {"error": exc},
            ) from None
        raise _invalid("base_url", str(exc)) from None
    return store_connect(
        merchant=merchant,
        actor=actor,
        platform=Platform.MEDUSA,
        name=(name or "").strip() or shop.name,
        domain=url,
        currency=shop.currency,
        credentials={
            "api_key": key,
            "location_id": shop.location_id,
            "sales_channel_id": shop.sales_channel_id,
        },
    )
