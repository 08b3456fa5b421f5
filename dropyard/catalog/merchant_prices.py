"""Per-merchant prices on variants (``MerchantPrice``): the only code that writes them.

A merchant price is agreed by the merchant's agent in a price negotiation (``sourcing``) and
replaces the variant's list price for that merchant wherever an order line or a purchase is
priced (``selectors.unit_prices_for``). Both writes are audited MERCHANT_PRICE_SET with the
price before and after (``None`` = the list price).
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from .exceptions import CatalogError
from .models import MerchantPrice, Variant

PRICE_MAX_MINOR = 10**10  # $100,000,000: far above any unit price, far below overflow
REFERENCE_MAX = 64


def _audit(
    *,
    merchant: MerchantAccount,
    variant: Variant,
    actor: Actor,
    before: int | None,
    after: int | None,
    reference: str,
) -> None:
    details: dict[str, Any] = {
        "variant": variant.sku,
        "from": before,
        "to": after,
        "list_price_minor": variant.price_minor,
        "reference": reference,
    }
    audit_record(
        action=AuditAction.MERCHANT_PRICE_SET,
        actor=actor,
        merchant=merchant,
        target=variant,
        details=details,
    )


@transaction.atomic
def merchant_price_set(
    *,
    merchant: MerchantAccount,
    variant: Variant,
    price_minor: int,
    actor: Actor,
    reference: str = "",
) -> MerchantPrice:
    """Set (or replace) the merchant's price on ``variant``: an integer > 0 (USD minor units).

    Invariant: one row per (merchant, variant); the row is locked while it changes, so two
    answers at once leave the last one. Refused with ``CatalogError``, nothing written, for a
    price that is not a whole number in 1…``PRICE_MAX_MINOR``.
    """
    if isinstance(price_minor, bool) or not isinstance(price_minor, int):
        raise CatalogError(_("the price must be a whole number of cents"))
    if not 0 < price_minor <= PRICE_MAX_MINOR:
        raise CatalogError(_("the price must be more than zero"))
    existing = (
        MerchantPrice.objects.select_for_update().filter(merchant=merchant, variant=variant).first()
    )
    before = existing.price_minor if existing is not None else None
    reference = (reference or "")[:REFERENCE_MAX]
    if existing is None:
        row = MerchantPrice.objects.create(
            merchant=merchant, variant=variant, price_minor=price_minor, reference=reference
        )
    else:
        row = existing
        row.price_minor, row.reference = price_minor, reference
        row.save(update_fields=["price_minor", "reference", "updated_at"])
    _audit(
        merchant=merchant,
        variant=variant,
        actor=actor,
        before=before,
        after=price_minor,
        reference=reference,
    )
    return row


@transaction.atomic
def merchant_price_clear(
    *, merchant: MerchantAccount, variant: Variant, actor: Actor, reference: str = ""
) -> bool:
    """Remove the merchant's price on ``variant``: the list price applies again from now on
    (lines already priced keep their price). False, and nothing audited, when there was none."""
    existing = (
        MerchantPrice.objects.select_for_update().filter(merchant=merchant, variant=variant).first()
    )
    if existing is None:
        return False
    before = existing.price_minor
    existing.delete()
    _audit(
        merchant=merchant,
        variant=variant,
        actor=actor,
        before=before,
        after=None,
        reference=(reference or "")[:REFERENCE_MAX],
    )
    return True
