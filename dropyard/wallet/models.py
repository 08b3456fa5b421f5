"""The double-entry ledger and the records that cause postings.

Money is integer minor units + ISO currency. ``wallet.ledger.ledger_post`` is the only code
that writes ``LedgerTransaction``/``Entry`` rows and ``Account.balance_minor``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from dropyard.accounts.storage import private_storage
from dropyard.core.ids import new_public_id, prefixed_code
from dropyard.core.models import TimeStampedModel

from .choices import (
    CODE_PREFIXES,
    AccountKind,
    InvoiceKind,
    LedgerKind,
    MakeupStatus,
    MakeupType,
    PayoutStatus,
    Provider,
    RefundDestination,
    RefundStatus,
    TopUpStatus,
    choice_label,
)


class Account(models.Model):
    """One ledger account: a merchant's wallet (available / frozen), a supplier's payable, or a
    platform account.

    Invariants:
    - one account per (merchant, kind, currency, provider) — merchant NULL for platform accounts,
      provider set only for PROVIDER_CASH / PROVIDER_FEES / REFUNDS_PAYABLE per provider;
    - one SUPPLIER_PAYABLE account per (supplier, currency); ``supplier`` is set exactly on
      those (and then ``merchant`` is NULL), and their balance never goes below zero;
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
    supplier = models.ForeignKey(
        "accounts.Supplier",
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
                condition=Q(merchant__isnull=True, supplier__isnull=True),
                name="ledger_account_unique_platform",
            ),
            models.UniqueConstraint(
                fields=["supplier", "kind", "currency"],
                condition=Q(supplier__isnull=False),
                name="ledger_account_unique_supplier",
            ),
            models.CheckConstraint(
                condition=Q(supplier__isnull=True)
                | Q(merchant__isnull=True, kind="supplier_payable", balance_minor__gte=0),
                name="ledger_supplier_payable_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(merchant__isnull=True)
                | Q(kind__in=["wallet_available", "wallet_frozen"], balance_minor__gte=0),
                name="ledger_wallet_not_negative",
            ),
        ]

    def __str__(self) -> str:
        who = f"merchant {self.merchant_id}" if self.merchant_id else "platform"
        if self.supplier_id:
            who = f"supplier {self.supplier_id}"
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
    kind = models.CharField(max_length=30)  # a LedgerKind value; ``kind_label`` reads it
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
        return f"{self.kind_label} {self.code}"

    @property
    def code(self) -> str:
        """The code people read: "TX" + the public id (``core.ids.prefixed_code``)."""
        return prefixed_code(CODE_PREFIXES["transaction"], self.public_id)

    @property
    def kind_label(self) -> str:
        """``kind`` in words ("Order payment"), from ``LedgerKind``."""
        return choice_label(LedgerKind, self.kind)


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
    # Private storage: a proof is streamed only by a permission-checking view, never a URL.
    proof = models.FileField(storage=private_storage, upload_to="wire-proofs/", blank=True)
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
        return f"top-up {self.code}"

    def get_absolute_url(self) -> str:
        """The merchant's top-up page."""
        return reverse("wallet:topup_detail", args=[self.public_id])

    @property
    def code(self) -> str:
        """The code people read: "TU" + the public id (``core.ids.prefixed_code``)."""
        return prefixed_code(CODE_PREFIXES["topup"], self.public_id)


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


class InvoiceCounter(models.Model):
    """The last number issued for one kind of billing document in one year.

    Invariant: ``last_number`` is the sequence of the latest document of (kind, year); it is
    only incremented by ``invoices._issue`` while the row is locked, in the same database
    transaction that inserts the document and posts the money, so a rolled-back payment gives
    its number back and the numbers stay 1..N without gaps or duplicates.
    """

    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="invoice_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last_number}"


class Invoice(models.Model):
    """An issued billing document: an invoice (payment), receipt (top-up) or credit note (refund).

    Invariants:
    - immutable once issued: ``snapshot`` freezes every figure and both parties' billing details
      as they were at issue, and the PDF is rendered deterministically from it on demand;
    - ``number`` (``INV-2026-000001``) is unique and ``(kind, year, sequence)`` has no gaps;
    - one document per cause (``cause_key``: ``payment:<transaction>``, ``topup:<top-up>``,
      ``refund:<transaction>``), so issuing again returns the existing document;
    - ``total_minor`` is positive; a credit note's totals never exceed its original invoice's.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    number = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="invoices"
    )
    cause_key = models.CharField(max_length=200, unique=True)
    reference = models.CharField(max_length=300, blank=True)  # order codes / top-up / refund id
    currency = models.CharField(max_length=3, default="USD")
    total_minor = models.BigIntegerField()
    transaction = models.ForeignKey(
        LedgerTransaction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    topup = models.OneToOneField(
        TopUp, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )
    orders = models.ManyToManyField("orders.Order", blank=True, related_name="invoices")
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )  # credit notes: the invoice they correct
    snapshot = models.JSONField(default=dict)
    issued_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="invoice_sequence_unique"
            ),
            models.CheckConstraint(condition=Q(total_minor__gt=0), name="invoice_total_positive"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="invoice_sequence_gte_1"),
        ]
        indexes = [models.Index(fields=["merchant", "-issued_at"])]

    def __str__(self) -> str:
        return self.number


class Makeup(TimeStampedModel):
    """A supplementary ("makeup") bill: a price or freight difference an operator charges a
    merchant after an order was paid (contract: ``BT``-prefixed bills, MAKEUP webhook).

    Invariants: ``code`` is ``BT`` + digits and unique; ``amount_minor > 0``; ``status`` moves
    UNPAID → PAID | CANCELLED and never back; paid at most once (``wallet.bills`` locks the
    row and posts under ``makeup:<code>``); ``pay_order_code``/``pay_id`` group the bills a
    ``createPayOrder`` call bundled for one payment.
    """

    code = models.CharField(max_length=32, unique=True)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="makeups"
    )
    related_order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="makeups"
    )
    type = models.CharField(max_length=10, choices=MakeupType.choices)
    status = models.CharField(
        max_length=10, choices=MakeupStatus.choices, default=MakeupStatus.UNPAID, db_index=True
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    reason = models.CharField(max_length=300)
    pay_order_code = models.CharField(max_length=32, blank=True, db_index=True)
    pay_id = models.CharField(max_length=32, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="makeup_amount_positive")
        ]
        indexes = [models.Index(fields=["merchant", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"supplementary bill {self.code}"


class Payment(models.Model):
    """What one order (or one makeup bill) was paid, by which method, in which posting.

    Invariants: at most one row per order and per makeup bill (an order is paid once);
    ``net_minor = products_minor + freight_minor - discount_minor`` and is what the merchant
    paid; refunds of it never exceed ``net_minor`` (``wallet.refunds``). Several rows share
    one ``transaction`` when a parent order pays many orders at once.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="payments"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    makeup = models.ForeignKey(
        Makeup, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    parent = models.ForeignKey(
        "orders.ParentOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    method = models.CharField(max_length=10, choices=Provider.choices)
    products_minor = models.BigIntegerField()
    freight_minor = models.BigIntegerField()
    discount_minor = models.BigIntegerField(default=0)
    net_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    provider_reference = models.CharField(max_length=255, blank=True)
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="payments"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(order__isnull=False), name="payment_one_per_order"
            ),
            models.UniqueConstraint(
                fields=["makeup"], condition=Q(makeup__isnull=False), name="payment_one_per_makeup"
            ),
            models.CheckConstraint(
                condition=Q(
                    net_minor=F("products_minor") + F("freight_minor") - F("discount_minor")
                ),
                name="payment_net_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(discount_minor__gte=0), name="payment_discount_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.code}"

    @property
    def code(self) -> str:
        """The code people read: "PM" + the public id (``core.ids.prefixed_code``)."""
        return prefixed_code(CODE_PREFIXES["payment"], self.public_id)


class Refund(models.Model):
    """Money given back for (part of) one payment.

    Invariants: ``amount_minor > 0``; the refunds of one payment sum to at most its
    ``net_minor`` (checked under the payment's lock by ``refunds.refund_issue``); one row per
    (merchant, ``idempotency_key``); a WALLET refund is COMPLETED when written; a SOURCE
    refund is PENDING (owed, in REFUNDS_PAYABLE) until the provider accepts it (SENT).
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    idempotency_key = models.CharField(max_length=200)  # unique per merchant
    merchant = models.ForeignKey(
        "accounts.MerchantAccount", on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    destination = models.CharField(max_length=10, choices=RefundDestination.choices)
    provider = models.CharField(max_length=10, choices=Provider.choices)  # the payment's method
    status = models.CharField(max_length=10, choices=RefundStatus.choices, db_index=True)
    reason = models.CharField(max_length=300)
    message = models.CharField(max_length=300, blank=True)  # what the merchant is told
    provider_reference = models.CharField(max_length=255, blank=True)
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="refunds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(
                fields=["merchant", "idempotency_key"], name="refund_key_unique_per_merchant"
            ),
        ]
        indexes = [models.Index(fields=["merchant", "-created_at"])]

    def __str__(self) -> str:
        return f"refund {self.code}"

    @property
    def code(self) -> str:
        """The code people read: "RF" + the public id (``core.ids.prefixed_code``)."""
        return prefixed_code(CODE_PREFIXES["refund"], self.public_id)


class Payout(TimeStampedModel):
    """A supplier asking to be paid (part of) what the platform owes it, reviewed by finance.

    Invariants:
    - ``amount_minor > 0``; at request time it is at most the supplier's payable balance minus
      the amounts of its other open payouts (REQUESTED / APPROVED), checked under the payable
      account's row lock (``payouts.payout_request``);
    - ``status`` moves only through ``payouts.payout_transition`` along ``PAYOUT_TRANSITIONS``:
      REQUESTED → APPROVED → PAID, or → REJECTED (with ``decision_reason``) before it is paid;
      PAID and REJECTED are final;
    - a PAID payout has exactly one ledger transaction (``transaction``, key ``payout:<id>``)
      debiting the supplier's payable by ``amount_minor``; other statuses have none.
    """

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    supplier = models.ForeignKey(
        "accounts.Supplier", on_delete=models.PROTECT, related_name="payouts"
    )
    status = models.CharField(
        max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED, db_index=True
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    bank_details = models.TextField(max_length=1000)
    note = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)  # why it was rejected
    paid_reference = models.CharField(max_length=100, blank=True)  # the bank transfer's reference
    paid_at = models.DateTimeField(null=True, blank=True)
    transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="payout"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="paid", transaction__isnull=False)
                | (~Q(status="paid") & Q(transaction__isnull=True)),
                name="payout_paid_has_transaction",
            ),
        ]
        indexes = [models.Index(fields=["supplier", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"payout {self.code}"

    @property
    def code(self) -> str:
        """The code people read: "PO" + the public id (``core.ids.prefixed_code``)."""
        return prefixed_code(CODE_PREFIXES["payout"], self.public_id)
