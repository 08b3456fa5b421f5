"""Shopify authorization: shop-domain validation, the public app's OAuth (authorize URL,
callback HMAC, code exchange, expiring offline tokens and their refresh), the merchant's own
Dev Dashboard app (client-credentials grant), and webhook signatures.

Contract: store-platforms §1.2 and §1.3. The callback HMAC follows the official Python library
(``shopify.session.Session.calculate_hmac``), which the tests use as the oracle.

Credentials, as stored (encrypted) on the store:
- ``mode="client_credentials"``: ``client_id``, ``client_secret``, ``access_token``,
  ``expires_at`` (unix seconds; the token lasts 24 h and is asked for again before then);
- ``mode="oauth"``: ``access_token``, ``refresh_token`` (rotating), ``expires_at`` (0: a
  non-expiring legacy token), ``refresh_token_expires_at``; the app's key and secret come from
  settings, never from the store.
"""

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from ..base import AdapterError, AuthorizationLost
from . import client as gql

SHOP_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]{0,59}\.myshopify\.com")
CALLBACK_MAX_AGE = 24 * 3600  # as the Python library
REFRESH_MARGIN = 300  # renew a token this many seconds before it expires
# Unix seconds now; tests share the fake shop's simulated clock through it.
CLOCK: Callable[[], float] = time.time


class ShopDomainInvalid(ValueError):
    """Not a ``<name>.myshopify.com`` shop domain."""


def shop_domain_clean(value: str) -> str:
    """``value`` as a bare ``<name>.myshopify.com`` host (scheme, path and case dropped);
    ``ShopDomainInvalid`` for anything else (so no other host is ever called)."""
    host = value.strip().lower()
    host = re.sub(r"^https?://", "", host).split("/", 1)[0]
    if not SHOP_DOMAIN.fullmatch(host):
        raise ShopDomainInvalid(_("enter the shop's address ending in .myshopify.com"))
    return host


def authorize_url(*, shop: str, api_key: str, scopes: str, redirect_uri: str, state: str) -> str:
    """Where the merchant approves the public app; offline access (empty ``grant_options[]``)."""
    query = urllib.parse.urlencode(
        {
            "client_id": api_key,
            "scope": scopes,
            "redirect_uri": redirect_uri,
            "state": state,
            "grant_options[]": "",
        }
    )
    return f"https://{shop_domain_clean(shop)}/admin/oauth/authorize?{query}"


def _pairs(params: Mapping[str, Any]) -> list[str]:
    pairs = []
    for key, value in params.items():
        if key == "hmac":  # only hmac, as the Python library (the JS one also drops "signature")
            continue
        if key.endswith("[]"):
            # foo[]=1&foo[]=2 is signed as foo=["1", "2"] (the Python library's rule)
            key = key.removesuffix("[]")
            values = value if isinstance(value, list | tuple) else [value]
            value = json.dumps([str(v) for v in values])
        elif isinstance(value, list | tuple):
            value = value[-1] if value else ""
        key = str(key).replace("%", "%25").replace("=", "%3D")
        value = str(value).replace("%", "%25")
        pairs.append(f"{key}={value}".replace("&", "%26"))
    return sorted(pairs)


def callback_hmac(params: Mapping[str, Any], secret: str) -> str:
    """The lowercase hex HMAC-SHA256 Shopify puts in ``hmac`` of an OAuth callback."""
    message = "&".join(_pairs(params))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def callback_verify(params: Mapping[str, Any], secret: str, *, now: float | None = None) -> bool:
    """Whether the callback's ``hmac`` is right (constant-time) and its ``timestamp`` recent."""
    given = params.get("hmac")
    if isinstance(given, list | tuple):
        given = given[-1] if given else ""
    if not secret or not isinstance(given, str) or not given:
        return False
    try:
        stamp = int(str(params.get("timestamp", "")))
    except ValueError:
        return False
    now = CLOCK() if now is None else now
    if abs(now - stamp) > CALLBACK_MAX_AGE:
        return False
    return hmac.compare_digest(
        callback_hmac(params, secret).encode(), given.encode("utf-8", "replace")
    )


def webhook_hmac(secret: str, raw_body: bytes) -> str:
    """``X-Shopify-Hmac-Sha256``: base64 of HMAC-SHA256 over the raw body."""
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_verify(secret: str, raw_body: bytes, given: str) -> bool:
    """Constant-time compare, over bytes, of ``given`` with the body's signature."""
    if not secret or not raw_body or not given:
        return False
    return hmac.compare_digest(
        webhook_hmac(secret, raw_body).encode(), given.encode("utf-8", "replace")
    )


# --- Token endpoint -----------------------------------------------------------------------------


def _token_call(shop: str, *, json_body: dict | None = None, form: dict | None = None) -> dict:
    url = f"https://{shop_domain_clean(shop)}/admin/oauth/access_token"
    try:
        with httpx.Client(transport=gql.TRANSPORT, timeout=gql.TIMEOUT) as http:
            response = http.post(url, json=json_body, data=form)
    except httpx.HTTPError as exc:
        raise AdapterError(f"Shopify unreachable: {exc}", retryable=True) from None
    if response.status_code in (400, 401, 403):
        raise AuthorizationLost(f"Shopify refused the authorization ({response.status_code})")
    if response.status_code >= 300:
        raise AdapterError(
            f"Shopify token endpoint answered {response.status_code}",
            retryable=response.status_code >= 500,
        )
    try:
        body = response.json()
    except ValueError:
        raise AdapterError("Shopify token endpoint answered without JSON") from None
    if not isinstance(body, dict) or not body.get("access_token"):
        raise AdapterError("Shopify token endpoint gave no access token")
    return body


def _expiry(body: Mapping[str, Any], key: str, now: float) -> int:
    seconds = body.get(key)
    return int(now + int(seconds)) if isinstance(seconds, int | float) and seconds else 0


def app_credentials() -> tuple[str, str]:
    """The public app's key and secret from settings; ``AdapterError`` when not configured."""
    key, secret = settings.DROPYARD_SHOPIFY_API_KEY, settings.DROPYARD_SHOPIFY_API_SECRET
    if not key or not secret:
        raise AdapterError("the Shopify app's credentials are not configured")
    return key, secret


def code_exchange(*, shop: str, code: str, now: float | None = None) -> dict[str, Any]:
    """The OAuth callback's ``code`` for an expiring offline token (credentials to store)."""
    key, secret = app_credentials()
    now = CLOCK() if now is None else now
    body = _token_call(
        shop,
        json_body={"client_id": key, "client_secret": secret, "code": code, "expiring": "1"},
    )
    return {
        "mode": "oauth",
        "access_token": body["access_token"],
        "scope": str(body.get("scope", "")),
        "refresh_token": str(body.get("refresh_token", "")),
        "expires_at": _expiry(body, "expires_in", now),
        "refresh_token_expires_at": _expiry(body, "refresh_token_expires_in", now),
    }


def client_credentials(
    *, shop: str, client_id: str, client_secret: str, now: float | None = None
) -> dict[str, Any]:
    """A 24 h token for the merchant's own Dev Dashboard app (credentials to store)."""
    now = CLOCK() if now is None else now
    body = _token_call(
        shop,
        form={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )
    return {
        "mode": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
        "access_token": body["access_token"],
        "scope": str(body.get("scope", "")),
        "expires_at": _expiry(body, "expires_in", now),
    }


def expiring_soon(credentials: Mapping[str, Any], now: float | None = None) -> bool:
    expires_at = int(credentials.get("expires_at") or 0)
    now = CLOCK() if now is None else now
    return bool(expires_at) and now >= expires_at - REFRESH_MARGIN


def renew(*, shop: str, credentials: Mapping[str, Any], now: float | None = None) -> dict:
    """Fresh credentials for ``credentials`` (client credentials asked again; an expiring OAuth
    token refreshed with its rotating refresh token). ``AuthorizationLost`` when that is no
    longer possible (refresh token expired or revoked: the merchant must authorize again)."""
    now = CLOCK() if now is None else now
    if credentials.get("mode") == "client_credentials":
        return client_credentials(
            shop=shop,
            client_id=str(credentials.get("client_id", "")),
            client_secret=str(credentials.get("client_secret", "")),
            now=now,
        )
    refresh_token = str(credentials.get("refresh_token", ""))
    refresh_expiry = int(credentials.get("refresh_token_expires_at") or 0)
    if not refresh_token or (refresh_expiry and now >= refresh_expiry):
        raise AuthorizationLost("the Shopify token expired and cannot be refreshed")
    key, secret = app_credentials()
    body = _token_call(
        shop,
        json_body={
            "client_id": key,
            "client_secret": secret,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
    )
    return {
        **credentials,
        "access_token": body["access_token"],
        "refresh_token": str(body.get("refresh_token") or refresh_token),
        "expires_at": _expiry(body, "expires_in", now),
        "refresh_token_expires_at": _expiry(body, "refresh_token_expires_in", now)
        or refresh_expiry,
    }


def webhook_secret(credentials: Mapping[str, Any]) -> str:
    """The secret Shopify signs this store's webhooks with: the app's client secret (the
    merchant's own app, or the public app's from settings)."""
    if credentials.get("mode") == "client_credentials":
        return str(credentials.get("client_secret", ""))
    return str(settings.DROPYARD_SHOPIFY_API_SECRET or "")
