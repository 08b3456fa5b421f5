"""The double-entry ledger and the records that cause postings.

Money is integer minor units + ISO currency. ``wallet.services.ledger_post`` is the only code
that writes ``LedgerTransaction``/``Entry`` rows and ``Account.balance_minor``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from dropyard.core.ids import new_public_id
from dropyard.core.models import TimeStampedModel

from .choices import AccountKind, Provider, TopUpStatus


class Account(models.Model):
    """One ledger account: a merchant's wallet (available / frozen) or a platform account.

    Invariants:
    - one account per (merchant, kind, currency, provider) — merchant NULL for platform accounts,
      provider set only for PROVIDER_CASH / PROVIDER_FEES / REFUNDS_PAYABLE per provider;
    - ``balance_minor`` equals the sum of the account's entries (a cache written in the same
      transaction as the entries, checked by the integrity check);
    - merchant wallet balances never go below zero (``ledger_post`` refuses, and the check
      constraint backs it up).
    """

    merchant = models.ForeignKey(
        "accounts.MerchantAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    provider = models.CharField(max_length=10, choices=Provider.choices, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    balance_minor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "merchant", "provider", "currency"]
        constraints = [
            # Two partial constraints instead of one with NULLS NOT DISTINCT (PostgreSQL 15+
            # only): platform accounts have no merchant.
            models.UniqueConstraint(
                fields=["merchant", "kind", "provider", "currency"],
                condition=Q(merchant__isnull=False),
                name="ledger_account_unique_merchant",
            ),
            models.UniqueConstraint(
                fields=["kind", "provider", "currency"],
                condition=Q(merchant__isnull=True),
                name="ledger_account_unique_platform",
            ),
            models.CheckConstraint(
                condition=Q(merchant__isnull=True)
                | Q(kind__in=["wallet_available", "wallet_frozen"], balance_minor__gte=0),
                name="ledger_wallet_not_negative",
            ),
        ]

    def __str__(self) -> str:
        who = f"merchant {self.merchant_id}" if self.merchant_id else "platform"
        via = f" {self.provider}" if self.provider else ""
        return f"{who} {self.kind}{via} {self.currency}"


class LedgerTransaction(models.Model):
    """One balanced posting: its entries sum to zero per currency.

    Invariants: append-only; ``idempotency_key`` is unique, so replaying the cause (a provider
    event, an API retry) posts once; ``reference_type``/``reference_id`` name what caused it
    (a top-up, a parent order, a refund…). Corrections are new, reversing transactions
    (``reverses`` points at the original).
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    idempotency_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30)  # topup / order_payment / refund / fee / reversal …
    memo = models.CharField(max_length=300, blank=True)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
    )  # the merchant the posting concerns, for statements (NULL: platform-only)
    reference_type = models.CharField(max_length=40, blank=True)
    reference_id = models.CharField(max_length=64, blank=True)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["merchant", "-created_at"]),
            models.Index(fields=["reference_type", "reference_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"


class Entry(models.Model):
    """One signed amount on one account within a transaction. Append-only."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    balance_after_minor = models.BigIntegerField()  # the account's balance after this entry

    class Meta:
        ordering = ["transaction", "pk"]
        indexes = [models.Index(fields=["account", "transaction"])]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_minor} {self.currency}"


class TopUp(TimeStampedModel):
    """A merchant adding money to the wallet through a provider (or a wire transfer).

    Invariants: credited at most once (its posting's idempotency key is ``topup:<public_id>``);
    ``status`` moves PENDING → SUCCEEDED | FAILED | REJECTED | CANCELLED and never back;
    ``fee_minor`` is what the provider keeps, ``amount_minor`` what the merchant sent; the
    wallet is credited ``amount_minor - fee_minor`` unless the fee rule has the platform
    absorb the fee.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="topups"
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    status = models.CharField(
        max_length=10, choices=TopUpStatus.choices, default=TopUpStatus.PENDING, db_index=True
    )
    amount_minor = models.BigIntegerField()
    fee_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, default="USD")
    provider_reference = models.CharField(max_length=255, blank=True, db_index=True)
    # Wire transfers: the merchant's bank reference and proof upload; finance's decision.
    wire_reference = models.CharField(max_length=100, blank=True)
    proof = models.FileField(upload_to="wire-proofs/", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="topup"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="topup_amount_positive"),
            models.CheckConstraint(condition=Q(fee_minor__gte=0), name="topup_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"top-up {self.public_id} {self.provider} {self.amount_minor}"


class ProviderEvent(models.Model):
    """A webhook or callback received from a payment provider, stored before it is acted on.

    Invariant: one row per (provider, event_id) — a replayed event hits the unique constraint
    and is acknowledged without acting twice. ``processed_at`` is set when its effect is
    posted; ``error`` keeps why it could not be.
    """

    provider = models.CharField(max_length=10, choices=Provider.choices)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    signature_ok = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"
