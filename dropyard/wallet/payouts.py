"""Supplier payouts: a supplier asks to be paid part of its payable; finance approves, rejects or
pays it.

``payout_request`` creates a REQUESTED payout for at most the supplier's available payable
(the payable balance minus its open payouts), under the payable account's row lock so that two
requests cannot both spend the same money. ``payout_transition`` is the one door for every
later status change (``PAYOUT_TRANSITIONS``): approving, rejecting (a reason is required) and
paying (a bank reference is required). Paying posts one ledger transaction, key
``payout:<public id>``: − amount on the supplier's SUPPLIER_PAYABLE (guarded: never below
zero), + amount on the platform's PAYOUT_BANK account (money left the bank), summing to zero.
Every step is audited SUPPLIER_PAYOUT in its transaction.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor, User
from dropyard.accounts.models import Supplier
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.money import format_money

from .choices import PAYOUT_TRANSITIONS, AccountKind, LedgerKind, PayoutStatus, ReferenceType
from .exceptions import PayoutRefused
from .ledger import Posting, account_for, clean_currency, ledger_post
from .models import Account, Payout
from .supplier_ledger import supplier_payable_minor, supplier_requested_minor

MAX_BANK_DETAILS = 1000


def _user(actor: Actor) -> User | None:
    """The logged-in user behind ``actor`` (None for an API token or the system)."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _audit(payout: Payout, actor: Actor, **details: Any) -> None:
    audit_record(
        action=AuditAction.SUPPLIER_PAYOUT,
        actor=actor,
        target=payout,
        target_label=payout.code,
        details={
            "payout": payout.code,
            "supplier": payout.supplier_id,
            "amount_minor": payout.amount_minor,
            "currency": payout.currency,
            **details,
        },
    )


@transaction.atomic
def payout_request(
    *,
    supplier: Supplier,
    actor: Actor,
    amount_minor: int,
    bank_details: str,
    note: str = "",
    currency: str = "USD",
) -> Payout:
    """A REQUESTED payout of ``amount_minor`` (> 0, at most the available payable).

    Refused (``PayoutRefused``, nothing written) for an inactive supplier, a non-positive or
    non-integer amount, one over the available payable, or empty bank details."""
    currency = clean_currency(currency)
    if not supplier.is_active:
        raise PayoutRefused(_("This supplier account is not active."))
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise PayoutRefused(_("The amount must be more than zero."))
    bank_details = (bank_details or "").strip()
    if not bank_details or len(bank_details) > MAX_BANK_DETAILS:
        raise PayoutRefused(
            _("Give the bank details to pay (at most %(max)s characters).")
            % {"max": MAX_BANK_DETAILS}
        )
    # The payable's row lock: concurrent requests of this supplier queue here, so each sees the
    # others' payouts when it checks what is still available.
    payable = (
        # of=self and no ordering: Account's default ordering joins the (nullable) merchant,
        # and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        Account.objects.select_for_update(of=("self",))
        .filter(supplier=supplier, kind=AccountKind.SUPPLIER_PAYABLE, currency=currency)
        .order_by("pk")
        .first()
    )
    balance = payable.balance_minor if payable is not None else 0
    available = balance - supplier_requested_minor(supplier=supplier, currency=currency)
    if amount_minor > available:
        raise PayoutRefused(
            _("You can request at most %(available)s now.")
            % {"available": format_money(max(available, 0), currency)},
            extra={"available_minor": max(available, 0)},
        )
    payout = Payout.objects.create(
        supplier=supplier,
        amount_minor=amount_minor,
        currency=currency,
        bank_details=bank_details,
        note=(note or "").strip()[:500],
        requested_by=_user(actor),
    )
    _audit(payout, actor, status=PayoutStatus.REQUESTED)
    return payout


@transaction.atomic
def payout_transition(
    *, payout: Payout, to: PayoutStatus | str, actor: Actor, reason: str = "", reference: str = ""
) -> Payout:
    """Move a payout along ``PAYOUT_TRANSITIONS`` (the only code that changes its status).

    - APPROVED: finance agrees to pay it;
    - REJECTED: ``reason`` required (the supplier reads it); the amount is available again;
    - PAID: ``reference`` (the bank transfer's) required; posts the payout's ledger transaction
      (module docstring) — ``InsufficientBalance`` if the payable no longer covers it.
    Anything else (a second payment, approving a rejected payout…) → ``PayoutRefused``, nothing
    changed. The payout row is locked first, so two finance clicks cannot both pay it.
    """
    locked = Payout.objects.select_for_update(of=("self",)).get(pk=payout.pk)
    if to not in PayoutStatus.values or to not in PAYOUT_TRANSITIONS[locked.status]:
        raise PayoutRefused(
            _("Payout %(code)s is %(status)s: it cannot become %(to)s.")
            % {"code": locked.code, "status": locked.get_status_display(), "to": to}
        )
    to = PayoutStatus(to)
    reason, reference = (reason or "").strip(), (reference or "").strip()
    now = timezone.now()
    fields = ["status", "updated_at"]
    if to == PayoutStatus.REJECTED:
        if not reason:
            raise PayoutRefused(_("Give the reason for rejecting the payout."))
        locked.decision_reason = reason[:300]
        fields.append("decision_reason")
    if to in (PayoutStatus.APPROVED, PayoutStatus.REJECTED):
        locked.decided_by = _user(actor)
        locked.decided_at = now
        fields += ["decided_by", "decided_at"]
    if to == PayoutStatus.PAID:
        if not reference:
            raise PayoutRefused(_("Give the bank transfer's reference."))
        locked.paid_reference = reference[:100]
        locked.paid_at = now
        locked.transaction = _post_payment(locked, actor)
        fields += ["paid_reference", "paid_at", "transaction"]
    previous = locked.status
    locked.status = to
    locked.save(update_fields=fields)
    _audit(locked, actor, status=to, previous=previous, reason=reason, reference=reference)
    return locked


def _post_payment(payout: Payout, actor: Actor) -> Any:
    payable = account_for(
        kind=AccountKind.SUPPLIER_PAYABLE, supplier=payout.supplier, currency=payout.currency
    )
    bank = account_for(kind=AccountKind.PAYOUT_BANK, currency=payout.currency)
    txn, _created = ledger_post(
        entries=[
            Posting(account=payable, amount_minor=-payout.amount_minor, currency=payout.currency),
            Posting(account=bank, amount_minor=payout.amount_minor, currency=payout.currency),
        ],
        idempotency_key=f"payout:{payout.public_id}",
        kind=LedgerKind.SUPPLIER_PAYOUT,
        memo=f"Payout {payout.code} to {payout.supplier.company_name}",
        reference_type=ReferenceType.PAYOUT,
        reference_id=payout.public_id,
        actor=actor,
    )
    return txn


# --- Selectors --------------------------------------------------------------------------------


def payout_list(
    *, supplier: Supplier | None = None, status: str = "", q: str = ""
) -> QuerySet[Payout]:
    """Payouts, newest first (one supplier's when given; one status when given; ``q``: the
    payout's code or id, or words of the supplier's company name)."""
    rows = Payout.objects.select_related("supplier", "decided_by", "transaction")
    if supplier is not None:
        rows = rows.filter(supplier=supplier)
    if status:
        rows = rows.filter(status=status)
    q = (q or "").strip()
    if q:
        code = q.upper().removeprefix("PO").lower()
        rows = rows.filter(
            Q(public_id__iexact=code)
            | Q(public_id__iexact=q)
            | Q(supplier__company_name__icontains=q)
        )
    return rows.order_by("-created_at", "-pk")


def payout_summary(*, supplier: Supplier, currency: str = "USD") -> dict[str, int]:
    """The supplier's payable, what its open payouts hold, and what it may still request."""
    payable = supplier_payable_minor(supplier=supplier, currency=currency)
    requested = supplier_requested_minor(supplier=supplier, currency=currency)
    return {
        "payable_minor": payable,
        "requested_minor": requested,
        "available_minor": max(payable - requested, 0),
    }
