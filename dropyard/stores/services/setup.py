"""A store's life: connect, change settings, disconnect; and re-encrypting every store's
credentials under the newest key."""

import re
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor, User
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.text import clean_line
from dropyard.logistics.exceptions import CountryNotFound
from dropyard.logistics.models import RateCard, ShippingLine
from dropyard.logistics.selectors import country_code

from .. import crypto
from ..choices import Platform, StoreStatus
from ..exceptions import StoreDisconnected, StoreInvalid, StoreNotFound
from ..models import SandboxShop, Store, StoreShippingDefault

_CURRENCY = re.compile(r"[A-Z]{3}")

# Settings a merchant may change, with their types (bool settings are switches).
SETTINGS: dict[str, type] = {
    "name": str,
    "order_sync": bool,
    "paid_orders_only": bool,
    "hold_for_review": bool,
    "hold_above_minor": int,
    "inventory_sync": bool,
    "tracking_push": bool,
    "tracking_url_template": str,
    "auto_pay": bool,
    "auto_pay_daily_cap_minor": int,
    "reprice_on_change": bool,
}


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _own(store: Store, merchant: MerchantAccount) -> Store:
    """``store`` locked, if it is ``merchant``'s; else ``StoreNotFound`` (tenancy)."""
    try:
        return Store.objects.select_for_update(of=("self",), no_key=True).get(
            pk=store.pk, merchant=merchant
        )
    except Store.DoesNotExist:
        raise StoreNotFound(_("store %(id)s not found") % {"id": store.public_id}) from None


def _invalid(field: str, message: str) -> StoreInvalid:
    return StoreInvalid(f"{field}: {message}", extra={"errors": {field: message}})


def _clean_domain(domain: str) -> str:
    return domain.strip().lower().removesuffix("/")


@transaction.atomic
def store_connect(
    *,
    merchant: MerchantAccount,
    actor: Actor,
    platform: str,
    name: str,
    domain: str,
    currency: str,
    credentials: Mapping[str, Any],
) -> Store:
    """Record an authorized store of ``merchant`` with its credentials encrypted.

    Refused (``StoreInvalid``, nothing written): unknown platform, empty name or domain, a
    currency that is not three letters, or a live (not disconnected) store of the same
    merchant, platform and domain (the unique constraint decides under a race). Audited
    STORE_CONNECTED, without the credentials.
    """
    name, domain, currency = clean_line(name), _clean_domain(domain), currency.strip().upper()
    if platform not in Platform.values:
        raise _invalid(
            "platform", _("must be one of %(values)s") % {"values": ", ".join(Platform.values)}
        )
    if not name or len(name) > 120:
        raise _invalid("name", _("required, at most 120 characters"))
    if not domain or len(domain) > 255:
        raise _invalid("domain", _("required, at most 255 characters"))
    if not _CURRENCY.fullmatch(currency):
        raise _invalid("currency", _("must be a 3-letter ISO code"))
    store = Store(
        merchant=merchant,
        platform=platform,
        name=name,
        domain=domain,
        currency=currency,
        credentials_encrypted=crypto.encrypt(dict(credentials)),
    )
    try:
        with transaction.atomic():
            store.save()
    except IntegrityError:
        raise _invalid(
            "domain", _("this %(platform)s store is already connected") % {"platform": platform}
        ) from None
    audit_record(
        action=AuditAction.STORE_CONNECTED,
        actor=_user(actor),
        merchant=merchant,
        target=store,
        details={"platform": platform, "domain": domain},
    )
    return store


@transaction.atomic
def store_disconnect(
    *, store: Store, merchant: MerchantAccount, actor: Actor, reason: str = ""
) -> Store:
    """Disconnect the store: status DISCONNECTED with ``reason``, credentials wiped, so it
    stops syncing and the same shop may be connected again as a new store. Its catalog,
    connections and store orders stay for the record. Another merchant's store is not found;
    disconnecting twice is refused. Audited STORE_DISCONNECTED."""
    locked = _own(store, merchant)
    if locked.status == StoreStatus.DISCONNECTED:
        raise StoreDisconnected(_("store %(name)s is already disconnected") % {"name": locked.name})
    locked.status = StoreStatus.DISCONNECTED
    locked.status_reason = (reason.strip() or "disconnected by the merchant")[:300]
    locked.credentials_encrypted = ""
    locked.save(update_fields=["status", "status_reason", "credentials_encrypted", "updated_at"])
    audit_record(
        action=AuditAction.STORE_DISCONNECTED,
        actor=_user(actor),
        merchant=merchant,
        target=locked,
        details={"reason": locked.status_reason},
    )
    return locked


def _setting(field: str, value: Any) -> Any:
    kind = SETTINGS[field]
    if kind is bool:
        if not isinstance(value, bool):
            raise _invalid(field, _("must be true or false"))
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(field, _("must be an integer"))
        if value < 0:
            raise _invalid(field, _("may not be negative"))
        return value
    if not isinstance(value, str):
        raise _invalid(field, _("must be text"))
    value = value.strip()
    if field == "name" and not 1 <= len(value) <= 120:
        raise _invalid(field, _("required, at most 120 characters"))
    if field == "tracking_url_template" and value:
        if "{number}" not in value or len(value) > 300:
            raise _invalid(field, _("must contain {number} and be at most 300 characters"))
        if not value.startswith(("https://", "http://")):
            raise _invalid(field, _("must be an http(s) URL"))
    return value


@transaction.atomic
def store_settings_update(
    *, store: Store, merchant: MerchantAccount, actor: Actor, **changes: Any
) -> Store:
    """Change the merchant's settings of a store (``SETTINGS``: switches, tracking URL
    template with ``{number}``, daily auto-pay cap ≥ 0, name).

    All-or-nothing: one invalid or unknown field refuses the call (``StoreInvalid``) and
    nothing changes. A disconnected store is refused. Audited STORE_SETTINGS_CHANGED with the
    fields that changed (no audit when nothing changed).
    """
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise StoreInvalid(_("unknown settings: %(names)s") % {"names": ", ".join(unknown)})
    clean = {field: _setting(field, value) for field, value in changes.items()}
    locked = _own(store, merchant)
    if locked.status == StoreStatus.DISCONNECTED:
        raise StoreDisconnected(_("store %(name)s is disconnected") % {"name": locked.name})
    changed = {f: v for f, v in clean.items() if getattr(locked, f) != v}
    if changed:
        for field, value in changed.items():
            setattr(locked, field, value)
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record(
            action=AuditAction.STORE_SETTINGS_CHANGED,
            actor=_user(actor),
            merchant=merchant,
            target=locked,
            details={"changed": changed},
        )
    return locked


@transaction.atomic
def store_keys_rotate(*, actor: Actor = None) -> int:
    """Re-encrypt every store's credentials, and every Sandbox shop's webhook secret (same
    keys), under the first configured key; returns how many stores were rewritten. Rows are
    locked while rewritten, so a concurrent credential update is not lost. Raises
    ``crypto.CredentialsUnreadable`` (nothing changed) if any of them is readable by no
    configured key. Audited STORE_KEYS_ROTATED (counts, no secrets)."""
    count = 0
    stores = (
        Store.objects.select_for_update(of=("self",), no_key=True)
        .exclude(credentials_encrypted="")
        .order_by("pk")
    )
    for store in stores.only("pk", "credentials_encrypted"):
        store.credentials_encrypted = crypto.rotate(store.credentials_encrypted)
        store.save(update_fields=["credentials_encrypted"])
        count += 1
    shops = 0
    for shop in SandboxShop.objects.select_for_update().order_by("pk"):
        shop.webhook_secret_encrypted = crypto.rotate(shop.webhook_secret_encrypted)
        shop.save(update_fields=["webhook_secret_encrypted"])
        shops += 1
    audit_record(
        action=AuditAction.STORE_KEYS_ROTATED,
        actor=_user(actor),
        details={"stores": count, "sandbox_shops": shops},
    )
    return count


@transaction.atomic
def store_reauthorize_needed(*, store: Store, reason: str) -> Store:
    """The store waits for the merchant to authorize it again (REAUTHORIZE with ``reason``):
    it stops syncing, keeps its credentials (a late webhook, such as Shopify's ``shop/redact``,
    can still be verified). Already waiting or disconnected: nothing changes. Audited
    STORE_REAUTHORIZE."""
    locked = Store.objects.select_for_update(of=("self",), no_key=True).get(pk=store.pk)
    if locked.status != StoreStatus.AUTHORIZED:
        return locked
    locked.status, locked.status_reason = StoreStatus.REAUTHORIZE, reason.strip()[:300]
    locked.save(update_fields=["status", "status_reason", "updated_at"])
    audit_record(
        action=AuditAction.STORE_REAUTHORIZE,
        merchant=locked.merchant,
        target=locked,
        details={"reason": locked.status_reason},
    )
    return locked


@transaction.atomic
def store_shipping_default_set(
    *,
    store: Store,
    merchant: MerchantAccount,
    actor: Actor,
    dest_country: str,
    line: ShippingLine | None,
) -> StoreShippingDefault | None:
    """Set (or, with ``line`` None, clear) the shipping line the store's orders to
    ``dest_country`` ask for; the row, or None when cleared.

    Refused with nothing written: another merchant's store (``StoreNotFound``), a disconnected
    store, an unknown country, an inactive line or one with no rate to that country
    (``StoreInvalid`` with field errors). Audited STORE_SETTINGS_CHANGED (``shipping_default``).
    """
    locked = _own(store, merchant)
    if locked.status == StoreStatus.DISCONNECTED:
        raise StoreDisconnected(_("store %(name)s is disconnected") % {"name": locked.name})
    try:
        dest = country_code(dest_country)
    except CountryNotFound:
        raise _invalid("dest_country", _("choose a destination country")) from None
    previous = StoreShippingDefault.objects.filter(store=locked, dest_country=dest).first()
    if line is None:
        if previous is None:
            return None
        previous.delete()
        row = None
    else:
        if not line.is_active:
            raise _invalid("line", _("%(line)s is not active") % {"line": line.name})
        if not RateCard.objects.filter(line=line, dest_country=dest).exists():
            raise _invalid(
                "line",
                _("%(line)s has no rate to %(country)s") % {"line": line.name, "country": dest},
            )
        row, _created = StoreShippingDefault.objects.update_or_create(
            store=locked, dest_country=dest, defaults={"line": line}
        )
    audit_record(
        action=AuditAction.STORE_SETTINGS_CHANGED,
        actor=_user(actor),
        merchant=merchant,
        target=locked,
        details={
            "shipping_default": dest,
            "line": line.code if line is not None else None,
            "previous_line": previous.line.code if previous is not None else None,
        },
    )
    return row
