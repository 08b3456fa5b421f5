"""Resend outcome: ``dispute_resend`` ships the dispute's claimed lines again in a new order,
at the platform's expense.

The resend is an ordinary order of the merchant (``order_type`` RESEND, ``original_order`` the
disputed order) made by the orders services, so it is routed, reserved, picked, packed and
shipped like any other; only its money differs: unit prices 0 and no freight
(``orders.services.plan.FREIGHT_FREE``), released to the warehouse by
``orders.services.order_settle_free`` (the "order paid" path with nothing paid: no wallet
posting, no ``Payment``, no invoice). It ships platform stock only, never the merchant's
private stock.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from dropyard.accounts.models import User
from dropyard.core.errors import DomainError
from dropyard.orders import services as order_services
from dropyard.orders.address import ADDRESS_FIELDS
from dropyard.orders.choices import OrderSource, OrderType
from dropyard.orders.models import Order

from . import claims
from .choices import ExpectType
from .exceptions import DisputeRefused
from .models import Dispute, DisputeLine
from .services import _event

ORDER_NUMBER_MAX = 50  # Order.order_number
RESEND_PLATFORM = "after-sales"
# Fields of the original order the resend keeps besides the address: customs and shipping
# choices made for the same parcel and the same recipient.
KEPT_FIELDS = ("ioss_type", "ioss_number", "shop_logistics_type", "requested_logistic_name")


def resend_order_number(dispute: Dispute, original: Order) -> str:
    """The merchant's number for the resend: the original's, then "-RS" and the dispute's id
    (unique per merchant because the dispute's public id is), within the field's 50 characters."""
    suffix = f"-RS{dispute.public_id}"
    return f"{original.order_number[: ORDER_NUMBER_MAX - len(suffix)]}{suffix}"


def _refused(reason: str, dispute: Dispute, **extra: object) -> DisputeRefused:
    return DisputeRefused(
        _("the claimed goods cannot be sent again: %(reason)s") % {"reason": reason},
        extra={"disputeId": dispute.public_id, **extra},
    )


@transaction.atomic
def dispute_resend(*, dispute: Dispute, actor: User) -> Order:
    """Create and release the resend order of ``dispute`` (called by
    ``outcomes.dispute_resolve``, which resolves the dispute in the same transaction).

    Invariants once it returns: the order is RESEND with ``original_order = dispute.order``,
    one line per ``DisputeLine`` (same variant, the claimed quantity, unit price 0), the
    original's address; its total is 0 and no wallet money moved — the platform bears the
    goods and the freight; it is UNSHIPPED with its parcels READY in the warehouse queue;
    ``dispute.resend_order`` is it. A "resend" ``DisputeEvent`` names the new order; both
    orders' histories note the other and the dispute (the new order's remark too).

    Idempotent: a dispute that already has a resend order returns it and writes nothing.
    Refused with ``DisputeRefused`` and nothing written (the caller's transaction rolls back
    too): an original that was not shipped or is a bulk order (``claims.expect_options``), a
    dispute without lines, a variant off sale, no route or not enough platform stock.
    """
    locked = (
        Dispute.objects.select_for_update(of=("self",)).select_related("order").get(pk=dispute.pk)
    )
    if locked.resend_order_id is not None:
        dispute.resend_order_id = locked.resend_order_id
        return Order.objects.get(pk=locked.resend_order_id)
    original = locked.order
    if ExpectType.RESEND not in claims.expect_options(original):
        raise _refused(
            _("order %(code)s is %(status)s; only shipped or delivered orders are resent")
            % {"code": original.code, "status": original.get_status_display().lower()},
            locked,
        )
    lines = list(
        DisputeLine.objects.filter(dispute=locked)
        .select_related("order_line__variant")
        .order_by("pk")
    )
    if not lines:
        raise _refused(_("the dispute claims no product line"), locked)
    note = f"Resend for dispute {locked.public_id} on order {original.code}"
    try:
        order = order_services.order_create(
            merchant=locked.merchant,
            actor=actor,
            order_number=resend_order_number(locked, original),
            lines=[
                {
                    "vid": line.order_line.variant.public_id,
                    "quantity": line.quantity,
                    "unit_price_minor": 0,
                }
                for line in lines
            ],
            **{name: getattr(original, name) for name in (*ADDRESS_FIELDS, *KEPT_FIELDS)},
            remark=note,
            order_type=OrderType.RESEND,
            original_order=original,
            source=OrderSource.MANUAL,
            platform=RESEND_PLATFORM,
            is_sandbox=True if original.is_sandbox else None,
        )
        if order.logistics_miss:
            raise _refused(
                "; ".join(str(r.get("message")) for r in order.intercept_reasons),
                locked,
                reasons=order.intercept_reasons,
            )
        order = order_services.order_settle_free(
            order=order, actor=actor, actor_label="after-sales resend"
        )
    except DisputeRefused:
        raise
    except DomainError as exc:
        raise _refused(exc.message, locked, **exc.extra) from None
    order_services.order_note(order, kind="resend", note=note, actor=actor)
    order_services.order_note(
        original,
        kind="resend",
        note=f"Resent in order {order.code} for dispute {locked.public_id}",
        actor=actor,
    )
    locked.resend_order = order
    locked.save(update_fields=["resend_order", "updated_at"])
    dispute.resend_order = order
    _event(locked, kind="resend", note=f"Resend order {order.code}", actor=actor)
    return order
