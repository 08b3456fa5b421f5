"""Reads for card and PayPal payments: the provider events log, a merchant's provider top-ups,
whether a provider charge was taken already."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dropyard.accounts.models import MerchantAccount
from dropyard.core.errors import NotFound
from dropyard.wallet.choices import Provider
from dropyard.wallet.exceptions import TopUpNotFound
from dropyard.wallet.models import LedgerTransaction, Payment, ProviderEvent, TopUp

from .paypal_provider import parse_custom_id

CARD_PROVIDERS = (Provider.STRIPE, Provider.PAYPAL)
EVENT_STATUSES = {
    "processed": "Processed",
    "error": "Error",
    "pending": "Not processed",
}


def event_status(event: ProviderEvent) -> str:
    """processed / error / pending (stored, not acted on yet)."""
    if event.processed_at is not None:
        return "processed"
    return "error" if event.error else "pending"


def provider_event_list(
    *, provider: str = "", event_type: str = "", status: str = ""
) -> QuerySet[ProviderEvent]:
    """Newest first; every filter optional (``event_type`` matches a substring)."""
    events = ProviderEvent.objects.defer("payload").order_by("-received_at", "-pk")
    if provider:
        events = events.filter(provider=provider)
    if event_type:
        events = events.filter(event_type__icontains=event_type)
    if status == "processed":
        events = events.filter(processed_at__isnull=False)
    elif status == "error":
        events = events.filter(processed_at__isnull=True).exclude(error="")
    elif status == "pending":
        events = events.filter(processed_at__isnull=True, error="")
    return events


def provider_event_get(*, pk: int) -> ProviderEvent:
    event = ProviderEvent.objects.filter(pk=pk).first()
    if event is None:
        raise NotFound(_("No such provider event"))
    return event


def provider_event_topup(*, event: ProviderEvent) -> TopUp | None:
    """The top-up an event concerns, read from the reference the payment carried."""
    payload = event.payload or {}
    reference = ""
    if event.provider == Provider.STRIPE:
        obj = (payload.get("data") or {}).get("object") or {}
        metadata = obj.get("metadata") or {}
        if metadata.get("dropyard_kind") == "topup":
            reference = metadata.get("dropyard_ref", "")
    elif event.provider == Provider.PAYPAL:
        resource = payload.get("resource") or {}
        units = resource.get("purchase_units") or [{}]
        raw = resource.get("custom_id") or (units[0] or {}).get("custom_id") or ""
        kind, ref = parse_custom_id(str(raw))
        reference = ref if kind == "topup" else ""
    if not reference:
        return None
    return (
        TopUp.objects.select_related("merchant")
        .filter(public_id=reference, provider=event.provider)
        .first()
    )


def provider_topup_get(*, merchant: MerchantAccount, public_id: str) -> TopUp:
    """A card or PayPal top-up of ``merchant`` (another merchant's id: TopUpNotFound)."""
    topup = TopUp.objects.filter(
        Q(provider__in=CARD_PROVIDERS), merchant=merchant, public_id=public_id
    ).first()
    if topup is None:
        raise TopUpNotFound(_("No such top-up"))
    return topup


def provider_payment_settled(*, provider: str, provider_reference: str) -> bool:
    """Whether the payments side already took this provider payment (paid orders with it, or
    credited it to the wallet): PayPal reports one capture twice (our capture answer and the
    PAYMENT.CAPTURE.COMPLETED webhook)."""
    if not provider_reference:
        return False
    if Payment.objects.filter(method=provider, provider_reference=provider_reference).exists():
        return True
    key = f"provider-credit:{provider}:{provider_reference}"[:200]
    return LedgerTransaction.objects.filter(idempotency_key=key).exists()
