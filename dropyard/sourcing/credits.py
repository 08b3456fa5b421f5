"""The SOLD credit: a published request whose product sells raises the merchant's authority.

Invariant: each published request is credited at most once (``sold_credited_at`` set under
the request's row lock in the same transaction as the ``AuthorityEvent``), when an order of
the request's merchant holding one of the product's variants is paid. Idempotent: running the
sweep again credits nothing new.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from dropyard.orders.models import OrderLine

from .choices import AuthorityEventKind
from .choices import SourcingStatus as S
from .models import SourcingRequest
from .services_requests import authority_record

SWEEP_BATCH = 500


def _paid_line() -> Exists:
    return Exists(
        OrderLine.objects.filter(
            variant__product_id=OuterRef("product_id"),
            order__merchant_id=OuterRef("merchant_id"),
            order__paid_at__isnull=False,
        )
    )


def sold_uncredited() -> QuerySet[SourcingRequest]:
    """Published requests not credited yet whose product was paid for by their merchant."""
    return SourcingRequest.objects.filter(
        status=S.PUBLISHED, sold_credited_at__isnull=True, product__isnull=False
    ).filter(_paid_line())


@transaction.atomic
def sourcing_sold_credit(*, request_id: int) -> bool:
    """Credit one request (locked) if it qualifies now; True when it was credited."""
    request = sold_uncredited().select_for_update(of=("self",)).filter(pk=request_id).first()
    if request is None:
        return False
    request.sold_credited_at = timezone.now()
    request.save(update_fields=["sold_credited_at", "updated_at"])
    authority_record(
        merchant=request.merchant,
        kind=AuthorityEventKind.SOLD,
        request=request,
        note=request.public_id,
    )
    return True


def sourcing_sold_credit_sweep() -> int:
    """Credit every qualifying request (one transaction each); how many were credited."""
    ids = list(sold_uncredited().order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    return sum(sourcing_sold_credit(request_id=pk) for pk in ids)
