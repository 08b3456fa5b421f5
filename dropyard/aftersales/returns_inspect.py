"""Inspecting a received return and closing it with the refund granted (a module of its own
because the refund goes through ``outcomes.refund_for_dispute``, and ``outcomes`` calls
``returns``).

For each line the warehouse says how many units go back on the shelf as the merchant's
private stock, as platform stock, and how many are disposed of (the rest did not arrive).
Restocking goes through ``inventory.services.stock_return`` (RETURN movements, reference the
RMA code) in the return's warehouse. The refund, if any, is at most the dispute's cap (and what
is left unrefunded of the order's payment) minus the return shipping deducted; it is issued
once (idempotency key ``dispute:<id>:return``) and recorded on the dispute too.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dropyard.accounts.models import User
from dropyard.core.money import Money
from dropyard.inventory import services as inventory_services

from . import claims
from .choices import ReturnStatus
from .exceptions import ReturnInvalid, ReturnRefused
from .models import Dispute, DisputeEvent, ReturnAuthorization, ReturnLine
from .outcomes import refund_for_dispute
from .returns import NOTE_MAX, _clean, _lock, notify_merchant, return_transition
from .services import _lock as dispute_lock

QUANTITY_FIELDS = ("restock_private", "restock_platform", "disposed")


@dataclass(frozen=True)
class InspectResult:
    """What inspection did with one return line's units (``line_id`` = ``ReturnLine.pk``)."""

    line_id: int
    restock_private: int = 0
    restock_platform: int = 0
    disposed: int = 0


def refund_limit(rma: ReturnAuthorization, dispute: Dispute) -> int:
    """The most that may be refunded after inspection: the dispute's cap, never more than what
    is left unrefunded of the order's payment, minus the return shipping deducted."""
    left = claims.refundable_left(claims.order_payment(dispute.order))
    return max(0, min(dispute.max_amount_minor, left) - rma.deducted_minor)


def _count(value: Any, *, line: ReturnLine) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReturnInvalid(
            _("the quantities of line %(line)s must be whole numbers, not negative")
            % {"line": line.dispute_line.order_line.line_item_id}
        )
    return value


def _checked(
    lines: Sequence[ReturnLine], results: Sequence[InspectResult]
) -> dict[int, InspectResult]:
    """Each result on a line of this return, never more units than came back."""
    by_pk = {line.pk: line for line in lines}
    checked: dict[int, InspectResult] = {}
    for result in results:
        line = by_pk.get(result.line_id) if isinstance(result.line_id, int) else None
        if line is None:
            raise ReturnInvalid(_("a result is for a line that is not in this return"))
        if line.pk in checked:
            raise ReturnInvalid(_("a line of this return has two results"))
        counts = [_count(getattr(result, name), line=line) for name in QUANTITY_FIELDS]
        if sum(counts) > line.quantity:
            raise ReturnRefused(
                _("line %(line)s: %(inspected)s units inspected but %(returned)s were returned")
                % {
                    "line": line.dispute_line.order_line.line_item_id,
                    "inspected": sum(counts),
                    "returned": line.quantity,
                }
            )
        checked[line.pk] = result
    return checked


def _restock(rma: ReturnAuthorization, line: ReturnLine, actor: User) -> None:
    variant = line.dispute_line.order_line.variant
    reason = f"Return {rma.code} (order {rma.order.code})"
    for quantity, owner in (
        (line.restock_private, rma.merchant),
        (line.restock_platform, None),
    ):
        if quantity:
            inventory_services.stock_return(
                variant=variant,
                warehouse=rma.warehouse,
                quantity=quantity,
                actor=actor,
                reason=reason,
                reference=rma.code,
                merchant=owner,
            )


@transaction.atomic
def return_inspect(
    *,
    rma: ReturnAuthorization,
    actor: User,
    results: Sequence[InspectResult],
    refund_amount_minor: Any,
    note: Any = "",
) -> ReturnAuthorization:
    """Record the inspection of a RECEIVED return, restock, and close it with the refund.

    ``results``: one per line at most (a line left out: nothing arrived of it); per line
    restocked to the merchant's private stock + to platform stock + disposed ≤ its quantity.
    ``refund_amount_minor``: 0 (no refund) up to ``refund_limit``. RECEIVED → INSPECTED →
    CLOSED in one transaction, two history rows; refused (nothing changed) for any other
    status, an unknown line, quantities over the returned ones, a refund over the limit.
    """
    text = _clean(note, field=_("the note"), maximum=NOTE_MAX, required=False)
    amount = refund_amount_minor
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ReturnInvalid(_("the refund must be a whole number of minor units, not negative"))
    dispute = dispute_lock(rma.dispute)  # the dispute first, as dispute_resolve does
    locked = _lock(rma)
    if locked.status != ReturnStatus.RECEIVED:
        raise ReturnRefused(
            _("return %(code)s is %(status)s: only a received return can be inspected")
            % {"code": locked.code, "status": locked.get_status_display().lower()}
        )
    lines = list(locked.lines.select_related("dispute_line__order_line__variant").order_by("pk"))
    checked = _checked(lines, results)
    limit = refund_limit(locked, dispute)
    if amount > limit:
        raise ReturnRefused(
            _("at most %(max)s can be refunded for this return")
            % {"max": Money(limit, locked.currency).wire()},
            extra={"maxAmount": limit},
        )
    for line in lines:
        result = checked.get(line.pk, InspectResult(line_id=line.pk))
        for name in QUANTITY_FIELDS:
            setattr(line, name, getattr(result, name))
        line.save(update_fields=list(QUANTITY_FIELDS))
        _restock(locked, line, actor)
    locked.inspection_note = text
    locked.save(update_fields=["inspection_note", "updated_at"])
    summary = "; ".join(
        f"{line.dispute_line.order_line.variant.sku}: private {line.restock_private}, "
        f"platform {line.restock_platform}, disposed {line.disposed}, missing {line.missing}"
        for line in lines
    )
    return_transition(rma=locked, to_status=ReturnStatus.INSPECTED, actor=actor, note=summary)
    if amount > 0:
        refund = refund_for_dispute(
            dispute=dispute,
            actor=actor,
            amount_minor=amount,
            note=f"return {locked.code}",
            key_suffix=":return",
        )
        locked.refund, locked.refund_amount_minor = refund, amount
        locked.save(update_fields=["refund", "refund_amount_minor", "updated_at"])
        dispute.refund, dispute.granted_amount_minor = refund, amount
        dispute.save(update_fields=["refund", "granted_amount_minor", "updated_at"])
        DisputeEvent.objects.create(
            dispute=dispute,
            from_status=dispute.status,
            to_status=dispute.status,
            kind="refund",
            note=f"Refund {refund.code} after return {locked.code}",
            actor=actor,
            actor_label=actor.email,
        )
        closing = f"Refunded {Money(amount, locked.currency).wire()} {locked.currency}"
    else:
        closing = "No refund granted"
    return_transition(rma=locked, to_status=ReturnStatus.CLOSED, actor=actor, note=closing)
    notify_merchant(
        locked,
        kind="return.closed",
        title=gettext_noop("Return %(code)s was inspected: %(amount)s refunded"),
        body=text,
        params={"amount": f"{Money(amount, locked.currency).wire()} {locked.currency}"},
        actor=actor,
    )
    return locked
