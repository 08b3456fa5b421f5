"""Deciding a dispute (operator): ``dispute_resolve`` refunds, resends, accepts a return or
rejects, and resolves the dispute in the same transaction.

- Refund → ``wallet.refunds.refund_issue`` (credit note, ledger, destination rules, the card
  message), idempotent on the dispute: at most the dispute's cap and what is left unrefunded.
  ``refundType`` 1 sends it to the wallet; 2 follows the wallet's destination rule (to the
  source when that provider refunds to source and the order is not closed, else the wallet).
- Resend → ``resends.dispute_resend``: a zero-price resend order for the claimed lines.
- Return → ``returns.return_authorize``: an RMA to a warehouse that accepts returns; the
  refund, if granted, follows the inspection.
- Reject → a reason is required; the claimed quantities become free again.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dropyard.accounts.models import User
from dropyard.accounts.notifications import notify
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.money import Money
from dropyard.wallet import refunds as wallet_refunds
from dropyard.wallet.choices import RefundDestination
from dropyard.wallet.models import Refund

from . import claims, resends, returns
from .choices import DisputeOutcome, DisputeReason, DisputeStatus, RefundType
from .exceptions import DisputeInvalid, DisputeRefused
from .models import Dispute
from .services import _clean_text, _lock, dispute_transition, dispute_url, merchant_readers

NOTE_MAX = 500


def refund_for_dispute(
    *, dispute: Dispute, actor: User | None, amount_minor: int, note: str, key_suffix: str = ""
) -> Refund:
    """Issue the dispute's refund through the wallet (the caller holds the dispute lock)."""
    destination = RefundDestination.WALLET if dispute.refund_type == RefundType.BALANCE else None
    reason = f"Dispute {dispute.public_id}: {DisputeReason(dispute.reason).label}"
    if note:
        reason = f"{reason} ({note})"
    return wallet_refunds.refund_issue(
        merchant=dispute.merchant,
        order=dispute.order,
        amount_minor=amount_minor,
        reason=reason[:300],
        actor=actor,
        idempotency_key=f"dispute:{dispute.public_id}{key_suffix}",
        destination=destination,
    )


def grantable_minor(dispute: Dispute, amount_minor: Any = None) -> int:
    """What a refund for ``dispute`` may be: ``amount_minor`` (default the amount asked) but
    never more than the cap nor what is left unrefunded of the order's payment."""
    asked = dispute.requested_amount_minor if amount_minor is None else amount_minor
    if isinstance(asked, bool) or not isinstance(asked, int) or asked <= 0:
        raise DisputeInvalid(_("the refund must be a positive whole number of minor units"))
    left = claims.refundable_left(claims.order_payment(dispute.order))
    limit = min(dispute.max_amount_minor, left)
    if asked > limit:
        raise DisputeRefused(
            _("at most %(max)s %(currency)s can be refunded for this dispute")
            % {"max": Money(limit, dispute.currency).wire(), "currency": dispute.currency},
            extra={"maxAmount": limit},
        )
    return asked


@transaction.atomic
def dispute_resolve(
    *,
    dispute: Dispute,
    actor: User,
    outcome: str,
    amount_minor: int | None = None,
    note: Any = "",
    **options: Any,
) -> Dispute:
    """Decide an open dispute (see the module docstring). Audited DISPUTE_RESOLVED; the
    merchant is notified. ``options`` go to the return's authorisation (warehouse, …)."""
    text = _clean_text(note, field=_("the note"), maximum=NOTE_MAX, required=False)
    locked = _lock(dispute)
    if locked.status in (DisputeStatus.RESOLVED, DisputeStatus.CANCELLED):
        raise DisputeRefused(_("this dispute is already closed"))
    if outcome == DisputeOutcome.REFUNDED:
        amount = grantable_minor(locked, amount_minor)
        refund = refund_for_dispute(dispute=locked, actor=actor, amount_minor=amount, note=text)
        locked.refund, locked.granted_amount_minor = refund, amount
        locked.save(update_fields=["refund", "granted_amount_minor", "updated_at"])
    elif outcome == DisputeOutcome.RESENT:
        order = resends.dispute_resend(dispute=locked, actor=actor)
        locked.resend_order = order
        locked.save(update_fields=["resend_order", "updated_at"])
    elif outcome == DisputeOutcome.RETURN_ACCEPTED:
        returns.return_authorize(dispute=locked, actor=actor, **options)
    elif outcome == DisputeOutcome.REJECTED:
        if not text:
            raise DisputeInvalid(_("say why the dispute is rejected"))
        locked.decision_note = text
        locked.save(update_fields=["decision_note", "updated_at"])
    else:
        raise DisputeInvalid(_("unknown outcome"))
    if text and not locked.decision_note:
        locked.decision_note = text
        locked.save(update_fields=["decision_note", "updated_at"])
    dispute_transition(
        dispute=locked, to_status=DisputeStatus.RESOLVED, actor=actor, note=text, outcome=outcome
    )
    audit_record(
        action=AuditAction.DISPUTE_RESOLVED,
        actor=actor,
        merchant=locked.merchant,
        target=locked,
        details={
            "dispute": locked.public_id,
            "order": locked.order.code,
            "outcome": outcome,
            "amount_minor": locked.granted_amount_minor,
            "resend_order": locked.resend_order.code if locked.resend_order else "",
        },
    )
    notify(
        users=merchant_readers(locked),
        kind="dispute.decided",
        title=gettext_noop("The dispute about order %(order)s was decided: %(outcome)s"),
        body=text,
        params={"order": locked.order.code, "outcome": DisputeOutcome(outcome).label},
        url=dispute_url(locked, operator=False),
        merchant=locked.merchant,
        exclude=actor,
    )
    return locked
