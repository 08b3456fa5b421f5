"""Top-ups: money into a merchant's wallet by Sandbox, card, PayPal or wire transfer.

A top-up is created PENDING (``topup_create``) and credited exactly once (``topup_credit``,
posting key ``topup:<public_id>``) when its provider confirms it or, for a wire transfer, when
finance approves the proof (``wire_decide``). The fee rule of each provider decides who bears
the fee (``FeeRule``): the merchant (credited amount − fee) or the platform (credited the
full amount; the fee is posted to DISCOUNTS_GIVEN). Every credit issues its receipt in the
same transaction. Sandbox top-ups complete at once, only where sandbox money is allowed
(``accounts.sandbox.sandbox_allowed``).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dropyard.accounts.actors import Actor, User
from dropyard.accounts.models import MerchantAccount
from dropyard.accounts.sandbox import sandbox_allowed
from dropyard.accounts.validators import validate_document_upload
from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction

from . import invoices
from .choices import AccountKind, LedgerKind, Provider, ReferenceType, TopUpStatus
from .exceptions import TopUpRefused, WalletError
from .ledger import Posting, account_for, clean_currency, ledger_post
from .models import TopUp

TOPUP_PROVIDERS = frozenset(
    {Provider.SANDBOX, Provider.STRIPE, Provider.PAYPAL, Provider.WIRE}
)  # the wallet cannot top itself up
DEFAULT_TOPUP_MIN_MINOR = 1000  # $10.00
# Per provider: percent in basis points + fixed minor units; "merchant" absorbs the fee (the
# wallet is credited amount − fee) or "platform" (credited the full amount; the fee is the
# platform's cost, posted to DISCOUNTS_GIVEN). Override with settings.DROPYARD_TOPUP_FEES.
DEFAULT_TOPUP_FEES: dict[str, dict[str, Any]] = {
    Provider.SANDBOX: {"percent_bp": 0, "fixed_minor": 0, "absorbed_by": "merchant"},
    Provider.STRIPE: {"percent_bp": 290, "fixed_minor": 30, "absorbed_by": "merchant"},
    Provider.PAYPAL: {"percent_bp": 349, "fixed_minor": 49, "absorbed_by": "merchant"},
    Provider.WIRE: {"percent_bp": 0, "fixed_minor": 0, "absorbed_by": "platform"},
}
DEFAULT_WIRE_PROOF_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FeeRule:
    """A provider's top-up fee: ``amount × percent_bp / 10000`` (half up) + ``fixed_minor``."""

    percent_bp: int = 0
    fixed_minor: int = 0
    absorbed_by: str = "merchant"  # "merchant" | "platform"

    def fee_for(self, amount_minor: int) -> int:
        percent = (Decimal(amount_minor) * self.percent_bp / Decimal(10_000)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return int(percent) + self.fixed_minor


@dataclass(frozen=True)
class TopUpQuote:
    """What a top-up costs and credits, shown before the merchant confirms."""

    amount_minor: int
    fee_minor: int
    credit_minor: int  # what the wallet receives
    absorbed_by: str
    currency: str = "USD"


def topup_min_minor() -> int:
    return int(getattr(settings, "DROPYARD_TOPUP_MIN_MINOR", DEFAULT_TOPUP_MIN_MINOR))


def topup_fee_rule(provider: str) -> FeeRule:
    """The fee rule for ``provider``: settings.DROPYARD_TOPUP_FEES[provider] over the default."""
    rule = dict(DEFAULT_TOPUP_FEES.get(provider, {}))
    rule.update(getattr(settings, "DROPYARD_TOPUP_FEES", {}).get(provider, {}))
    fee_rule = FeeRule(
        percent_bp=int(rule.get("percent_bp", 0)),
        fixed_minor=int(rule.get("fixed_minor", 0)),
        absorbed_by=rule.get("absorbed_by", "merchant"),
    )
    if fee_rule.absorbed_by not in ("merchant", "platform"):
        raise WalletError(f"fee rule for {provider}: absorbed_by must be merchant or platform")
    return fee_rule


def topup_quote(*, provider: str, amount_minor: int, currency: str = "USD") -> TopUpQuote:
    """Fee and wallet credit for a top-up of ``amount_minor`` through ``provider``."""
    rule = topup_fee_rule(provider)
    fee = rule.fee_for(amount_minor)
    credit = amount_minor - fee if rule.absorbed_by == "merchant" else amount_minor
    return TopUpQuote(
        amount_minor=amount_minor,
        fee_minor=fee,
        credit_minor=credit,
        absorbed_by=rule.absorbed_by,
        currency=currency,
    )


def _validate_proof(upload: UploadedFile | None) -> str:
    """Refuse a missing, empty, oversized or mis-typed proof; return its extension."""
    limit = int(getattr(settings, "DROPYARD_WIRE_PROOF_MAX_BYTES", DEFAULT_WIRE_PROOF_MAX_BYTES))
    return validate_document_upload(
        upload, label=_("Proof of transfer"), max_bytes=limit, error=TopUpRefused
    )


@transaction.atomic
def topup_create(
    *,
    merchant: MerchantAccount,
    provider: str,
    amount_minor: int,
    currency: str = "USD",
    actor: Actor,
    wire_reference: str = "",
    proof: UploadedFile | None = None,
) -> TopUp:
    """Start a top-up (PENDING); nothing is credited until ``topup_credit``.

    Refused (``TopUpRefused``, nothing saved): an unknown provider or the wallet itself, a
    non-int amount or one below ``DROPYARD_TOPUP_MIN_MINOR``, a fee that would eat the whole
    amount; for wire transfers a missing bank reference or a proof that is not a PDF/PNG/JPEG
    within the size limit (checked by magic bytes; stored in private storage under a
    generated name). ``fee_minor`` is the fee rule's estimate; the provider may report the
    actual fee at credit time. Audited TOPUP_CREATED.
    """
    if provider not in TOPUP_PROVIDERS:
        raise TopUpRefused(_("unknown top-up provider %(provider)r") % {"provider": provider})
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise TopUpRefused(_("amount must be a whole number of minor units"))
    currency = clean_currency(currency)
    minimum = topup_min_minor()
    if amount_minor < minimum:
        raise TopUpRefused(
            _("The minimum top-up is %(amount)s %(currency)s")
            % {"amount": f"{minimum / 100:.2f}", "currency": currency},
            extra={"min": minimum},
        )
    quote = topup_quote(provider=provider, amount_minor=amount_minor, currency=currency)
    if quote.credit_minor <= 0:
        raise TopUpRefused(_("the provider fee would take the whole amount"))
    wire_reference = (wire_reference or "").strip()
    extension = ""
    if provider == Provider.WIRE:
        if not wire_reference:
            raise TopUpRefused(_("the bank transfer reference is required"))
        limit = TopUp._meta.get_field("wire_reference").max_length
        if limit is not None and len(wire_reference) > limit:
            raise TopUpRefused(_("the bank transfer reference is at most 100 characters"))
        extension = _validate_proof(proof)
    elif wire_reference or proof is not None:
        raise TopUpRefused(_("a bank reference and proof belong to wire transfers only"))
    topup = TopUp(
        merchant=merchant,
        provider=provider,
        amount_minor=amount_minor,
        fee_minor=quote.fee_minor,
        currency=currency,
        wire_reference=wire_reference,
        created_by=actor if isinstance(actor, User) and actor.is_authenticated else None,
    )
    if proof is not None:
        # A generated name: the client's file name never reaches the file system.
        topup.proof.save(f"{topup.public_id}{extension}", proof, save=False)
    topup.save()
    audit_record(
        action=AuditAction.TOPUP_CREATED,
        actor=actor,
        merchant=merchant,
        target=topup,
        details={
            "provider": provider,
            "amount_minor": amount_minor,
            "fee_minor": quote.fee_minor,
            "currency": currency,
        },
    )
    return topup


@transaction.atomic
def topup_credit(
    *,
    topup: TopUp,
    actor: Actor = None,
    provider_reference: str = "",
    fee_minor: int | None = None,
) -> TopUp:
    """Credit a PENDING top-up to the merchant's wallet: PENDING → SUCCEEDED, once.

    Idempotent: the top-up row is locked, an already SUCCEEDED top-up is returned unchanged,
    and the posting's key is ``topup:<public_id>``, so a replayed provider event credits once.
    FAILED / REJECTED / CANCELLED top-ups are refused (``TopUpRefused``). ``fee_minor`` is
    the provider's actual fee when it reports one (default: the rule's estimate).

    Posting (sums to zero): provider cash −amount; provider fees +fee; the wallet +credit,
    where credit is amount − fee when the merchant absorbs the fee, or amount when the
    platform does (then discounts given −fee). Issues the top-up's receipt
    (``invoices.receipt_issue_for_topup``). Audited TOPUP_CREDITED.
    """
    locked = TopUp.objects.select_for_update(of=("self",), no_key=True).get(pk=topup.pk)
    if locked.status == TopUpStatus.SUCCEEDED:
        return locked
    if locked.status != TopUpStatus.PENDING:
        raise TopUpRefused(
            _("top-up %(id)s is %(status)s")
            % {"id": locked.public_id, "status": locked.get_status_display().lower()}
        )
    fee = locked.fee_minor if fee_minor is None else fee_minor
    if not isinstance(fee, int) or isinstance(fee, bool) or fee < 0:
        raise TopUpRefused(_("the fee must be a non-negative whole number of minor units"))
    rule = topup_fee_rule(locked.provider)
    credit = locked.amount_minor - fee if rule.absorbed_by == "merchant" else locked.amount_minor
    if credit <= 0:
        raise TopUpRefused(_("the provider fee takes the whole amount; nothing to credit"))
    currency = locked.currency
    postings = [
        Posting(
            account=account_for(
                kind=AccountKind.PROVIDER_CASH, provider=locked.provider, currency=currency
            ),
            amount_minor=-locked.amount_minor,
            currency=currency,
        ),
        Posting(
            account=account_for(
                merchant=locked.merchant, kind=AccountKind.WALLET_AVAILABLE, currency=currency
            ),
            amount_minor=credit,
            currency=currency,
        ),
    ]
    if fee:
        postings.append(
            Posting(
                account=account_for(
                    kind=AccountKind.PROVIDER_FEES, provider=locked.provider, currency=currency
                ),
                amount_minor=fee,
                currency=currency,
            )
        )
        if rule.absorbed_by == "platform":
            postings.append(
                Posting(
                    account=account_for(kind=AccountKind.DISCOUNTS_GIVEN, currency=currency),
                    amount_minor=-fee,
                    currency=currency,
                )
            )
    with translation.override("en"):  # a stored memo, whatever language the request speaks
        provider_name = locked.get_provider_display()
    txn, _created = ledger_post(
        entries=postings,
        idempotency_key=f"topup:{locked.public_id}",
        kind=LedgerKind.TOPUP,
        memo=f"Top-up via {provider_name}",
        merchant=locked.merchant,
        reference_type=ReferenceType.TOPUP,
        reference_id=locked.public_id,
        actor=actor,
    )
    locked.status = TopUpStatus.SUCCEEDED
    locked.transaction = txn
    locked.fee_minor = fee
    locked.completed_at = timezone.now()
    if provider_reference:
        locked.provider_reference = provider_reference[:255]
    locked.save(
        update_fields=[
            "status",
            "transaction",
            "fee_minor",
            "completed_at",
            "provider_reference",
            "updated_at",
        ]
    )
    # The receipt is numbered inside this transaction (no gaps if it rolls back), last so the
    # invoice counter's lock is taken after the ledger's.
    invoices.receipt_issue_for_topup(topup=locked)
    audit_record(
        action=AuditAction.TOPUP_CREDITED,
        actor=actor,
        actor_label="" if actor is not None else f"provider {locked.provider}",
        merchant=locked.merchant,
        target=locked,
        details={
            "provider": locked.provider,
            "amount_minor": locked.amount_minor,
            "fee_minor": fee,
            "credit_minor": credit,
            "currency": currency,
            "transaction": txn.public_id,
        },
    )
    return locked


@transaction.atomic
def topup_fail(*, topup: TopUp, reason: str) -> TopUp:
    """PENDING → FAILED (the provider declined or the session expired). Idempotent for a
    FAILED top-up; a credited, rejected or cancelled one is refused. Nothing is posted."""
    locked = TopUp.objects.select_for_update(of=("self",), no_key=True).get(pk=topup.pk)
    if locked.status == TopUpStatus.FAILED:
        return locked
    if locked.status != TopUpStatus.PENDING:
        raise TopUpRefused(
            _("top-up %(id)s is %(status)s")
            % {"id": locked.public_id, "status": locked.get_status_display().lower()}
        )
    locked.status = TopUpStatus.FAILED
    locked.decision_reason = (reason or "")[:300]
    locked.completed_at = timezone.now()
    locked.save(update_fields=["status", "decision_reason", "completed_at", "updated_at"])
    return locked


@transaction.atomic
def sandbox_topup(
    *, merchant: MerchantAccount, amount_minor: int, actor: Actor, trusted: bool = False
) -> TopUp:
    """A Sandbox top-up that completes at once (demo and tests): created and credited in one
    transaction, labelled Sandbox everywhere it is shown.

    Sandbox money is free, so it is refused (``TopUpRefused``, nothing written) unless
    ``sandbox_allowed(merchant)`` (the installation's ``DROPYARD_SANDBOX_PAYMENTS`` or a
    sandbox account). ``trusted=True`` skips that check: ONLY for code the platform itself
    runs with no merchant input (the demo loaders, test fixtures), never for a view or API.
    """
    if not trusted and not sandbox_allowed(merchant):
        raise TopUpRefused(
            _(
                "Sandbox top-ups are disabled on this installation: add money by card, PayPal or "
                "wire transfer"
            )
        )
    topup = topup_create(
        merchant=merchant, provider=Provider.SANDBOX, amount_minor=amount_minor, actor=actor
    )
    return topup_credit(topup=topup, actor=actor, provider_reference=f"sandbox-{topup.public_id}")


@transaction.atomic
def wire_decide(*, topup: TopUp, actor: Actor, approve: bool, reason: str = "") -> TopUp:
    """Finance decides a PENDING wire transfer: approve → credited (``topup_credit``), reject →
    REJECTED with the reason shown to the merchant. A decided transfer is refused
    (``TopUpRefused``), so a double click cannot decide twice. Audited WIRE_DECIDED (and
    TOPUP_CREDITED on approval)."""
    locked = TopUp.objects.select_for_update(of=("self",), no_key=True).get(pk=topup.pk)
    if locked.provider != Provider.WIRE:
        raise TopUpRefused(_("only wire transfers are decided by finance"))
    if locked.status != TopUpStatus.PENDING:
        raise TopUpRefused(
            _("wire transfer %(id)s is already %(status)s")
            % {"id": locked.public_id, "status": locked.get_status_display().lower()}
        )
    reason = (reason or "").strip()[:300]
    if not approve and not reason:
        raise TopUpRefused(_("a reason is required to reject a wire transfer"))
    locked.decided_by = actor if isinstance(actor, User) and actor.is_authenticated else None
    locked.decision_reason = reason
    if approve:
        locked.save(update_fields=["decided_by", "decision_reason", "updated_at"])
        locked = topup_credit(topup=locked, actor=actor, provider_reference=locked.wire_reference)
    else:
        locked.status = TopUpStatus.REJECTED
        locked.completed_at = timezone.now()
        locked.save(
            update_fields=["status", "decided_by", "decision_reason", "completed_at", "updated_at"]
        )
    audit_record(
        action=AuditAction.WIRE_DECIDED,
        actor=actor,
        merchant=locked.merchant,
        target=locked,
        details={"approved": approve, "reason": reason, "amount_minor": locked.amount_minor},
    )
    return locked
