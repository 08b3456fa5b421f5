"""Top-ups: minimum, fee rules, crediting once, sandbox, wire transfers decided by finance."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.accounts.tests.factories import PDF
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.wallet.choices import AccountKind, InvoiceKind, Provider, TopUpStatus
from dropyard.wallet.exceptions import TopUpRefused
from dropyard.wallet.ledger import (
    account_for,
    ledger_integrity_check,
    trial_balance,
    wallet_balance,
)
from dropyard.wallet.models import Invoice, LedgerTransaction, TopUp
from dropyard.wallet.tests.payment_helpers import available
from dropyard.wallet.topups import (
    sandbox_topup,
    topup_create,
    topup_credit,
    topup_fail,
    topup_quote,
    wire_decide,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _proof(name="proof.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def _wire(merchant, owner, amount=50_000, reference="ACME-INV-77"):
    return topup_create(
        merchant=merchant,
        provider=Provider.WIRE,
        amount_minor=amount,
        actor=owner,
        wire_reference=reference,
        proof=_proof(),
    )


def test_sandbox_topup_credits_at_once(merchant, owner):
    topup = sandbox_topup(merchant=merchant, amount_minor=100_000, actor=owner)
    assert topup.status == TopUpStatus.SUCCEEDED
    assert topup.provider == Provider.SANDBOX
    assert topup.fee_minor == 0
    assert topup.completed_at is not None
    assert topup.transaction.idempotency_key == f"topup:{topup.public_id}"
    assert wallet_balance(merchant=merchant).available_minor == 100_000
    cash = account_for(kind=AccountKind.PROVIDER_CASH, provider="sandbox")
    assert cash.balance_minor == -100_000
    actions = list(
        AuditEvent.objects.filter(action__startswith="topup.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.TOPUP_CREATED, AuditAction.TOPUP_CREDITED]
    receipt = Invoice.objects.get(topup=topup)
    assert (receipt.kind, receipt.total_minor) == (InvoiceKind.RECEIPT, 100_000)
    assert ledger_integrity_check() == []


def test_minimum_amount_is_enforced(merchant, owner):
    with pytest.raises(TopUpRefused) as refused:
        sandbox_topup(merchant=merchant, amount_minor=999, actor=owner)
    assert "10.00" in refused.value.message
    assert TopUp.objects.count() == 0
    assert sandbox_topup(merchant=merchant, amount_minor=1000, actor=owner).amount_minor == 1000


def test_minimum_amount_follows_the_setting(merchant, owner, settings):
    settings.DROPYARD_TOPUP_MIN_MINOR = 5000
    with pytest.raises(TopUpRefused):
        sandbox_topup(merchant=merchant, amount_minor=4999, actor=owner)
    assert TopUp.objects.count() == 0


@pytest.mark.parametrize("amount", [10.5, "2000", True, -5000, 0])
def test_bad_amounts_are_refused(merchant, owner, amount):
    with pytest.raises(TopUpRefused):
        topup_create(merchant=merchant, provider=Provider.STRIPE, amount_minor=amount, actor=owner)
    assert TopUp.objects.count() == 0


@pytest.mark.parametrize("provider", [Provider.WALLET, "bitcoin", ""])
def test_unknown_or_wallet_provider_is_refused(merchant, owner, provider):
    with pytest.raises(TopUpRefused):
        topup_create(merchant=merchant, provider=provider, amount_minor=5000, actor=owner)
    assert TopUp.objects.count() == 0


def test_stripe_fee_rule_merchant_absorbs(merchant, owner):
    quote = topup_quote(provider=Provider.STRIPE, amount_minor=10_000)
    # 2.9% of $100.00 = $2.90, + $0.30
    assert (quote.fee_minor, quote.credit_minor, quote.absorbed_by) == (320, 9680, "merchant")
    topup = topup_create(
        merchant=merchant, provider=Provider.STRIPE, amount_minor=10_000, actor=owner
    )
    assert topup.status == TopUpStatus.PENDING
    assert topup.fee_minor == 320
    assert wallet_balance(merchant=merchant).available_minor == 0  # nothing before the webhook
    topup_credit(topup=topup, provider_reference="pi_123")
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    assert topup.provider_reference == "pi_123"
    assert wallet_balance(merchant=merchant).available_minor == 9680
    assert account_for(kind=AccountKind.PROVIDER_CASH, provider="stripe").balance_minor == -10_000
    assert account_for(kind=AccountKind.PROVIDER_FEES, provider="stripe").balance_minor == 320
    credited = AuditEvent.objects.get(action=AuditAction.TOPUP_CREDITED)
    assert credited.actor_label == "provider stripe"
    assert credited.details["credit_minor"] == 9680
    assert ledger_integrity_check() == []


def test_fee_rounds_half_up():
    # 3.49% of $10.05 = 35.0745 cents → 35, + 49
    assert topup_quote(provider=Provider.PAYPAL, amount_minor=1005).fee_minor == 84
    # 2.9% of $10.50 = 30.45 → 30, + 30; 2.9% of $15.50 = 44.95 → 45, + 30
    assert topup_quote(provider=Provider.STRIPE, amount_minor=1050).fee_minor == 60
    assert topup_quote(provider=Provider.STRIPE, amount_minor=1550).fee_minor == 75
    # exactly half a cent rounds up: 3.49% of $50.00 = 174.5 → 175, + 49
    assert topup_quote(provider=Provider.PAYPAL, amount_minor=5000).fee_minor == 224


def test_platform_absorbed_fee_credits_the_full_amount(merchant, owner, settings):
    settings.DROPYARD_TOPUP_FEES = {"paypal": {"absorbed_by": "platform"}}
    topup = topup_create(
        merchant=merchant, provider=Provider.PAYPAL, amount_minor=20_000, actor=owner
    )
    assert topup.fee_minor == 747  # 3.49% of 200.00 = 6.98 + 0.49
    topup_credit(topup=topup)
    assert wallet_balance(merchant=merchant).available_minor == 20_000
    assert account_for(kind=AccountKind.DISCOUNTS_GIVEN).balance_minor == -747
    assert account_for(kind=AccountKind.PROVIDER_FEES, provider="paypal").balance_minor == 747
    assert trial_balance().totals == {"USD": 0}


def test_actual_provider_fee_replaces_the_estimate(merchant, owner):
    topup = topup_create(
        merchant=merchant, provider=Provider.STRIPE, amount_minor=10_000, actor=owner
    )
    topup_credit(topup=topup, fee_minor=301)
    topup.refresh_from_db()
    assert topup.fee_minor == 301
    assert wallet_balance(merchant=merchant).available_minor == 9699


def test_fee_that_eats_the_amount_is_refused(merchant, owner, settings):
    settings.DROPYARD_TOPUP_FEES = {"stripe": {"fixed_minor": 2000}}
    with pytest.raises(TopUpRefused):
        topup_create(merchant=merchant, provider=Provider.STRIPE, amount_minor=2000, actor=owner)
    assert TopUp.objects.count() == 0


def test_replayed_credit_credits_once(merchant, owner):
    topup = topup_create(
        merchant=merchant, provider=Provider.STRIPE, amount_minor=10_000, actor=owner
    )
    first = topup_credit(topup=topup, provider_reference="pi_1")
    again = topup_credit(topup=topup, provider_reference="pi_1")
    stale = TopUp.objects.get(pk=topup.pk)
    stale.status = TopUpStatus.PENDING  # a stale in-memory copy still credits once
    topup_credit(topup=stale)
    assert again.transaction_id == first.transaction_id
    assert LedgerTransaction.objects.count() == 1
    assert wallet_balance(merchant=merchant).available_minor == 9680
    assert AuditEvent.objects.filter(action=AuditAction.TOPUP_CREDITED).count() == 1
    receipt = Invoice.objects.get(topup=topup)  # one receipt, for the credited amount
    assert receipt.total_minor == 9680


def test_failed_topup_cannot_be_credited(merchant, owner):
    topup = topup_create(
        merchant=merchant, provider=Provider.PAYPAL, amount_minor=10_000, actor=owner
    )
    topup_fail(topup=topup, reason="card declined")
    assert topup_fail(topup=topup, reason="again").status == TopUpStatus.FAILED
    with pytest.raises(TopUpRefused):
        topup_credit(topup=topup)
    topup.refresh_from_db()
    assert topup.decision_reason == "card declined"
    assert LedgerTransaction.objects.count() == 0


def test_credited_topup_cannot_fail(merchant, owner):
    topup = sandbox_topup(merchant=merchant, amount_minor=5000, actor=owner)
    with pytest.raises(TopUpRefused):
        topup_fail(topup=topup, reason="late failure")
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED


def test_wire_transfer_is_pending_until_finance_approves(merchant, owner, operator_admin):
    topup = _wire(merchant, owner)
    assert topup.status == TopUpStatus.PENDING
    assert topup.wire_reference == "ACME-INV-77"
    assert topup.proof.name == f"wire-proofs/{topup.public_id}.pdf"
    with topup.proof.open("rb") as stored:
        assert stored.read() == PDF
    with pytest.raises(ValueError, match="no public URL"):
        topup.proof.url  # noqa: B018
    assert wallet_balance(merchant=merchant).available_minor == 0
    decided = wire_decide(topup=topup, actor=operator_admin, approve=True)
    assert decided.status == TopUpStatus.SUCCEEDED
    assert decided.decided_by == operator_admin
    assert decided.provider_reference == "ACME-INV-77"
    assert wallet_balance(merchant=merchant).available_minor == 50_000
    event = AuditEvent.objects.get(action=AuditAction.WIRE_DECIDED)
    assert event.details == {"approved": True, "reason": "", "amount_minor": 50_000}
    assert event.actor == operator_admin
    assert AuditEvent.objects.filter(action=AuditAction.TOPUP_CREDITED).count() == 1
    with pytest.raises(TopUpRefused):
        wire_decide(topup=topup, actor=operator_admin, approve=False, reason="changed my mind")
    assert ledger_integrity_check() == []


def test_wire_rejection_needs_a_reason_and_credits_nothing(merchant, owner, operator_admin):
    topup = _wire(merchant, owner)
    with pytest.raises(TopUpRefused):
        wire_decide(topup=topup, actor=operator_admin, approve=False, reason="  ")
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING
    rejected = wire_decide(
        topup=topup, actor=operator_admin, approve=False, reason="No matching bank credit"
    )
    assert rejected.status == TopUpStatus.REJECTED
    assert rejected.decision_reason == "No matching bank credit"
    assert LedgerTransaction.objects.count() == 0
    assert Invoice.objects.count() == 0
    with pytest.raises(TopUpRefused):
        wire_decide(topup=topup, actor=operator_admin, approve=True)
    with pytest.raises(TopUpRefused):
        topup_credit(topup=topup)
    assert wallet_balance(merchant=merchant).available_minor == 0


def test_only_wire_transfers_are_decided(merchant, owner, operator_admin):
    topup = topup_create(
        merchant=merchant, provider=Provider.STRIPE, amount_minor=5000, actor=owner
    )
    with pytest.raises(TopUpRefused):
        wire_decide(topup=topup, actor=operator_admin, approve=True)
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING


def test_wire_accepts_png_proof(merchant, owner):
    topup = topup_create(
        merchant=merchant,
        provider=Provider.WIRE,
        amount_minor=5000,
        actor=owner,
        wire_reference="R1",
        proof=_proof("receipt.PNG", PNG),
    )
    assert topup.proof.name == f"wire-proofs/{topup.public_id}.png"


@pytest.mark.parametrize(
    ("reference", "proof", "message"),
    [
        ("", lambda: _proof(), "reference"),
        ("R1", lambda: None, "a file is required"),
        ("R1", lambda: _proof("proof.pdf", b""), "empty"),
        ("R1", lambda: _proof("proof.pdf", b"MZ\x90\x00 not a pdf"), "PDF, PNG or JPEG"),
        ("R1", lambda: _proof("proof.exe", PDF), "does not end in .pdf"),
        ("R1", lambda: _proof("proof.png", PDF), "does not end in .pdf"),
        ("x" * 101, lambda: _proof(), "at most 100"),
    ],
)
def test_bad_wire_submissions_are_refused(merchant, owner, reference, proof, message):
    with pytest.raises(TopUpRefused) as refused:
        topup_create(
            merchant=merchant,
            provider=Provider.WIRE,
            amount_minor=5000,
            actor=owner,
            wire_reference=reference,
            proof=proof(),
        )
    assert message in refused.value.message
    assert TopUp.objects.count() == 0


def test_oversized_proof_is_refused(merchant, owner, settings):
    settings.DROPYARD_WIRE_PROOF_MAX_BYTES = 100
    with pytest.raises(TopUpRefused) as refused:
        topup_create(
            merchant=merchant,
            provider=Provider.WIRE,
            amount_minor=5000,
            actor=owner,
            wire_reference="R1",
            proof=_proof("proof.pdf", PDF + b"\x00" * 200),
        )
    assert "limit" in refused.value.message
    assert TopUp.objects.count() == 0


def test_proof_only_for_wire_transfers(merchant, owner):
    with pytest.raises(TopUpRefused):
        topup_create(
            merchant=merchant,
            provider=Provider.STRIPE,
            amount_minor=5000,
            actor=owner,
            proof=_proof(),
        )
    assert TopUp.objects.count() == 0


# --- Sandbox money only where sandbox_allowed ---------------------------------------------------


def test_sandbox_topup_is_refused_to_live_merchants(merchant, owner, settings):
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    with pytest.raises(TopUpRefused, match="Sandbox top-ups are disabled"):
        sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner)

    assert not TopUp.objects.exists()
    assert not LedgerTransaction.objects.exists()
    assert not AuditEvent.objects.filter(action="topup.created").exists()
    assert available(merchant) == 0


def test_sandbox_accounts_and_trusted_callers_may_top_up(merchant, owner, settings):
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner, trusted=True)
    merchant.is_sandbox = True
    merchant.save(update_fields=["is_sandbox"])
    sandbox_topup(merchant=merchant, amount_minor=2_000, actor=owner)

    assert available(merchant) == 7_000
